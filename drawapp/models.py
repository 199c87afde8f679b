"""A child's drawing: its stroke log, redo stack, category and revision counter."""
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from inference.categories import CATEGORIES, DEFAULT_CATEGORY

from .labels import CATEGORY_NAMES
from .pictures.models import Generation  # noqa: F401  (registered with the drawapp app here)

CLEAR_MARK = {"tool": "clear"}


class Drawing(models.Model):
    """One canvas. `strokes` is an append-only log of strokes and clear marks; undo moves
    its last entry onto `redo`. `revision` goes up by one with every saved change."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner_session = models.CharField(max_length=64, blank=True, db_index=True)
    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
        related_name="drawings",
    )
    category = models.CharField(
        max_length=32, choices=[(c, c) for c in CATEGORIES], default=DEFAULT_CATEGORY
    )
    strokes = models.JSONField(default=list, blank=True)
    redo = models.JSONField(default=list, blank=True)
    revision = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("drawing")
        verbose_name_plural = _("drawings")

    def __str__(self):
        return f"{self.category} drawing {self.id} r{self.revision}"

    @property
    def category_name(self) -> str:
        """The category as the child reads it, in the page's language."""
        return CATEGORY_NAMES.get(self.category, self.category)

    def visible_strokes(self) -> list[dict]:
        """The strokes on the canvas now: everything after the last clear mark."""
        for index in range(len(self.strokes) - 1, -1, -1):
            if self.strokes[index].get("tool") == "clear":
                return self.strokes[index + 1:]
        return list(self.strokes)

    def is_owned_by(self, session_key: str | None, user) -> bool:
        if self.owner_user_id is not None:
            return bool(user and user.is_authenticated and user.pk == self.owner_user_id)
        return bool(session_key) and session_key == self.owner_session
