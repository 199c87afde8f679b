"""The model versions admin: every saved generator, promote one, roll a category back."""
import json

from django.contrib import admin, messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html

from training.actions import RetrainError, can_retrain, do_promote, do_roll_back
from training.admin.permissions import RetrainPermissionMixin
from training.admin.presenters import describe_metrics
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
