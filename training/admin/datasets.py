"""The datasets admin: add one from an uploaded zip or a server folder, build it and follow the
build live; datasets made by commands (make_world_dataset, build_dataset) are listed too."""
from django.contrib import admin, messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from training.actions import RetrainError, can_retrain, do_build_dataset
from training.admin.permissions import RetrainPermissionMixin
from training.admin.presenters import PROGRESS_POLL_MS, describe_seconds
from training.forms import DatasetForm
from training.models import TrainingDataset


@admin.register(TrainingDataset)
class TrainingDatasetAdmin(RetrainPermissionMixin, admin.ModelAdmin):
    form = DatasetForm
    list_display = ("name", "category", "status", "progress", "train_pairs", "val_pairs",
                    "edge_method", "source_kind", "source", "created")
    list_filter = ("status", "category", "source_kind")
    search_fields = ("name",)
    actions = ["build_selected"]
    ADD_FIELDS = ("name", "category", "edges", "upload", "folder", "build_now")
    VIEW_FIELDS = ("name", "category", "status", "source_kind", "source_path", "source_name",
                   "edges", "edge_method", "train_pairs", "val_pairs", "dataset_dir",
                   "skipped_files", "error", "created_by", "created", "started_at", "built_at")

    def has_add_permission(self, request):
        return can_retrain(request.user)

    def get_fields(self, request, obj=None):
        return self.ADD_FIELDS if obj is None else self.VIEW_FIELDS

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else self.VIEW_FIELDS

    @admin.display(description=gettext_lazy("source"))
    def source(self, dataset):
        return dataset.source_name or dataset.source_path

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, dataset):
        if not dataset.is_busy or not dataset.files_total:
            return "-"
        return f"{dataset.files_done}/{dataset.files_total} ({dataset.percent:.0f}%)"

    @admin.display(description=gettext_lazy("skipped files"))
    def skipped_files(self, dataset):
        if not dataset.skipped:
            return _("none")
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
        self.message_user(request, _("Building %(name)s on the training queue.") % {
            "name": dataset.name})
        return True

    @admin.action(description=gettext_lazy("Build the selected datasets"), permissions=["retrain"])
    def build_selected(self, request, queryset):
        for dataset in queryset:
            self._build(request, dataset)

    def get_urls(self):
        return [
            path("<int:pk>/build/", self.guarded(self.build_view),
                 name="training_trainingdataset_build"),
            path("<int:pk>/progress.json", self.guarded(self.progress_view, methods=("GET",)),
                 name="training_trainingdataset_progress"),
            *super().get_urls(),
        ]

    def build_view(self, request, pk):
        dataset = get_object_or_404(TrainingDataset, pk=pk)
        self._build(request, dataset)
        return redirect(self.change_url(dataset))

    @staticmethod
    def progress_document(dataset: TrainingDataset) -> dict:
        """What the dataset's page shows and refreshes while it builds."""
        return {
            "status": dataset.status,
            "status_label": dataset.get_status_display(),
            "busy": dataset.is_busy,
            "files_done": dataset.files_done,
            "files_total": dataset.files_total,
            "percent": round(dataset.percent, 1),
            "eta": describe_seconds(dataset.eta_s) if dataset.is_busy else "",
            "pairs": dataset.pairs,
            "error": dataset.error,
        }

    def progress_view(self, request, pk):
        return JsonResponse(self.progress_document(get_object_or_404(TrainingDataset, pk=pk)))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra = {"can_retrain": can_retrain(request.user)}
        dataset = TrainingDataset.objects.filter(pk=object_id).first()
        if dataset is not None:
            extra["dataset"] = dataset
            extra["build_url"] = self.admin_url("build", dataset.pk)
            extra["retrain_url"] = reverse("admin:training_trainingrun_retrain") + \
                f"?dataset={dataset.pk}"
            extra["dataset_ready"] = dataset.status == TrainingDataset.Status.READY
            extra["dataset_busy"] = dataset.is_busy
            extra["progress"] = self.progress_document(dataset)
            extra["progress_url"] = self.admin_url("progress", dataset.pk)
            extra["poll_ms"] = PROGRESS_POLL_MS
        return super().change_view(request, object_id, form_url, {**extra,
                                                                   **(extra_context or {})})
