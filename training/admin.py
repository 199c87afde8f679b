"""Admin pages for retraining: datasets, runs with live progress, and model versions to promote.

Every page, action and extra view here needs staff status (the admin's login) and the
training.can_retrain permission; staff without it get 403. State changes go through
training.actions; long work is queued on the training queue by it.
"""
import json
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from training.actions import (
    RetrainError,
    can_retrain,
    do_build_dataset,
    do_cancel_run,
    do_promote,
    do_resume_run,
    do_roll_back,
    do_start_run,
)
from training.forms import DatasetForm, RetrainForm
from training.models import ModelVersion, TrainingDataset, TrainingRun

PROGRESS_POLL_MS = 2500
METRIC_LABELS = (("l1", "L1", "{:.4f}"), ("psnr", "PSNR", "{:.2f} dB"), ("ssim", "SSIM", "{:.3f}"))


def describe_seconds(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    if minutes:
        return f"{minutes} min {seconds:02d} s"
    return f"{seconds} s"


def describe_metrics(metrics: dict) -> str:
    values = metrics.get("val", metrics) if isinstance(metrics, dict) else {}
    parts = [f"{label} {pattern.format(values[name])}" for name, label, pattern in METRIC_LABELS
             if isinstance(values.get(name), int | float)]
    return ", ".join(parts)


def _inside_runs_dir(file: str | Path) -> Path | None:
    """The file when it exists inside settings.TRAINING_RUNS_DIR, else None."""
    if not file:
        return None
    resolved = Path(file).resolve()
    if not resolved.is_relative_to(Path(settings.TRAINING_RUNS_DIR).resolve()):
        return None
    return resolved if resolved.is_file() else None


class RetrainPermissionMixin:
    """Only staff with training.can_retrain see or do anything here; nothing is edited as a
    plain form (state changes are buttons that call training.actions)."""

    def has_module_permission(self, request):
        return can_retrain(request.user)

    def has_view_permission(self, request, obj=None):
        return can_retrain(request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_retrain_permission(self, request):
        return can_retrain(request.user)

    def guarded(self, view, methods=("POST",)):
        """`view` behind the admin login, the permission (403) and the allowed methods."""
        def checked(request, *args, **kwargs):
            if not can_retrain(request.user):
                raise PermissionDenied
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            return view(request, *args, **kwargs)

        return self.admin_site.admin_view(checked)

    def admin_url(self, name: str, *args) -> str:
        opts = self.model._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args)

    def change_url(self, obj) -> str:
        return self.admin_url("change", obj.pk)


# Datasets -------------------------------------------------------------------------------------

@admin.register(TrainingDataset)
class TrainingDatasetAdmin(RetrainPermissionMixin, admin.ModelAdmin):
    form = DatasetForm
    list_display = ("name", "category", "status", "train_pairs", "val_pairs", "edge_method",
                    "source", "created")
    list_filter = ("status", "category")
    search_fields = ("name",)
    actions = ["build_selected"]
    ADD_FIELDS = ("name", "category", "edges", "upload", "folder", "build_now")
    VIEW_FIELDS = ("name", "category", "status", "source_kind", "source_path", "source_name",
                   "edges", "edge_method", "train_pairs", "val_pairs", "dataset_dir",
                   "skipped_files", "error", "created_by", "created", "built_at")

    def has_add_permission(self, request):
        return can_retrain(request.user)

    def get_fields(self, request, obj=None):
        return self.ADD_FIELDS if obj is None else self.VIEW_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.VIEW_FIELDS

    @admin.display(description="source")
    def source(self, dataset):
        return dataset.source_name or dataset.source_path

    @admin.display(description="skipped files")
    def skipped_files(self, dataset):
        if not dataset.skipped:
            return "none"
        return format_html("<ul>{}</ul>", format_html_join(
            "", "<li>{}: {}</li>", ((entry["file"], entry["reason"]) for entry in dataset.skipped)))

    def save_model(self, request, obj, form, change):
        obj.created_by = request.user
        form.keep_source(obj)
        obj.save()
        if form.cleaned_data.get("build_now"):
            self._build(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return redirect(self.change_url(obj))

    def _build(self, request, dataset) -> bool:
        try:
            do_build_dataset(dataset)
        except RetrainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return False
        self.message_user(request, f"Building {dataset.name} on the training queue.")
        return True

    @admin.action(description="Build the selected datasets", permissions=["retrain"])
    def build_selected(self, request, queryset):
        for dataset in queryset:
            self._build(request, dataset)

    def get_urls(self):
        return [
            path("<int:pk>/build/", self.guarded(self.build_view),
                 name="training_trainingdataset_build"),
            *super().get_urls(),
        ]

    def build_view(self, request, pk):
        dataset = get_object_or_404(TrainingDataset, pk=pk)
        self._build(request, dataset)
        return redirect(self.change_url(dataset))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_retrain": can_retrain(request.user)}
        dataset = TrainingDataset.objects.filter(pk=object_id).first()
        if dataset is not None:
            extra["build_url"] = self.admin_url("build", dataset.pk)
            extra["retrain_url"] = reverse("admin:training_trainingrun_retrain") + \
                f"?dataset={dataset.pk}"
            extra["dataset_ready"] = dataset.status == TrainingDataset.Status.READY
            extra["dataset_busy"] = dataset.status in (TrainingDataset.Status.QUEUED,
                                                       TrainingDataset.Status.BUILDING)
        return super().change_view(request, object_id, form_url, {**extra,
                                                                   **(extra_context or {})})


# Runs -----------------------------------------------------------------------------------------

@admin.register(TrainingRun)
class TrainingRunAdmin(RetrainPermissionMixin, admin.ModelAdmin):
    list_display = ("run_id", "category", "dataset", "state", "progress", "eta",
                    "model_version", "created")
    list_filter = ("status", "category")
    search_fields = ("run_id",)
    fieldsets = (
        (None, {"fields": ("run_id", "category", "dataset", "state", "model_version",
                           "metrics_summary", "created_by")}),
        ("Times", {"fields": ("created", "started_at", "finished_at", "heartbeat_at")}),
        ("Files", {"fields": ("run_dir", "checkpoint_path", "sample_grid_path",
                              "loss_curve_path")}),
        ("Options", {"fields": ("config_json", "attempt")}),
    )

    @admin.display(description="status", ordering="status")
    def state(self, run):
        return run.shown_status_label

    @admin.display(description="progress")
    def progress(self, run):
        if not run.total_steps:
            return "-"
        return f"{run.step}/{run.total_steps} ({run.percent:.0f}%)"

    @admin.display(description="time left")
    def eta(self, run):
        return describe_seconds(run.eta_s) if run.shown_status == TrainingRun.Status.RUNNING else ""

    @admin.display(description="held-out metrics")
    def metrics_summary(self, run):
        return describe_metrics(run.metrics) or "-"

    @admin.display(description="options")
    def config_json(self, run):
        return format_html("<pre>{}</pre>", json.dumps(run.config, indent=1, sort_keys=True))

    def get_urls(self):
        return [
            path("retrain/", self.guarded(self.retrain_view, methods=("GET", "POST")),
                 name="training_trainingrun_retrain"),
            path("<int:pk>/progress.json", self.guarded(self.progress_view, methods=("GET",)),
                 name="training_trainingrun_progress"),
            path("<int:pk>/cancel/", self.guarded(self.cancel_view),
                 name="training_trainingrun_cancel"),
            path("<int:pk>/resume/", self.guarded(self.resume_view),
                 name="training_trainingrun_resume"),
            path("<int:pk>/loss-curve.png", self.guarded(self.loss_curve_view, methods=("GET",)),
                 name="training_trainingrun_loss_curve"),
            path("<int:pk>/sample.png", self.guarded(self.sample_view, methods=("GET",)),
                 name="training_trainingrun_sample"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {"retrain_url": self.admin_url("retrain"),
                 "can_retrain": can_retrain(request.user)}
        return super().changelist_view(request, {**extra, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {}
        run = TrainingRun.objects.filter(pk=object_id).first()
        if run is not None and can_retrain(request.user):
            extra = {"run": run, "progress": self.progress_document(run),
                     "progress_url": self.admin_url("progress", run.pk),
                     "cancel_url": self.admin_url("cancel", run.pk),
                     "resume_url": self.admin_url("resume", run.pk),
                     "poll_ms": PROGRESS_POLL_MS}
        return super().change_view(request, object_id, form_url, {**extra,
                                                                   **(extra_context or {})})

    def retrain_view(self, request):
        if request.method == "POST":
            form = RetrainForm(request.POST)
            if form.is_valid():
                try:
                    run = do_start_run(form.cleaned_data["dataset"], form.options(),
                                       user=request.user)
                except RetrainError as error:
                    form.add_error(None, str(error))
                else:
                    self.message_user(request, f"Run {run.run_id} queued on the training queue.")
                    return redirect(self.change_url(run))
        else:
            form = RetrainForm(initial={"dataset": request.GET.get("dataset")})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Retrain a generator",
            "form": form,
            "main_fields": [form[name] for name in RetrainForm.MAIN_FIELDS],
            "advanced_fields": [form[name] for name in RetrainForm.ADVANCED_FIELDS],
        }
        return TemplateResponse(request, "admin/training/trainingrun/retrain.html", context)

    def progress_document(self, run: TrainingRun) -> dict:
        """What the run page shows and refreshes: state, progress, losses, log, pictures."""
        curve = _inside_runs_dir(run.loss_curve_path)
        sample = self.newest_sample(run)
        version = run.model_version
        return {
            "status": run.shown_status,
            "status_label": run.shown_status_label,
            "active": run.is_active,
            "step": run.step,
            "total_steps": run.total_steps,
            "percent": round(run.percent, 1),
            "eta": describe_seconds(run.eta_s) if run.is_active else "",
            "losses": {name: float(f"{value:.4g}") for name, value in run.losses.items()
                       if isinstance(value, int | float)},
            "log_tail": run.log_tail,
            "error": run.shown_error,
            "cancel_requested": run.cancel_requested,
            "heartbeat_at": run.heartbeat_at.isoformat() if run.heartbeat_at else None,
            "loss_curve_url": (self.admin_url("loss_curve", run.pk)
                               + f"?v={curve.stat().st_mtime_ns}") if curve else None,
            "sample_url": (self.admin_url("sample", run.pk) + f"?v={sample.name}")
            if sample else None,
            "sample_name": sample.stem if sample else None,
            "metrics": describe_metrics(run.metrics),
            "model_version": str(version) if version else None,
            "model_version_url": reverse("admin:training_modelversion_change",
                                         args=(version.pk,)) if version else None,
        }

    def progress_view(self, request, pk):
        run = get_object_or_404(TrainingRun, pk=pk)
        return JsonResponse(self.progress_document(run))

    @staticmethod
    def newest_sample(run: TrainingRun) -> Path | None:
        from training.trainer import RUN_FILES

        if run.run_dir:
            samples = sorted((Path(run.run_dir) / RUN_FILES["samples"]).glob("step_*.png"))
            if samples:
                return _inside_runs_dir(samples[-1])
        return _inside_runs_dir(run.sample_grid_path)

    def loss_curve_view(self, request, pk):
        run = get_object_or_404(TrainingRun, pk=pk)
        return self._picture(_inside_runs_dir(run.loss_curve_path))

    def sample_view(self, request, pk):
        return self._picture(self.newest_sample(get_object_or_404(TrainingRun, pk=pk)))

    @staticmethod
    def _picture(file: Path | None):
        if file is None:
            raise Http404("no such picture yet")
        response = FileResponse(file.open("rb"), content_type="image/png")
        response["Cache-Control"] = "private, max-age=3600"
        return response

    def _act_on_run(self, request, pk, action, done: str):
        run = get_object_or_404(TrainingRun, pk=pk)
        try:
            action(run)
        except RetrainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, done.format(run=run))
        return redirect(self.change_url(run))

    def cancel_view(self, request, pk):
        return self._act_on_run(request, pk, do_cancel_run,
                                "Cancelling {run.run_id}: it stops after its current step and "
                                "keeps its checkpoint.")

    def resume_view(self, request, pk):
        return self._act_on_run(request, pk, do_resume_run,
                                "{run.run_id} is queued again and goes on from its checkpoint.")


# Model versions -------------------------------------------------------------------------------

@admin.register(ModelVersion)
class ModelVersionAdmin(RetrainPermissionMixin, admin.ModelAdmin):
    list_display = ("version", "category", "status", "trained_steps", "metrics_summary",
                    "training_run_link", "promoted_by", "promoted_at", "created")
    list_filter = ("category", "status")
    search_fields = ("version",)
    actions = ["promote_selected", "roll_back_selected"]
    fields = ("category", "version", "status", "trained_steps", "metrics_summary",
              "training_run_link", "replaced", "promoted_by", "promoted_at", "created",
              "weights_path", "card_json")

    @admin.display(description="steps")
    def trained_steps(self, version):
        return version.trained_steps

    @admin.display(description="held-out metrics")
    def metrics_summary(self, version):
        return describe_metrics(version.metrics) or "-"

    @admin.display(description="training run")
    def training_run_link(self, version):
        run = TrainingRun.objects.filter(model_version=version).first()
        if run is None:
            return "-"
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:training_trainingrun_change", args=(run.pk,)), run)

    @admin.display(description="card")
    def card_json(self, version):
        return format_html("<pre>{}</pre>", json.dumps(version.card, indent=1, sort_keys=True))

    def get_urls(self):
        return [
            path("<int:pk>/promote/", self.guarded(self.promote_view),
                 name="training_modelversion_promote"),
            path("<int:pk>/roll-back/", self.guarded(self.roll_back_view),
                 name="training_modelversion_roll_back"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        version = ModelVersion.objects.filter(pk=object_id).first()
        extra = {}
        if version is not None and can_retrain(request.user):
            extra = {"version": version,
                     "promote_url": self.admin_url("promote", version.pk),
                     "roll_back_url": self.admin_url("roll_back", version.pk)}
        return super().change_view(request, object_id, form_url, {**extra,
                                                                   **(extra_context or {})})

    def _promote(self, request, version) -> None:
        try:
            do_promote(version, user=request.user)
        except RetrainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"{version} is now active: the workers use it from their "
                                       "next picture.")

    def _roll_back(self, request, category) -> None:
        try:
            version = do_roll_back(category, user=request.user)
        except RetrainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, f"{category} rolled back to {version}.")

    def promote_view(self, request, pk):
        version = get_object_or_404(ModelVersion, pk=pk)
        self._promote(request, version)
        return redirect(self.change_url(version))

    def roll_back_view(self, request, pk):
        version = get_object_or_404(ModelVersion, pk=pk)
        if version.status != ModelVersion.Status.ACTIVE:
            self.message_user(request, f"{version} is not the active version; roll back from "
                                       "the active one.", messages.ERROR)
        else:
            self._roll_back(request, version.category)
        return redirect(self.change_url(version))

    @admin.action(description="Promote the selected version (make it active)",
                  permissions=["retrain"])
    def promote_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to promote.", messages.ERROR)
            return
        self._promote(request, queryset.get())

    @admin.action(description="Roll back the selected active versions to the previous one",
                  permissions=["retrain"])
    def roll_back_selected(self, request, queryset):
        active = queryset.filter(status=ModelVersion.Status.ACTIVE)
        if not active.exists():
            self.message_user(request, "Select an active version to roll back from.",
                              messages.ERROR)
        for version in active:
            self._roll_back(request, version.category)
