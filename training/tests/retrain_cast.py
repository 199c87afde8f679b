"""Props for the retraining admin tests: photos, zips, ready datasets, tiny run options."""
import io
import time
import zipfile
from pathlib import Path

from PIL import Image, ImageDraw

from training.models import TrainingDataset
from training.tests.tiny_runs import write_tiny_dataset

COLOURS = [(200, 40, 40), (40, 150, 60), (40, 60, 200), (220, 170, 30), (120, 50, 160)]

# A run that trains in a second or two on a CPU: 64 px, a 4-filter one-block generator.
TINY_RUN = {
    "generator": "small", "generator_args": '{"ngf": 4, "n_blocks": 1}', "steps": 6,
    "batch_size": 2, "lambda_l1": 10, "gan_mode": "lsgan", "image_size": 64, "ndf": 8,
    "n_layers": 2, "checkpoint_every": 2, "seed": 0,
}  # the augmentation checkboxes are left out: unchecked


def photo_bytes(index: int, size=(96, 80)) -> bytes:
    """A photo of a coloured shape on a light ground, PNG or JPEG by index."""
    image = Image.new("RGB", size, (235, 232, 220))
    draw = ImageDraw.Draw(image)
    box = (12 + 3 * index, 10 + 2 * index, size[0] - 14, size[1] - 12)
    colour = COLOURS[index % len(COLOURS)]
    draw.ellipse(box, fill=colour) if index % 2 else draw.rectangle(box, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG" if index % 2 else "PNG")
    return buffer.getvalue()


def photo_name(index: int) -> str:
    return f"photo{index}.{'jpg' if index % 2 else 'png'}"


def zip_of(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def photos_zip(count: int = 4) -> bytes:
    return zip_of({f"pandas/{photo_name(index)}": photo_bytes(index) for index in range(count)})


def write_photo_folder(folder: Path, count: int = 4) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / photo_name(index)).write_bytes(photo_bytes(index))
    return folder


def ready_dataset(settings, name: str = "shapes", category: str = "panda", pairs: int = 3,
                  val: int = 1) -> TrainingDataset:
    """A built dataset (64 px drawn shapes) and its ready row, without running a build."""
    dataset_dir = write_tiny_dataset(settings.TRAINING_DATA_DIR, name, category, pairs=pairs,
                                     val=val, size=64)
    return TrainingDataset.objects.create(
        name=name, category=category, source_kind=TrainingDataset.SourceKind.FOLDER,
        source_path=str(settings.TRAINING_SOURCES_DIR), edges="canny",
        status=TrainingDataset.Status.READY, edge_method="drawn-test-shapes",
        train_pairs=pairs, val_pairs=val, dataset_dir=str(dataset_dir),
    )


def retrain_form(dataset: TrainingDataset, **overrides) -> dict:
    return {"dataset": dataset.pk, **TINY_RUN, **overrides}


def wait_until(predicate, timeout: float = 60, message: str = "condition"):
    """Poll `predicate` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")
