"""The retraining admin's wording: durations, metrics, losses, and which run files it will show."""
from types import SimpleNamespace

import pytest

from training.admin.presenters import (
    describe_losses,
    describe_metrics,
    describe_seconds,
    inside_runs_dir,
    newest_sample,
)


@pytest.mark.parametrize(("seconds", "words"), [
    (None, ""), (0, "0 s"), (41.6, "42 s"), (187, "3 min 07 s"), (3900, "1 h 05 min"),
])
def test_durations_read_like_a_person_says_them(seconds, words):
    assert describe_seconds(seconds) == words


def test_metrics_come_from_the_val_part_or_the_whole_document_and_skip_what_is_not_a_number():
    assert describe_metrics({"val": {"l1": 0.12345, "psnr": 21.5, "ssim": 0.8123}}) == (
        "L1 0.1235, PSNR 21.50 dB, SSIM 0.812")
    assert describe_metrics({"l1": 0.5, "psnr": "n/a"}) == "L1 0.5000"
    assert describe_metrics({}) == "" and describe_metrics(None) == ""


def test_losses_are_rounded_and_non_numbers_dropped():
    assert describe_losses({"d": 0.123456, "g": 12.34567, "lr": 2e-4, "note": "x",
                            "flag": True}) == {"d": 0.1235, "g": 12.35, "lr": 0.0002}


@pytest.fixture
def runs_dir(settings, tmp_path):
    settings.TRAINING_RUNS_DIR = tmp_path / "runs"
    (settings.TRAINING_RUNS_DIR / "r1" / "samples").mkdir(parents=True)
    return settings.TRAINING_RUNS_DIR


def test_only_existing_files_inside_the_runs_folder_are_shown(runs_dir, tmp_path):
    inside = runs_dir / "r1" / "loss_curve.png"
    inside.write_bytes(b"png")
    outside = tmp_path / "secret.png"
    outside.write_bytes(b"png")
    (runs_dir / "r1" / "escape.png").symlink_to(outside)

    assert inside_runs_dir(str(inside)) == inside.resolve()
    assert inside_runs_dir(str(outside)) is None
    assert inside_runs_dir(str(runs_dir / "r1" / "escape.png")) is None
    assert inside_runs_dir(str(runs_dir / "r1" / "missing.png")) is None
    assert inside_runs_dir("") is None


def test_the_newest_sample_is_the_highest_step_in_the_runs_folder(runs_dir):
    run = SimpleNamespace(run_dir=str(runs_dir / "r1"), sample_grid_path="")
    assert newest_sample(run) is None
    for step in (2, 10, 4):
        (runs_dir / "r1" / "samples" / f"step_{step:05d}.png").write_bytes(b"png")

    assert newest_sample(run).name == "step_00010.png"
