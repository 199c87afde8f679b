"""`manage.py build_dataset` and training.build.build_dataset on tiny generated photo folders."""
import io
import json
import zipfile

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image, ImageDraw

from training.build import BuildError, build_dataset
from training.datasets import PairedDataset
from training.edges import hed_weights
from training.models import TrainingDataset

COLOURS = [(200, 40, 40), (40, 150, 60), (40, 60, 200), (220, 170, 30), (120, 50, 160)]


def write_photos(folder, count, size=(300, 240)):
    """Coloured shapes on a light ground, saved as JPEG/PNG; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        image = Image.new("RGB", size, (235, 232, 220))
        box = (40 + 7 * index, 30 + 5 * index, size[0] - 50, size[1] - 40)
        draw = ImageDraw.Draw(image)
        colour = COLOURS[index % len(COLOURS)]
        draw.ellipse(box, fill=colour) if index % 2 else draw.rectangle(box, fill=colour)
        image.save(folder / f"photo{index}.{'jpg' if index % 2 else 'png'}")
    return folder


@pytest.fixture
def data_dirs(db, settings, tmp_path):
    """The data folders in tmp_path; the command registers what it builds in the database."""
    settings.TRAINING_DATA_DIR = tmp_path / "datasets"
    settings.VAR_DIR = tmp_path / "var"
    return settings


def run_command(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("build_dataset", *args, stdout=out, stderr=err, verbosity=0)
    return out.getvalue()


def manifest_of(dataset_dir):
    return json.loads((dataset_dir / "manifest.json").read_text())


def test_command_builds_canny_pairs_and_reports_every_skipped_file(data_dirs, tmp_path):
    photos = write_photos(tmp_path / "photos", 5)
    (photos / "broken.jpg").write_bytes(b"\xff\xd8 broken")
    (photos / "zz-copy.png").write_bytes((photos / "photo0.png").read_bytes())

    output = run_command("panda", str(photos), "--name", "pandas", "--edges", "canny")

    dataset_dir = data_dirs.TRAINING_DATA_DIR / "pandas"
    assert output.splitlines()[0] == str(dataset_dir)
    assert "5 pairs (4 train, 1 val), edge method: canny" in output
    assert "2 skipped" in output
    assert "broken.jpg: not an image" in output
    assert "zz-copy.png: duplicate of photo0.png" in output
    assert TrainingDataset.objects.filter(name="pandas", status="ready",
                                          source_kind="command").exists()  # listed in the admin
    manifest = manifest_of(dataset_dir)
    assert manifest["edge_method"] == "canny" and manifest["category"] == "panda"
    assert manifest["settings"]["edges_requested"] == "canny"
    assert len(manifest["skipped"]) == 2
    sketch = Image.open(dataset_dir / manifest["pairs"][0]["sketch"])
    photo = Image.open(dataset_dir / manifest["pairs"][0]["photo"])
    assert (sketch.mode, sketch.size) == ("L", (256, 256))
    assert (photo.mode, photo.size) == ("RGB", (256, 256))
    pixels = np.asarray(sketch)
    assert pixels.min() == 0 and np.median(pixels) == 255  # black lines on white
    item = PairedDataset(dataset_dir, "train")[0]
    assert item["sketch"].shape == (1, 256, 256) and item["photo"].shape == (3, 256, 256)


def test_auto_edges_use_hed_when_installed(data_dirs, tmp_path):
    photos = write_photos(tmp_path / "photos", 2, size=(256, 256))
    result = build_dataset("car", photos, "cars", edges="auto", progress=False)
    expected = "hed" if hed_weights.bundled_weights_path() else "canny"
    assert result.edge_method == expected
    assert manifest_of(result.dataset_dir)["edge_method"] == expected
    assert (result.train_pairs, result.val_pairs) == (1, 1)


def test_auto_edges_fall_back_to_canny_and_record_it(data_dirs, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(hed_weights, "bundled_weights_path", lambda: None)
    photos = write_photos(tmp_path / "photos", 2)
    result = build_dataset("car", photos, "cars", progress=False)
    assert result.edge_method == "canny"
    assert manifest_of(result.dataset_dir)["edge_method"] == "canny"
    assert "falling back to Canny" in capsys.readouterr().err


def aligned_zip(path, count=3):
    with zipfile.ZipFile(path, "w") as archive:
        for index in range(count):
            pair = Image.new("RGB", (512, 256), "white")
            ImageDraw.Draw(pair).rectangle((60 + index, 60, 190, 190), outline="black", width=1)
            ImageDraw.Draw(pair).rectangle((316 + index, 60, 446, 190), fill=COLOURS[index])
            buffer = io.BytesIO()
            pair.save(buffer, "PNG")
            archive.writestr(f"train/{index}_AB.png", buffer.getvalue())
    return path


def test_aligned_zip_keeps_its_own_sketches_redrawn_at_pen_width(data_dirs, tmp_path):
    output = run_command("shoe", str(aligned_zip(tmp_path / "edges2shoes.zip")), "--name",
                         "shoes")
    assert "3 pairs" in output and "edge method: aligned, aligned A|B source" in output
    dataset_dir = data_dirs.TRAINING_DATA_DIR / "shoes"
    manifest = manifest_of(dataset_dir)
    first = manifest["pairs"][0]
    sketch = np.asarray(Image.open(dataset_dir / first["sketch"]))
    photo = np.asarray(Image.open(dataset_dir / first["photo"]))
    assert (sketch[100:150, 55:70] < 128).sum(axis=1).min() >= 2  # 1-px line now pen-wide
    assert sketch[100:150, 100:150].min() == 255
    assert photo[128, 128].tolist() != [255, 255, 255]  # the B half


def test_unknown_category_is_a_command_error(data_dirs, tmp_path):
    photos = write_photos(tmp_path / "photos", 1)
    with pytest.raises(CommandError, match="unknown category 'dragon'"):
        run_command("dragon", str(photos), "--name", "dragons", "--edges", "canny")


def test_refused_zip_is_a_command_error_and_writes_nothing(data_dirs, tmp_path):
    with zipfile.ZipFile(tmp_path / "evil.zip", "w") as archive:
        archive.writestr("../../escape.png", b"whatever")
    with pytest.raises(CommandError, match="refused evil.zip.*'..'"):
        run_command("panda", str(tmp_path / "evil.zip"), "--name", "evil", "--edges", "canny")
    assert not data_dirs.TRAINING_DATA_DIR.exists() or not any(
        data_dirs.TRAINING_DATA_DIR.iterdir())
    assert not (tmp_path.parent / "escape.png").exists()


def test_existing_dataset_needs_overwrite(data_dirs, tmp_path):
    photos = write_photos(tmp_path / "photos", 2)
    run_command("panda", str(photos), "--name", "pandas", "--edges", "canny")
    with pytest.raises(CommandError, match="--overwrite"):
        run_command("panda", str(photos), "--name", "pandas", "--edges", "canny")
    output = run_command("panda", str(photos), "--name", "pandas", "--edges", "canny",
                         "--overwrite")
    assert "2 pairs" in output


def test_folder_without_a_usable_photo_writes_no_dataset(data_dirs, tmp_path):
    folder = tmp_path / "junk"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    with pytest.raises(BuildError, match="no usable photo") as failure:
        build_dataset("panda", folder, "junk", edges="canny", progress=False)
    assert failure.value.skipped[0].file == "notes.txt"
    assert not (data_dirs.TRAINING_DATA_DIR / "junk").exists()
    with pytest.raises(CommandError, match="no usable photo"):
        run_command("panda", str(folder), "--name", "junk", "--edges", "canny")
