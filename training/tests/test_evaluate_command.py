"""`manage.py evaluate`: metrics, the mean-picture baseline, a sketch | picture | real sheet."""
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from inference.registry import Registry, read_card
from inference.testing import make_trained_model
from training.datasets import PairedDataset

from .tiny_runs import shape_pair, write_tiny_dataset

SIZE = 64
GUTTER = 2


@pytest.fixture
def model(settings, tmp_path):
    settings.TRAINING_DATA_DIR = tmp_path / "data"
    settings.TRAINING_RUNS_DIR = tmp_path / "runs"
    return make_trained_model(tmp_path / "models", "panda", steps=5)


def evaluate(*arguments) -> dict:
    out = io.StringIO()
    call_command("evaluate", *arguments, stdout=out)
    return json.loads(out.getvalue())


def test_evaluate_on_a_dataset_measures_against_real_pictures_and_the_mean_picture(
        model, settings, tmp_path):
    dataset = write_tiny_dataset(settings.TRAINING_DATA_DIR, name="shapes", pairs=3, val=2,
                                 size=SIZE)
    sheet = tmp_path / "sheet.png"
    report = evaluate(str(model), "shapes", "--out", str(sheet), "--size", str(SIZE))

    assert report["sketches"] == 2 and report["metrics"]["pairs"] == 2
    assert 0 < report["metrics"]["l1"] < 2 and 0 < report["metrics"]["psnr"] < 100
    assert -1 <= report["metrics"]["ssim"] <= 1
    # The baseline by hand: the mean training photo against each held-out photo.
    train = [np.asarray(Image.open(dataset / pair["photo"]), dtype=np.float64)
             for pair in PairedDataset(dataset, "train").pairs]
    mean = np.mean(train, axis=0)
    held_out = [np.asarray(Image.open(dataset / pair["photo"]), dtype=np.float64)
                for pair in PairedDataset(dataset, "val").pairs]
    expected = np.mean([np.abs(mean - photo).mean() / 127.5 for photo in held_out])
    assert report["baseline"]["mean_picture_l1"] == pytest.approx(expected, rel=1e-6)
    assert report["baseline"]["model_to_baseline_l1"] == pytest.approx(
        report["metrics"]["l1"] / expected)

    with Image.open(sheet) as picture:  # two rows of sketch | picture | real
        assert picture.size == (3 * (SIZE + GUTTER) + GUTTER, 2 * (SIZE + GUTTER) + GUTTER)
        right_cell = np.asarray(picture.convert("RGB"))[GUTTER:GUTTER + SIZE,
                                                        -SIZE - GUTTER:-GUTTER]
    real = np.asarray(Image.open(dataset / PairedDataset(dataset, "val").pairs[0]["photo"]))
    assert np.abs(right_cell.astype(int) - real.astype(int)).max() <= 1  # the real photo


def test_evaluate_on_a_sketch_folder_draws_pictures_without_metrics(model, tmp_path):
    folder = tmp_path / "drawings"
    folder.mkdir()
    for index in range(3):
        shape_pair(index, 128)[0].save(folder / f"kid-{index}.png")
    transparent = Image.new("RGBA", (100, 100), (0, 0, 0, 0))  # a canvas export: clear paper
    transparent.save(folder / "clear.png")
    (folder / "broken.png").write_bytes(b"not a picture")
    (folder / "notes.txt").write_text("ignored")

    report = evaluate(str(model), str(folder), "--rows", "2", "--size", str(SIZE))
    assert report["sketches"] == 4
    assert report["metrics"] is None and report["baseline"] is None
    assert [entry["file"] for entry in report["skipped"]] == ["broken.png"]
    with Image.open(report["contact_sheet"]) as picture:  # default place, two rows, no real
        assert picture.size == (2 * (SIZE + GUTTER) + GUTTER, 2 * (SIZE + GUTTER) + GUTTER)
        clear_sketch = np.asarray(picture.convert("L"))[GUTTER:GUTTER + SIZE, GUTTER:GUTTER + SIZE]
    assert clear_sketch.min() == 255  # transparent pixels are white paper, not black ink
    assert report["contact_sheet"].startswith(str(tmp_path / "runs" / "evaluations"))


def test_evaluate_refuses_what_it_cannot_use(model, tmp_path):
    with pytest.raises(CommandError, match="neither"):
        evaluate(str(model), str(tmp_path / "nowhere"))
    with pytest.raises(CommandError, match="safetensors"):
        evaluate(str(tmp_path / "model.pt"), str(tmp_path))
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(CommandError, match="no sketches"):
        evaluate(str(model), str(empty))


def test_record_writes_the_scores_and_the_command_into_the_model_card(model, settings, tmp_path):
    write_tiny_dataset(settings.TRAINING_DATA_DIR, name="shapes", pairs=3, val=2, size=SIZE)
    sheet = tmp_path / "sheet.png"
    before = read_card(model)
    report = evaluate(str(model), "shapes", "--out", str(sheet), "--size", str(SIZE), "--record")

    card = read_card(model)
    evaluation = card.pop("evaluation")
    assert card == {key: value for key, value in before.items() if key != "evaluation"}
    assert evaluation["metrics"] == report["metrics"]
    assert evaluation["baseline"] == report["baseline"]
    assert evaluation["sketches"] == 2 and evaluation["sheet"] == str(sheet)
    assert evaluation["command"] == (f"python manage.py evaluate {model} shapes --out {sheet} "
                                     f"--size {SIZE} --record")
    assert Registry(model.parent.parent, "cpu").load("panda").card["evaluation"] == evaluation


def test_record_refuses_sketches_without_real_pictures_and_keeps_the_card(model, tmp_path):
    folder = tmp_path / "drawings"
    folder.mkdir()
    shape_pair(0, SIZE)[0].save(folder / "kid.png")
    before = read_card(model)
    with pytest.raises(CommandError, match="nothing to record"):
        evaluate(str(model), str(folder), "--size", str(SIZE), "--record")
    assert read_card(model) == before
