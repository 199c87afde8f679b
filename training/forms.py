"""Admin forms for retraining: a dataset from an uploaded zip or a server folder; run options."""
import secrets
from pathlib import Path, PurePosixPath

from django import forms
from django.conf import settings
from django.forms.utils import pretty_name
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inference.files import write_atomically
from inference.networks import GENERATOR_PRESETS
from training.actions import RetrainError, resolve_source_folder
from training.datasets import check_dataset_name
from training.models import TrainingDataset
from training.sources import PHOTO_EXTENSIONS, SourceError, checked_zip_names
from training.trainer.options import (
    ADVANCED,
    MAIN,
    DeclaredOption,
    TrainConfig,
    declared_options,
)

UPLOAD_CHUNK_BYTES = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:,.1f} MB"


class DatasetForm(forms.ModelForm):
    """A new dataset: its photos come from an uploaded .zip or from a folder on the server.

    The zip is checked as a whole (size first, then entry count, unpacked size and paths that
    escape) while it is still Django's upload; only a zip that passes is kept, in
    settings.TRAINING_UPLOADS_DIR. Nothing is ever extracted.
    """

    upload = forms.FileField(
        required=False, label=gettext_lazy("Photos (.zip)"),
        help_text=gettext_lazy("A .zip of photos (jpg, png, webp), or of pix2pix A|B pairs."),
    )
    folder = forms.CharField(
        required=False, label=gettext_lazy("or a server folder"),
        help_text=gettext_lazy("A folder inside the sources folder on the server "
                               "(TRAINING_SOURCES_DIR)."),
    )
    build_now = forms.BooleanField(required=False, initial=True,
                                   label=gettext_lazy("Build it right away"))

    class Meta:
        model = TrainingDataset
        fields = ["name", "category", "edges"]

    def clean_name(self):
        name = self.cleaned_data["name"]
        try:
            check_dataset_name(name)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error
        if (Path(settings.TRAINING_DATA_DIR) / name).exists():
            raise forms.ValidationError(
                _("a dataset folder named %(name)s already exists in %(folder)s; choose another "
                  "name") % {"name": repr(name), "folder": settings.TRAINING_DATA_DIR})
        return name

    def clean_upload(self):
        upload = self.cleaned_data.get("upload")
        if upload is None:
            return None
        limit = settings.TRAINING_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("%(file)s is %(size)s; the limit is %(limit)s. Split the photos into smaller "
                  "zips, or put them in a server folder.") % {
                    "file": upload.name, "size": _megabytes(upload.size),
                    "limit": _megabytes(limit)})
        if PurePosixPath(upload.name).suffix.lower() != ".zip":
            raise forms.ValidationError(_("%(file)s is not a .zip file")
                                        % {"file": upload.name})
        upload.seek(0)
        try:
            names = checked_zip_names(upload, upload.name)
        except SourceError as error:
            raise forms.ValidationError(str(error)) from error
        finally:
            upload.seek(0)
        if not any(PurePosixPath(name).suffix.lower() in PHOTO_EXTENSIONS for name in names):
            raise forms.ValidationError(
                _("%(file)s holds no photos (no %(kinds)s files)") % {
                    "file": upload.name, "kinds": ", ".join(sorted(PHOTO_EXTENSIONS))})
        return upload

    def clean_folder(self):
        folder = self.cleaned_data.get("folder", "").strip()
        if not folder:
            return None
        try:
            return resolve_source_folder(folder)
        except RetrainError as error:
            raise forms.ValidationError(str(error)) from error

    def clean(self):
        cleaned = super().clean()
        has_upload = bool(cleaned.get("upload"))
        has_folder = bool(cleaned.get("folder"))
        if not self.errors and has_upload == has_folder:
            raise forms.ValidationError(_("Give either a .zip to upload or a server folder, "
                                          "not both and not neither."))
        return cleaned

    def keep_source(self, dataset: TrainingDataset) -> None:
        """Point the dataset at its photos, storing an uploaded zip in the private uploads
        folder first (inference.files.write_atomically: whole, or not at all)."""
        upload = self.cleaned_data.get("upload")
        if upload is None:
            dataset.source_kind = TrainingDataset.SourceKind.FOLDER
            dataset.source_path = str(self.cleaned_data["folder"])
            dataset.source_name = ""
            return
        target = Path(settings.TRAINING_UPLOADS_DIR) / f"{dataset.name}-{secrets.token_hex(4)}.zip"

        def copy_upload(temporary: Path) -> None:
            with temporary.open("wb") as file:
                for chunk in upload.chunks(UPLOAD_CHUNK_BYTES):
                    file.write(chunk)

        write_atomically(target, copy_upload)
        dataset.source_kind = TrainingDataset.SourceKind.UPLOAD
        dataset.source_path = str(target)
        dataset.source_name = upload.name[:255]


def option_field(declared: DeclaredOption) -> forms.Field:
    """The form field of a declared training option: its type, bounds, default and help, in the
    page's language (the declarations mark their words for the catalog)."""
    said = _(declared.help)
    common = {"help_text": said[:1].upper() + said[1:] + ".",
              "label": _(declared.label or pretty_name(declared.name))}
    if declared.type is bool:
        return forms.BooleanField(required=False, initial=declared.default, **common)
    if declared.type is dict:
        return forms.JSONField(required=False, initial=dict,
                               widget=forms.TextInput(attrs={"size": 40}), **common)
    if declared.choices is not None:
        labels = GENERATOR_LABELS if declared.name == "generator" else {}
        return forms.ChoiceField(choices=[(value, labels.get(value, value))
                                          for value in declared.choices],
                                 initial=declared.default, **common)
    field_class = forms.IntegerField if declared.type is int else forms.FloatField
    return field_class(required=declared.required, initial=declared.default,
                       min_value=declared.low, max_value=declared.high, **common)


GENERATOR_LABELS = {name: f"{name}: {architecture} {arguments}"
                    for name, (architecture, arguments) in GENERATOR_PRESETS.items()}
FORM_OPTIONS = [declared for declared in declared_options() if declared.form]


class RetrainForm(forms.Form):
    """The options of a run that the admin offers (those declared with a form section in
    training.trainer.options); everything else keeps the trainer's defaults."""

    dataset = forms.ModelChoiceField(
        queryset=TrainingDataset.objects.filter(status=TrainingDataset.Status.READY),
        label=gettext_lazy("Dataset"),
        help_text=gettext_lazy("A built dataset; the run trains its category."),
    )
    MAIN_FIELDS = ("dataset", *(declared.name for declared in FORM_OPTIONS
                                if declared.form == MAIN))
    ADVANCED_FIELDS = tuple(declared.name for declared in FORM_OPTIONS
                            if declared.form == ADVANCED)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for declared in FORM_OPTIONS:
            self.fields[declared.name] = option_field(declared)

    def clean_generator_args(self):
        arguments = self.cleaned_data.get("generator_args")
        if arguments in (None, ""):
            return {}
        if not isinstance(arguments, dict):
            raise forms.ValidationError(_('must be a JSON object, like {"ngf": 32}'))
        return arguments

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("steps") and cleaned.get("epochs"):
            raise forms.ValidationError(_("Give steps or epochs, not both."))
        if self.errors:
            return cleaned
        try:
            TrainConfig(category=cleaned["dataset"].category, dataset=cleaned["dataset"].name,
                        **self.options())
        except (TypeError, ValueError) as error:
            raise forms.ValidationError(_("These options cannot train: %(error)s")
                                        % {"error": error}) from error
        return cleaned

    def options(self) -> dict:
        """The TrainConfig options the form sets (all but category, dataset and version)."""
        return {declared.name: self.cleaned_data.get(declared.name) for declared in FORM_OPTIONS}
