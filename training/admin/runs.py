"""The training runs admin: start a retrain, follow its progress live, cancel and resume it."""
import json
from pathlib import Path

from django.contrib import admin, messages
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training.actions import (
    RetrainError,
    can_retrain,
    do_cancel_run,
    do_resume_run,
    do_start_run,
)
from training.admin.permissions import RetrainPermissionMixin
from training.admin.presenters import (
    PROGRESS_POLL_MS,
    describe_losses,
    describe_metrics,
    describe_seconds,
    inside_runs_dir,
    newest_sample,
)
from training.forms import RetrainForm
from training.models import TrainingRun


@admin.register(TrainingRun)
class TrainingRunAdmin(RetrainPermissionMixin, admin.ModelAdmin):
    list_display = ("run_id", "category", "dataset", "state", "progress", "eta",
                    "model_version", "created")
    list_filter = ("status", "category")
    search_fields = ("run_id",)
    fieldsets = (
        (None, {"fields": ("run_id", "category", "dataset", "state", "model_version",
                           "metrics_summary", "created_by")}),
        (gettext_lazy("Times"), {"fields": ("created", "started_at", "finished_at",
                                            "heartbeat_at")}),
        (gettext_lazy("Files"), {"fields": ("run_dir", "checkpoint_path", "sample_grid_path",
                                            "loss_curve_path")}),
        (gettext_lazy("Options"), {"fields": ("config_json", "attempt")}),
    )

    @admin.display(description=gettext_lazy("status"), ordering="status")
    def state(self, run):
        return run.shown_status_label

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, run):
        if not run.total_steps:
            return "-"
        return f"{run.step}/{run.total_steps} ({run.percent:.0f}%)"

    @admin.display(description=gettext_lazy("time left"))
    def eta(self, run):
        return describe_seconds(run.eta_s) if run.shown_status == TrainingRun.Status.RUNNING else ""

    @admin.display(description=gettext_lazy("held-out metrics"))
    def metrics_summary(self, run):
        return describe_metrics(run.metrics) or "-"

    @admin.display(description=gettext_lazy("options"))
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
                    self.message_user(request, _("Run %(run)s queued on the training queue.")
                                      % {"run": run.run_id})
                    return redirect(self.change_url(run))
        else:
            form = RetrainForm(initial={"dataset": request.GET.get("dataset")})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Retrain a generator"),
            "form": form,
            "main_fields": [form[name] for name in RetrainForm.MAIN_FIELDS],
            "advanced_fields": [form[name] for name in RetrainForm.ADVANCED_FIELDS],
        }
        return TemplateResponse(request, "admin/training/trainingrun/retrain.html", context)

    def progress_document(self, run: TrainingRun) -> dict:
        """What the run page shows and refreshes: state, progress, losses, log, pictures."""
        curve = inside_runs_dir(run.loss_curve_path)
        sample = newest_sample(run)
        version = run.model_version
        return {
            "status": run.shown_status,
            "status_label": run.shown_status_label,
            "active": run.is_active,
            "step": run.step,
            "total_steps": run.total_steps,
            "percent": round(run.percent, 1),
            "eta": describe_seconds(run.eta_s) if run.is_active else "",
            "losses": describe_losses(run.losses),
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

    def loss_curve_view(self, request, pk):
        run = get_object_or_404(TrainingRun, pk=pk)
        return self._picture(inside_runs_dir(run.loss_curve_path))

    def sample_view(self, request, pk):
        return self._picture(newest_sample(get_object_or_404(TrainingRun, pk=pk)))

    @staticmethod
    def _picture(file: Path | None):
        if file is None:
            raise Http404(_("no such picture yet"))
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
            self.message_user(request, done % {"run": run.run_id})
        return redirect(self.change_url(run))

    def cancel_view(self, request, pk):
        return self._act_on_run(request, pk, do_cancel_run,
                                _("Cancelling %(run)s: it stops after its current step and "
                                  "keeps its checkpoint."))

    def resume_view(self, request, pk):
        return self._act_on_run(request, pk, do_resume_run,
                                _("%(run)s is queued again and goes on from its checkpoint."))
