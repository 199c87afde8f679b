"""Every form of the gallery: each turns bad input into a short, clear message."""
from datetime import timedelta

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from inference.categories import CATEGORIES

from .actions import MAX_KIDS_PER_CLASS, REVIEW_ACTIONS
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
        max_length=20, label="Class code",
        error_messages={"required": "Type your class code."},
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
                f"A class code has {JOIN_CODE_LENGTH} letters and numbers. Check it with your "
                "teacher."
            )
        classroom = self.find_classroom(code)
        if classroom is None:
            raise forms.ValidationError("We can't find that class. Check the code with your "
                                        "teacher.")
        self.classroom = classroom
        return code


class PinForm(forms.Form):
    pictures = forms.MultipleChoiceField(
        choices=[(pid, pid) for pid in PIN_IDS], widget=forms.CheckboxSelectMultiple,
        error_messages={"required": f"Pick your {PIN_LENGTH} pictures.",
                        "invalid_choice": "Pick pictures from the nine shown."},
    )

    def clean_pictures(self):
        try:
            canonical_pin(self.cleaned_data["pictures"])
        except PinError as error:
            raise forms.ValidationError(str(error)) from None
        return self.cleaned_data["pictures"]


class TeacherSignUpForm(UserCreationForm):
    display_name = forms.CharField(
        max_length=60, required=False, label="Name the kids use",
        help_text="For example “Ms. Rivera”.",
    )


class ClassroomForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["name"]
        labels = {"name": "Class name"}
        error_messages = {"name": {"required": "Give the class a name."}}

    def clean_name(self):
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the class a name.")
        return name


class ClassroomSettingsForm(forms.ModelForm):
    class Meta:
        model = Classroom
        fields = ["approval_required", "stars_enabled", "public_featuring_allowed"]


class RosterForm(forms.Form):
    """Kids to add, one per line: a first name and an initial."""

    names = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8, "placeholder": "Maya K.\nLeo B.\nAisha R."}),
        label="Names, one per line",
        error_messages={"required": "Write at least one name."},
    )

    def __init__(self, *args, classroom=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.classroom = classroom

    def clean_names(self):
        lines = [line for line in self.cleaned_data["names"].splitlines() if line.strip()]
        if not lines:
            raise forms.ValidationError("Write at least one name.")
        if len(lines) > MAX_NAMES_AT_ONCE:
            raise forms.ValidationError(f"Add at most {MAX_NAMES_AT_ONCE} names at a time.")
        taken = set()
        if self.classroom is not None:
            taken = {(kid.first_name.casefold(), kid.last_initial.casefold())
                     for kid in self.classroom.kids.all()}
            if len(taken) + len(lines) > MAX_KIDS_PER_CLASS:
                raise forms.ValidationError(f"A class holds at most {MAX_KIDS_PER_CLASS} kids.")
        names, problems, pasted = [], [], {}
        for number, line in enumerate(lines, start=1):
            try:
                first, initial = parse_kid_name(line)
            except KidNameError as error:
                problems.append(f"Line {number}: {error}")
                continue
            key = (first.casefold(), initial.casefold())
            if key in pasted:
                problems.append(f"Line {number}: {line.strip()} is on line {pasted[key]} too.")
                continue
            if key in taken:
                problems.append(f"Line {number}: {line.strip()} is already in the class.")
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
        error_messages={"invalid_choice": "Choose approve, hide, feature or send back."},
    )
    note = forms.CharField(
        max_length=NOTE_MAX, required=False, label="A kind note",
        error_messages={"max_length": f"A note can have at most {NOTE_MAX} letters."},
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "return" and not cleaned.get("note", "").strip():
            self.add_error("note", "Write a kind note so they know what to change.")
        return cleaned


class ChallengeForm(forms.Form):
    prompt = forms.CharField(
        max_length=PROMPT_MAX, label="What should they draw?",
        error_messages={"required": "Write what the kids should draw.",
                        "max_length": f"A prompt can have at most {PROMPT_MAX} letters."},
    )
    category = forms.ChoiceField(
        choices=[("", "any kind")] + [(c, c) for c in CATEGORIES], required=False,
        error_messages={"invalid_choice": "That is not one of the picture kinds."},
    )
    starts = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="First day",
        error_messages={"required": "Pick the first day.", "invalid": "That is not a date."},
    )
    ends = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), label="Last day",
        error_messages={"required": "Pick the last day.", "invalid": "That is not a date."},
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
            self.add_error("ends", "The last day must not be before the first.")
        return cleaned


class TitleForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX, required=False,
        error_messages={"max_length": f"A title can have at most {TITLE_MAX} letters."},
        widget=forms.TextInput(attrs={"placeholder": "Name your picture"}),
    )


class EnterChallengeForm(forms.Form):
    artwork = forms.ModelChoiceField(
        queryset=Artwork.objects.none(), widget=forms.RadioSelect, empty_label=None,
        error_messages={"required": "Pick one of your pictures.",
                        "invalid_choice": "Pick one of your own pictures."},
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
