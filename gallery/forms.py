"""Every form of the gallery: each turns bad input into a short, clear message."""
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from inference.categories import CATEGORIES

from .actions import MAX_KIDS_PER_CLASS, REVIEW_ACTIONS
from .category_names import category_name_lazy
from .models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    NOTE_MAX,
    PROMPT_MAX,
    TITLE_MAX,
    Artwork,
    Classroom,
    KidProfile,
)
from .names import KidNameError, parse_kid_name
from .pins import PIN_IDS, PIN_LENGTH, PinError, canonical_pin

MAX_NAMES_AT_ONCE = 40
CHALLENGE_DAYS = 7  # a new challenge's last day is a week ahead unless the teacher says


def normalise_join_code(text: str) -> str:
    """What a kid typed, as a code: capitals, no spaces or dashes."""
    return "".join(character for character in text.upper() if character not in " -")


class JoinCodeForm(forms.Form):
    code = forms.CharField(
        max_length=20, label=_("Class code"),
        error_messages={"required": _("Type your class code.")},
        widget=forms.TextInput(attrs={
            "autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false",
            "inputmode": "text", "placeholder": "ABC DEF", "data-testid": "join-code",
        }),
    )

    def __init__(self, *args, find_classroom=None, **kwargs):
        """find_classroom(code) -> Classroom or None; the join page's counts wrong codes."""
        super().__init__(*args, **kwargs)
        self.find_classroom = find_classroom or (
            lambda code: Classroom.objects.filter(join_code=code).first())

    def clean_code(self):
        code = normalise_join_code(self.cleaned_data["code"])
        if len(code) != JOIN_CODE_LENGTH or any(c not in JOIN_CODE_ALPHABET for c in code):
            raise forms.ValidationError(
                _("A class code has %(count)d letters and numbers. Check it with your teacher.")
                % {"count": JOIN_CODE_LENGTH})
        classroom = self.find_classroom(code)
        if classroom is None:
            raise forms.ValidationError(
                _("We can't find that class. Check the code with your teacher."))
        self.classroom = classroom
        return code


class PinForm(forms.Form):
    pictures = forms.MultipleChoiceField(
        choices=[(pid, pid) for pid in PIN_IDS], widget=forms.CheckboxSelectMultiple,
        error_messages={"required": format_lazy(_("Pick your {count} pictures."),
                                                count=PIN_LENGTH),
                        "invalid_choice": _("Pick pictures from the nine shown.")},
    )

    def clean_pictures(self):
        try:
            canonical_pin(self.cleaned_data["pictures"])
        except PinError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["pictures"]


class TeacherSignUpForm(UserCreationForm):
    display_name = forms.CharField(
        max_length=60, required=False, label=_("Name the kids use"),
        help_text=_("For example “Ms. Rivera”."),
    )


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": _("Class name")}
        error_messages = {"name": {"required": _("Give the class a name.")}}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Give the class a name."))
        return name


class ClassroomSettingsForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["approval_required", "stars_enabled", "public_featuring_allowed"]
        labels = {
            "approval_required": _("Approval required"),
            "stars_enabled": _("Stars enabled"),
            "public_featuring_allowed": _("Public featuring allowed"),
        }
        help_texts = {
            "approval_required": _(
                "New pictures wait for the teacher before classmates see them."),
            "stars_enabled": _("Classmates can give stars."),
            "public_featuring_allowed": _(
                "Pictures the teacher features may appear on the public home page."),
        }


class RosterForm(forms.Form):
    """Kids to add, one per line: a first name and an initial."""

    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": _("Maya K.\nLeo B.\nAisha R.")}),
        label=_("Names, one per line"),
        error_messages={"required": _("Write at least one name.")},
    )

    def __init__(self, *args, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.classroom = classroom

    def clean_names(self):
        lines = [line for line in self.cleaned_data["names"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError(_("Write at least one name."))
        if len(lines) > MAX_NAMES_AT_ONCE:
            raise forms.ValidationError(_("Add at most %(most)d names at a time.")
                                        % {"most": MAX_NAMES_AT_ONCE})
        taken = set()
        if self.classroom is not None:
            taken = {(kid.first_name.casefold(), kid.last_initial.casefold())
                     for kid in self.classroom.kids.all()}
            if len(taken) + len(lines) > MAX_KIDS_PER_CLASS:
                raise forms.ValidationError(_("A class holds at most %(most)d kids.")
                                            % {"most": MAX_KIDS_PER_CLASS})
        names, problems, pasted = [], [], {}
        for number, line in enumerate(lines, start=1):
            try:
                first, initial = parse_kid_name(line)
            except KidNameError as error:
                problems.append(_("Line %(number)d: %(problem)s")
                                % {"number": number, "problem": error})
                continue
            key = (first.casefold(), initial.casefold())
            if key in pasted:
                problems.append(_("Line %(number)d: %(name)s is on line %(other)d too.")
                                % {"number": number, "name": line.strip(), "other": pasted[key]})
                continue
            if key in taken:
                problems.append(_("Line %(number)d: %(name)s is already in the class.")
                                % {"number": number, "name": line.strip()})
                continue
            pasted[key] = number
            names.append((first, initial))
        if problems and not names:
            raise forms.ValidationError(problems)
        self.problems = problems  # the good lines are added; these are told after
        return names


class ReviewForm(forms.Form):
    action = forms.ChoiceField(
        choices=[(action, action) for action in REVIEW_ACTIONS],
        error_messages={"invalid_choice": _("Choose approve, hide, feature or send back.")},
    )
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, label=_("A kind note"),
        error_messages={"max_length": _(
            "A note can have at most %(limit_value)d letters.")},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Write a kind note so they know what to change."))
        return cleaned


class ChallengeForm(forms.Form):
    prompt = forms.CharField(
        max_length=PROMPT_MAX, label=_("What should they draw?"),
        error_messages={"required": _("Write what the kids should draw."),
                        "max_length": _(
                            "A prompt can have at most %(limit_value)d letters.")},
    )
    category = forms.ChoiceField(
        choices=[("", _("any kind"))] + [(c, category_name_lazy(c)) for c in CATEGORIES],
        required=False,
        label=_("Kind of picture"),
        error_messages={"invalid_choice": _("That is not one of the picture kinds.")},
    )
    starts = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=_("First day"),
        error_messages={"required": _("Pick the first day."), "invalid": _("That is not a date.")},
    )
    ends = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label=_("Last day"),
        error_messages={"required": _("Pick the last day."), "invalid": _("That is not a date.")},
    )

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {
            "starts": today, "ends": today + timedelta(days=CHALLENGE_DAYS)})
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts"), cleaned.get("ends")
        if starts and ends and ends < starts:
            self.add_error("ends", _("The last day must not be before the first."))
        return cleaned


class TitleForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX, required=False,
        error_messages={"max_length": _(
            "A title can have at most %(limit_value)d letters.")},
        widget=forms.TextInput(attrs={"placeholder": _("Name your picture")}),
    )


class EnterChallengeForm(forms.Form):
    artwork = forms.ModelChoiceField(
        queryset=Artwork.objects.none(), widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": _("Pick one of your pictures."),
                        "invalid_choice": _("Pick one of your own pictures.")},
    )

    def __init__(self, *args, kid=None, challenge=None, **kwargs):
        super().__init__(*args, **kwargs)
        artworks = Artwork.objects.filter(kid=kid).exclude(
            status__in=[Artwork.Status.HIDDEN, Artwork.Status.RETURNED]
        )
        if challenge is not None and challenge.category:
            artworks = artworks.filter(category=challenge.category)
        self.fields["artwork"].queryset = artworks


class KidProfileAdminForm(forms.ModelForm):
    """The admin's kid form: the same names the roster takes, a one-word name ("Maya") with no
    initial included."""

    class Meta:
        model = KidProfile
        fields = "__all__"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "last_initial" in self.fields:
            self.fields["last_initial"].required = False
            self.fields["last_initial"].help_text = _(
                "One letter, or empty for a one-word name.")

    def clean(self):
        cleaned = super().clean()
        if "first_name" in cleaned:
            typed = f"{cleaned['first_name']} {cleaned.get('last_initial') or ''}"
            try:
                cleaned["first_name"], cleaned["last_initial"] = parse_kid_name(typed)
            except KidNameError as error:
                self.add_error("first_name", str(error))
                return cleaned
            # Checked here: with an empty initial the model's own check of the name skips it.
            namesakes = KidProfile.objects.filter(
                classroom=cleaned.get("classroom"), first_name__iexact=cleaned["first_name"],
                last_initial__iexact=cleaned["last_initial"]).exclude(pk=self.instance.pk)
            if cleaned.get("classroom") and namesakes.exists():
                self.add_error("first_name", _("A kid of that name is already in this class."))
        return cleaned
