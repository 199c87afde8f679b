"""The gallery game's data: teachers, classrooms, kids, artworks, stars, badges and challenges."""
import secrets
from datetime import date, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inference.categories import CATEGORIES

from .category_names import category_name
from .icons import icon_name
from .names import FIRST_NAME_MAX
from .rules import RULE_CHOICES

# Easy to read aloud and to type: no 0/O, 1/l/I (and no L, which is an l in lower case).
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6

TITLE_MAX = 60
NOTE_MAX = 200
PROMPT_MAX = 120
CATEGORY_CHOICES = [(category, category) for category in CATEGORIES]


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def xp_for_level(level: int) -> int:
    """XP needed to reach `level`: 0, 100, 300, 600, ... (each level asks 100 more)."""
    return 50 * level * (level - 1)


def only_weekend_between(earlier: date, later: date) -> bool:
    """True when every day strictly between the two dates is a Saturday or Sunday."""
    day = earlier + timedelta(days=1)
    while day < later:
        if day.weekday() < 5:
            return False
        day += timedelta(days=1)
    return True


def level_for_xp(xp: int) -> int:
    level = 1
    while xp >= xp_for_level(level + 1):
        level += 1
    return level


class Teacher(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teacher"
    )
    display_name = models.CharField(max_length=60, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("teacher")
        verbose_name_plural = _("teachers")

    def __str__(self):
        return self.display_name or self.user.get_username()


class Classroom(models.Model):
    teacher = models.ForeignKey(Teacher, on_delete=models.CASCADE, related_name="classrooms")
    name = models.CharField(max_length=60)
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code)
    approval_required = models.BooleanField(
        default=True, help_text="New pictures wait for the teacher before classmates see them."
    )
    stars_enabled = models.BooleanField(default=True, help_text="Classmates can give stars.")
    public_featuring_allowed = models.BooleanField(
        default=False,
        help_text="Pictures the teacher features may appear on the public home page.",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("classroom")
        verbose_name_plural = _("classrooms")
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.join_code})"

    def is_taught_by(self, user) -> bool:
        return bool(user and user.is_authenticated and self.teacher.user_id == user.pk)

    @property
    def spoken_code(self) -> str:
        """The code in two halves, easier to read aloud: 'ABC DEF'."""
        half = len(self.join_code) // 2
        return f"{self.join_code[:half]} {self.join_code[half:]}"


class KidProfile(models.Model):
    """A child in one classroom. The User has an unusable password: kids sign in with the
    class code, their name and a picture PIN (3 of the 9 PIN_PICTURES)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="kid_profile"
    )
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="kids")
    first_name = models.CharField(max_length=FIRST_NAME_MAX)
    last_initial = models.CharField(max_length=1)
    pin_hash = models.CharField(max_length=128)
    failed_pin_attempts = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    pin_lockouts = models.PositiveSmallIntegerField(
        default=0, help_text="Lockouts since the kid last got in; each lasts twice as long"
    )
    xp = models.PositiveIntegerField(default=0)
    level = models.PositiveSmallIntegerField(default=1)
    streak = models.PositiveSmallIntegerField(default=0, help_text="Days in a row with a picture")
    best_streak = models.PositiveSmallIntegerField(default=0)
    last_drawn_date = models.DateField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("kid profile")
        verbose_name_plural = _("kid profiles")
        ordering = ["first_name", "last_initial"]
        constraints = [
            models.UniqueConstraint(
                fields=["classroom", "first_name", "last_initial"], name="one_name_per_class"
            )
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_initial}." if self.last_initial else self.first_name

    def is_locked(self, now=None) -> bool:
        return self.locked_until is not None and self.locked_until > (now or timezone.now())

    @property
    def current_streak(self) -> int:
        """The streak as it stands today: 0 once a school day went by without a picture."""
        if self.last_drawn_date is None:
            return 0
        today = timezone.localdate()
        if self.last_drawn_date >= today or only_weekend_between(self.last_drawn_date, today):
            return self.streak
        return 0

    @property
    def next_level_xp(self) -> int:
        return xp_for_level(self.level + 1)

    @property
    def level_progress_percent(self) -> int:
        start, end = xp_for_level(self.level), xp_for_level(self.level + 1)
        return max(0, min(100, round(100 * (self.xp - start) / (end - start))))


class SignInAlert(models.Model):
    """What a teacher should know about sign-in to their class: a kid locked out after wrong
    pictures, or a device stopped after wrong pictures on kids of the class. Repeats gather on
    one open alert until the teacher deals with it."""

    class Kind(models.TextChoices):
        KID_LOCKED = "kid_locked", _("a kid was locked out")
        DEVICE_STOPPED = "device_stopped", _("a device was stopped")

    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE,
                                  related_name="sign_in_alerts")
    kid = models.ForeignKey(KidProfile, null=True, blank=True, on_delete=models.CASCADE,
                            related_name="sign_in_alerts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    times = models.PositiveIntegerField(default=1, help_text="Lockouts gathered on this alert")
    clients = models.JSONField(
        default=list, blank=True,
        help_text="Throttle keys of the stopped devices (digests: no addresses are kept)",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in alert")
        verbose_name_plural = _("sign-in alerts")
        ordering = ["-updated", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} in {self.classroom}"


def artwork_upload_path(artwork, filename: str) -> str:
    return f"artworks/{artwork.kid_id}/{filename}"


class ArtworkQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=Artwork.Status.APPROVED)

    def on_featured_wall(self):
        """What anyone may see: featured by a teacher, from a class that allows it."""
        return self.filter(
            featured=True,
            status=Artwork.Status.APPROVED,
            classroom__public_featuring_allowed=True,
        )


class Artwork(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the teacher")
        APPROVED = "approved", _("in the class gallery")
        HIDDEN = "hidden", _("hidden")
        RETURNED = "returned", _("sent back")

    kid = models.ForeignKey(KidProfile, on_delete=models.CASCADE, related_name="artworks")
    classroom = models.ForeignKey(Classroom, on_delete=models.CASCADE, related_name="artworks")
    drawing = models.ForeignKey(
        "drawapp.Drawing", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="artworks",
    )
    drawing_revision = models.PositiveIntegerField(null=True, blank=True)
    strokes = models.JSONField(default=list, blank=True)
    sketch = models.FileField(upload_to=artwork_upload_path)
    picture = models.FileField(upload_to=artwork_upload_path)
    category = models.CharField(max_length=32, choices=CATEGORY_CHOICES)
    model_version = models.CharField(max_length=64, blank=True)
    title = models.CharField(max_length=TITLE_MAX, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    teacher_note = models.CharField(max_length=NOTE_MAX, blank=True)
    featured = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    objects = ArtworkQuerySet.as_manager()

    class Meta:
        verbose_name = _("artwork")
        verbose_name_plural = _("artworks")
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["drawing", "drawing_revision"],
                condition=Q(drawing__isnull=False),
                name="keep_a_revision_once",
            )
        ]

    def __str__(self):
        return f"{self.title or self.category} by {self.kid}"

    @property
    def label(self) -> str:
        return self.title or gettext("My %(category)s") % {
            "category": category_name(self.category)}

    def get_absolute_url(self) -> str:
        return reverse("gallery:artwork", args=[self.pk])


class Star(models.Model):
    kid = models.ForeignKey(KidProfile, on_delete=models.CASCADE, related_name="stars_given")
    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="stars")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("star")
        verbose_name_plural = _("stars")
        constraints = [
            models.UniqueConstraint(fields=["kid", "artwork"], name="one_star_per_kid_per_artwork")
        ]

    def __str__(self):
        return f"{self.kid} ★ {self.artwork}"


class Badge(models.Model):
    """A badge is data: the admin can add one by choosing a rule and a threshold."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=40)
    icon = models.CharField(max_length=8, help_text="An emoji")
    description = models.CharField(max_length=120)
    rule = models.CharField(max_length=32, choices=RULE_CHOICES)
    threshold = models.PositiveIntegerField(default=1)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("badge")
        verbose_name_plural = _("badges")
        ordering = ["order", "pk"]

    def __str__(self):
        return f"{self.icon} {self.name}"

    @property
    def shown_name(self) -> str:
        """The name in the active language (an admin's own badge stays as it was written)."""
        return gettext(self.name)

    @property
    def shown_description(self) -> str:
        return gettext(self.description)

    def as_message(self) -> dict:
        """The pop-up's content in the active language; the kid's socket says it again in the
        language of the kid's page (consumers.KidConsumer)."""
        return {"slug": self.slug, "name": self.shown_name, "icon": self.icon,
                "icon_name": icon_name(self.icon),
                "description": self.shown_description}


class AwardedBadge(models.Model):
    kid = models.ForeignKey(KidProfile, on_delete=models.CASCADE, related_name="awarded_badges")
    badge = models.ForeignKey(Badge, on_delete=models.CASCADE, related_name="awards")
    awarded_at = models.DateTimeField(auto_now_add=True)
    seen = models.BooleanField(default=False, help_text="The kid's page showed the pop-up")

    class Meta:
        verbose_name = _("awarded badge")
        verbose_name_plural = _("awarded badges")
        ordering = ["-awarded_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kid", "badge"], name="a_badge_once_per_kid")
        ]

    def __str__(self):
        return f"{self.badge} for {self.kid}"


class ChallengeQuerySet(models.QuerySet):
    def open_on(self, day):
        return self.filter(starts__lte=day, ends__gte=day)

    def for_classroom(self, classroom):
        """Challenges a kid of `classroom` can see: their class's and everyone's."""
        return self.filter(Q(classroom=classroom) | Q(classroom__isnull=True))


class Challenge(models.Model):
    classroom = models.ForeignKey(
        Classroom, null=True, blank=True, on_delete=models.CASCADE, related_name="challenges",
        help_text="Empty: a challenge for everyone",
    )
    prompt = models.CharField(max_length=PROMPT_MAX)
    category = models.CharField(
        max_length=32, choices=CATEGORY_CHOICES, blank=True, help_text="Empty: any picture"
    )
    starts = models.DateField()
    ends = models.DateField(help_text="The last day to enter")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    daily_for = models.DateField(
        null=True, blank=True, unique=True, help_text="Set on the automatic daily challenge"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-starts", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends__gte=models.F("starts")),
                                   name="challenge_ends_after_it_starts")
        ]

    def __str__(self):
        return self.prompt

    @property
    def is_daily(self) -> bool:
        return self.daily_for is not None

    def is_open(self, day=None) -> bool:
        day = day or timezone.localdate()
        return self.starts <= day <= self.ends


class ChallengeEntry(models.Model):
    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="entries")
    artwork = models.ForeignKey(Artwork, on_delete=models.CASCADE, related_name="entries")
    kid = models.ForeignKey(KidProfile, on_delete=models.CASCADE, related_name="entries")
    is_winner = models.BooleanField(default=False)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("challenge entry")
        verbose_name_plural = _("challenge entries")
        ordering = ["-is_winner", "created"]
        constraints = [
            models.UniqueConstraint(fields=["challenge", "kid"], name="one_entry_per_kid"),
            models.UniqueConstraint(fields=["challenge"], condition=Q(is_winner=True),
                                    name="one_winner_per_challenge"),
        ]

    def __str__(self):
        return f"{self.kid} in {self.challenge}"

