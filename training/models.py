"""Retraining from the admin: datasets built from photos, training runs, and model versions."""
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from inference.categories import CATEGORIES
from training.edges import EDGE_METHODS

CATEGORY_CHOICES = [(category, category) for category in CATEGORIES]
EDGE_CHOICES = [(method, method) for method in EDGE_METHODS]
LOG_TAIL_CHARS = 8000  # the newest part of a run's log kept in the database
ERROR_CHARS = 8000
# A running run whose worker has not written a heartbeat for this long is taken as interrupted.
HEARTBEAT_TIMEOUT_S = 120
INTERRUPTED_MESSAGE = (
    f"The worker stopped reporting (no heartbeat for over {HEARTBEAT_TIMEOUT_S} s): it was "
    "stopped or died. Resume continues from the last checkpoint."
)


def percent_of(done: int, total: int | None) -> float:
    """How far a build or a run has come, 0 to 100 (0 while the total is unknown)."""
    return min(100.0, 100.0 * done / total) if total else 0.0


class TrainingDataset(models.Model):
    """A dataset under settings.TRAINING_DATA_DIR/<name>/: built here from photos an admin
    brought (an uploaded zip or a server folder), or found there (made by the make_world_dataset
    or build_dataset commands) and registered by training.bookkeeping. While it builds, the
    worker writes its progress (photos done of the total, time left) like a training run's."""

    class SourceKind(models.TextChoices):
        UPLOAD = "upload", _("uploaded zip")
        FOLDER = "folder", _("server folder")
        WORLD = "world", _("procedural world (make_world_dataset)")
        COMMAND = "command", _("built by build_dataset")

    class Status(models.TextChoices):
        NEW = "new", _("not built yet")
        QUEUED = "queued", _("queued for building")
        BUILDING = "building", _("building")
        READY = "ready", _("ready")
        FAILED = "failed", _("failed")

    name = models.CharField(verbose_name=_("name"), max_length=64, unique=True,
                            help_text=_("The dataset's folder name under the data directory."))
    category = models.CharField(verbose_name=_("category"), max_length=32, choices=CATEGORY_CHOICES)
    source_kind = models.CharField(verbose_name=_("source kind"), max_length=16,
                                   choices=SourceKind.choices)
    source_path = models.CharField(verbose_name=_("source path"), max_length=500,
                                   help_text=_("The zip or folder on the server."))
    source_name = models.CharField(verbose_name=_("source name"), max_length=255, blank=True,
                                   help_text=_("The uploaded file's name, as the admin's computer "
                                               "called it."))
    edges = models.CharField(verbose_name=_("edges"), max_length=16, default="auto",
                             choices=EDGE_CHOICES,
                             help_text=_("auto: HED when its weights load, else Canny."))
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.NEW)
    edge_method = models.CharField(verbose_name=_("edge method used"), max_length=32, blank=True,
                                   help_text=_("The edge method the build really used."))
    train_pairs = models.PositiveIntegerField(verbose_name=_("training pairs"), default=0)
    val_pairs = models.PositiveIntegerField(verbose_name=_("held-out pairs"), default=0)
    skipped = models.JSONField(verbose_name=_("skipped"), default=list, blank=True,
                               help_text=_("Files that were not used, each with its reason."))
    dataset_dir = models.CharField(verbose_name=_("dataset folder"), max_length=500, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)
    files_done = models.PositiveIntegerField(verbose_name=_("files done"), default=0,
                                             help_text=_("Source files read so far."))
    files_total = models.PositiveIntegerField(verbose_name=_("files in all"), null=True, blank=True)
    eta_s = models.FloatField(verbose_name=_("seconds left"), null=True, blank=True,
                              help_text=_("Seconds left, as last estimated."))
    progress_at = models.DateTimeField(verbose_name=_("last progress report"), null=True,
                                       blank=True, help_text=_("When the builder last reported."))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, blank=True)
    built_at = models.DateTimeField(verbose_name=_("built at"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("training dataset")
        verbose_name_plural = _("training datasets")

    def __str__(self):
        return f"{self.name} ({self.category})"

    @property
    def manifest_path(self) -> Path | None:
        return Path(self.dataset_dir) / "manifest.json" if self.dataset_dir else None

    @property
    def pairs(self) -> int:
        return self.train_pairs + self.val_pairs

    @property
    def percent(self) -> float:
        return percent_of(self.files_done, self.files_total)

    @property
    def is_busy(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)

    @property
    def can_build_here(self) -> bool:
        """Only photos an admin brought can be (re)built from the admin."""
        return self.source_kind in (self.SourceKind.UPLOAD, self.SourceKind.FOLDER)


class ModelVersion(models.Model):
    """One saved generator in the registry (MODELS_DIR/<category>/<version>.safetensors).

    The registry's ACTIVE file is what the workers serve; promote and roll back change it and
    this table in one action, and at most one version per category is active here.
    """

    class Status(models.TextChoices):
        CANDIDATE = "candidate", _("candidate")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    category = models.CharField(verbose_name=_("category"), max_length=32, choices=CATEGORY_CHOICES)
    version = models.CharField(verbose_name=_("version"), max_length=64)
    weights_path = models.CharField(verbose_name=_("weights file"), max_length=500)
    card = models.JSONField(verbose_name=_("model card"), default=dict, blank=True)
    metrics = models.JSONField(verbose_name=_("metrics"), default=dict, blank=True)
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.CANDIDATE)
    replaced = models.ForeignKey("self", verbose_name=_("replaced version"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 help_text=_("The version that was active before this one was "
                                             "promoted (roll back target)."))
    promoted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("promoted by"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    promoted_at = models.DateTimeField(verbose_name=_("promoted at"), null=True, blank=True)
    created = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)

    class Meta:
        ordering = ["category", "-created"]
        verbose_name = _("model version")
        verbose_name_plural = _("model versions")
        constraints = [
            models.UniqueConstraint(fields=["category", "version"],
                                    name="one_row_per_model_version"),
            models.UniqueConstraint(fields=["category"], condition=Q(status="active"),
                                    name="one_active_version_per_category"),
        ]

    def __str__(self):
        return f"{self.category}/{self.version}"

    @property
    def trained_steps(self) -> int:
        training = self.card.get("training") if isinstance(self.card, dict) else None
        steps = training.get("steps") if isinstance(training, dict) else None
        return steps if isinstance(steps, int) and not isinstance(steps, bool) else 0


class TrainingRun(models.Model):
    """One retrain of a category's generator, run by training.tasks.run_training on a worker.

    The worker writes progress and a heartbeat; the admin writes only the cancel flag and the
    queued state. `attempt` grows with every queueing so that a worker left over from an earlier
    attempt (say, one thought dead) can never overwrite a newer one's state.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        SUCCEEDED = "succeeded", _("succeeded")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled")
        INTERRUPTED = "interrupted", _("interrupted (worker stopped)")

    RESUMABLE = (Status.CANCELLED, Status.INTERRUPTED, Status.FAILED)
    ACTIVE = (Status.QUEUED, Status.RUNNING)

    run_id = models.CharField(verbose_name=_("run id"), max_length=64, unique=True,
                              help_text=_("The run folder's name; also the model version's name."))
    category = models.CharField(verbose_name=_("category"), max_length=32, choices=CATEGORY_CHOICES)
    dataset = models.ForeignKey(TrainingDataset, verbose_name=_("dataset"),
                                on_delete=models.PROTECT, related_name="runs")
    config = models.JSONField(verbose_name=_("options"),
                              help_text=_("The trainer's options (training.trainer.TrainConfig)."))
    status = models.CharField(verbose_name=_("status"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    attempt = models.PositiveIntegerField(verbose_name=_("attempt"), default=0)
    cancel_requested = models.BooleanField(verbose_name=_("cancel requested"), default=False)
    step = models.PositiveIntegerField(verbose_name=_("step"), default=0)
    total_steps = models.PositiveIntegerField(verbose_name=_("total steps"), null=True, blank=True)
    eta_s = models.FloatField(verbose_name=_("seconds left"), null=True, blank=True,
                              help_text=_("Seconds left, as last estimated."))
    losses = models.JSONField(verbose_name=_("losses"), default=dict, blank=True,
                              help_text=_("The newest step's losses."))
    log_tail = models.TextField(verbose_name=_("log (newest part)"), blank=True)
    run_dir = models.CharField(verbose_name=_("run folder"), max_length=500, blank=True)
    checkpoint_path = models.CharField(verbose_name=_("checkpoint"), max_length=500, blank=True)
    sample_grid_path = models.CharField(verbose_name=_("sample grid"), max_length=500, blank=True)
    loss_curve_path = models.CharField(verbose_name=_("loss curve"), max_length=500, blank=True)
    metrics = models.JSONField(verbose_name=_("metrics"), default=dict, blank=True,
                               help_text=_("Held-out metrics of the finished model "
                                           "(metrics.json)."))
    model_version = models.OneToOneField(ModelVersion, verbose_name=_("model version"), null=True,
                                         blank=True, on_delete=models.SET_NULL,
                                         related_name="training_run")
    heartbeat_at = models.DateTimeField(verbose_name=_("last heartbeat"), null=True, blank=True)
    error = models.TextField(verbose_name=_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created = models.DateTimeField(verbose_name=_("created"), auto_now_add=True)
    started_at = models.DateTimeField(verbose_name=_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(verbose_name=_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("training run")
        verbose_name_plural = _("training runs")
        permissions = [
            ("can_retrain", "Can build datasets, retrain generators and promote model versions"),
        ]

    def __str__(self):
        return self.run_id

    @property
    def percent(self) -> float:
        return percent_of(self.step, self.total_steps)

    @property
    def is_silent(self) -> bool:
        """Running by its row, but its worker has sent no heartbeat for HEARTBEAT_TIMEOUT_S.
        Pages show such a run as interrupted without writing; the training worker's upkeep
        (training.upkeep) and a resume mark it so in the database."""
        limit = timezone.now() - timedelta(seconds=HEARTBEAT_TIMEOUT_S)
        return self.status == self.Status.RUNNING and (self.heartbeat_at is None
                                                       or self.heartbeat_at < limit)

    @property
    def shown_status(self) -> str:
        return self.Status.INTERRUPTED if self.is_silent else self.status

    @property
    def shown_status_label(self) -> str:
        return self.Status(self.shown_status).label

    @property
    def shown_error(self) -> str:
        """The run's error; the studio's own (interrupted) in the page's language."""
        if self.is_silent or self.error == INTERRUPTED_MESSAGE:
            return gettext("The worker stopped reporting (no heartbeat for over %(seconds)s s): "
                           "it was stopped or died. Resume continues from the last "
                           "checkpoint.") % {"seconds": HEARTBEAT_TIMEOUT_S}
        return self.error

    @property
    def is_active(self) -> bool:
        return self.shown_status in self.ACTIVE

    @property
    def can_resume(self) -> bool:
        return self.shown_status in self.RESUMABLE
