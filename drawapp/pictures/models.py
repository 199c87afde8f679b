"""A picture made for one revision of a drawing, with the model that made it and its cost."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Generation(models.Model):
    drawing = models.ForeignKey(
        "drawapp.Drawing", on_delete=models.CASCADE, related_name="generations"
    )
    revision = models.PositiveIntegerField()
    category = models.CharField(max_length=32)
    model_version = models.CharField(max_length=64)
    image = models.CharField(max_length=255, help_text="Path under MEDIA_ROOT")
    model_ms = models.FloatField(help_text="Generator time in milliseconds")
    total_ms = models.FloatField(help_text="Task time in milliseconds")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "drawapp"
        # The table keeps the name it had when the model lived in the inference app.
        db_table = "inference_generation"
        ordering = ["-revision"]
        verbose_name = _("picture made")
        verbose_name_plural = _("pictures made")
        constraints = [
            models.UniqueConstraint(fields=["drawing", "revision"], name="one_picture_per_revision")
        ]

    def __str__(self):
        return f"{self.drawing_id} r{self.revision} ({self.model_version})"

    @property
    def url(self) -> str:
        return settings.MEDIA_URL + self.image

    def done_event(self) -> dict:
        """The channel-layer event that tells the drawing's sockets this picture is ready."""
        return {"type": "gen.done", "revision": self.revision, "url": self.url,
                "model_ms": self.model_ms}
