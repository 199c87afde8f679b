"""The model versions admin: every saved generator, promote one (after seeing it beside the
live one on held-out drawings), roll a category back."""
import json
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inference.registry import weights_path
from training.actions import RetrainError, can_retrain, do_promote, do_roll_back
from training.admin.permissions import RetrainPermissionMixin
from training.admin.presenters import METRIC_LABELS, describe_metrics, inside_runs_dir
from training.compare import compare_models
from training.models import ModelVersion, TrainingRun


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

    @admin.display(description=gettext_lazy("steps"))
    def trained_steps(self, version):
        return version.trained_steps

    @admin.display(description=gettext_lazy("held-out metrics"))
    def metrics_summary(self, version):
        return describe_metrics(version.metrics) or "-"

    @admin.display(description=gettext_lazy("training run"))
    def training_run_link(self, version):
        run = TrainingRun.objects.filter(model_version=version).first()
        if run is None:
            return "-"
        return format_html('<a href="{}">{}</a>',
                           reverse("admin:training_trainingrun_change", args=(run.pk,)), run)

    @admin.display(description=gettext_lazy("card"))
    def card_json(self, version):
        return format_html("<pre>{}</pre>", json.dumps(version.card, indent=1, sort_keys=True))

    def get_urls(self):
        return [
            path("<int:pk>/promote/", self.guarded(self.promote_view, methods=("GET", "POST")),
                 name="training_modelversion_promote"),
            path("<int:pk>/comparison.png", self.guarded(self.comparison_sheet_view,
                                                         methods=("GET",)),
                 name="training_modelversion_comparison"),
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
            self.message_user(request, _("%(version)s is now active: the workers use it from "
                                         "their next picture.") % {"version": version})

    def _roll_back(self, request, category) -> None:
        try:
            version = do_roll_back(category, user=request.user)
        except RetrainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("%(category)s rolled back to %(version)s.")
                              % {"category": category, "version": version})

    @staticmethod
    def live_version(category: str) -> ModelVersion | None:
        return ModelVersion.objects.filter(category=category,
                                           status=ModelVersion.Status.ACTIVE).first()

    @staticmethod
    def comparison(version: ModelVersion, live: ModelVersion | None) -> dict:
        """The candidate beside the live version on held-out drawings (training.compare)."""
        models_dir = Path(settings.MODELS_DIR)
        return compare_models(
            version.category, (version.version, weights_path(models_dir, version.category,
                                                             version.version)),
            (live.version, weights_path(models_dir, live.category, live.version))
            if live else None,
            data_dir=Path(settings.TRAINING_DATA_DIR),
            out_dir=Path(settings.TRAINING_RUNS_DIR) / "comparisons")

    def promote_view(self, request, pk):
        """GET: the version beside the live one, scores and contact sheet. POST: promote it,
        once confirmed when it does worse (or could not be compared)."""
        version = get_object_or_404(ModelVersion, pk=pk)
        if version.status == ModelVersion.Status.ACTIVE:
            self.message_user(request, _("%(version)s is already active.") % {"version": version},
                              messages.WARNING)
            return redirect(self.change_url(version))
        live = self.live_version(version.category)
        try:
            report, problem = self.comparison(version, live), ""
        except (OSError, ValueError, RuntimeError) as error:
            report, problem = None, str(error)
        must_confirm = report is None or report["worse"]
        refusal, status = "", 200
        if request.method == "POST":
            if request.POST.get("live", "") != (live.version if live else ""):
                refusal, status = _("The live version changed while you looked: here it is "
                                    "again, beside the new live one."), 409
            elif must_confirm and request.POST.get("confirm") != "yes":
                refusal, status = _("Tick “Promote anyway” to promote a version that does "
                                    "worse than the live one."), 400
            else:
                self._promote(request, version)
                return redirect(self.change_url(version))
        rows = []
        if report is not None:
            for name, label, pattern in METRIC_LABELS:
                candidate = report["scores"]["candidate"].get(name)
                live_score = report["scores"].get("live", {}).get(name)
                rows.append({"label": label, "candidate": pattern.format(candidate),
                             "live": pattern.format(live_score) if live_score is not None
                             else "-",
                             "lower_is_better": name == "l1"})
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Promote %(version)s?") % {"version": version},
            "version": version, "live": live, "report": report, "problem": problem,
            "rows": rows, "must_confirm": must_confirm, "refusal": refusal,
            "sheet_url": self.admin_url("comparison", version.pk) if report else "",
            "change_url": self.change_url(version),
        }
        return TemplateResponse(request, "admin/training/modelversion/promote.html", context,
                                status=status)

    def comparison_sheet_view(self, request, pk):
        version = get_object_or_404(ModelVersion, pk=pk)
        try:
            report = self.comparison(version, self.live_version(version.category))
        except (OSError, ValueError, RuntimeError) as error:
            raise Http404(_("no comparison: %(error)s") % {"error": error}) from error
        sheet = inside_runs_dir(report["sheet"])
        if sheet is None:
            raise Http404(_("no contact sheet"))
        return FileResponse(sheet.open("rb"), content_type="image/png")

    def roll_back_view(self, request, pk):
        version = get_object_or_404(ModelVersion, pk=pk)
        if version.status != ModelVersion.Status.ACTIVE:
            self.message_user(request, _("%(version)s is not the active version; roll back "
                                         "from the active one.") % {"version": version},
                              messages.ERROR)
        else:
            self._roll_back(request, version.category)
        return redirect(self.change_url(version))

    @admin.action(description=gettext_lazy("Promote the selected version (make it active)…"),
                  permissions=["retrain"])
    def promote_selected(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Select exactly one version to promote."),
                              messages.ERROR)
            return None
        return redirect(self.admin_url("promote", queryset.get().pk))  # compare it first

    @admin.action(description=gettext_lazy("Roll back the selected active versions to the "
                                       "previous one"),
                  permissions=["retrain"])
    def roll_back_selected(self, request, queryset):
        active = queryset.filter(status=ModelVersion.Status.ACTIVE)
        if not active.exists():
            self.message_user(request, _("Select an active version to roll back from."),
                              messages.ERROR)
        for version in active:
            self._roll_back(request, version.category)
