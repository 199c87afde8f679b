"""`manage.py train`: a tiny run end to end, exported as a candidate the registry can serve."""
import io
import json
import shlex

import pytest
import torch
from django.core.management import CommandError, call_command
from PIL import Image
from safetensors.torch import load_file

from inference.registry import ModelUnavailable, Registry, as_served_input
from training.trainer import TrainConfig

from .tiny_runs import one_torch_thread, shape_pair, write_tiny_dataset

TINY = ["--architecture", "resnet", "--generator-args", '{"ngf": 8, "n_blocks": 1}',
        "--steps", "4", "--batch-size", "2", "--image-size", "32", "--ndf", "8",
        "--n-layers", "2", "--device", "cpu", "--seed", "3", "--sample-every", "2"]


@pytest.fixture(autouse=True)
def folders(settings, tmp_path):
    settings.TRAINING_DATA_DIR = tmp_path / "data"
    settings.TRAINING_RUNS_DIR = tmp_path / "runs"
    settings.MODELS_DIR = tmp_path / "models"
    write_tiny_dataset(settings.TRAINING_DATA_DIR, name="shapes", pairs=3, val=1, size=64,
                       edge_method="canny-fallback")
    with one_torch_thread():
        yield settings


def train(*arguments) -> list[str]:
    out = io.StringIO()
    call_command("train", *arguments, stdout=out, stderr=io.StringIO())
    return out.getvalue().strip().splitlines()


def test_train_exports_a_candidate_model_the_registry_can_load(folders):
    lines = train("panda", "--dataset", "shapes", *TINY)
    model_path = folders.MODELS_DIR / "panda" / (lines[-1].rsplit("/", 1)[-1])
    assert lines[-1] == str(model_path) and model_path.is_file()
    assert not (folders.MODELS_DIR / "panda" / "ACTIVE").exists()  # a candidate, not served yet

    registry = Registry(folders.MODELS_DIR, device="cpu")
    loaded = registry.load("panda", model_path.stem)
    card = loaded.card
    assert card["training"]["steps"] == 4
    assert card["edge_method"] == "canny-fallback"  # from the dataset's manifest
    assert card["dataset"]["name"] == "shapes" and card["dataset"]["train_pairs"] == 3
    assert card["dtype"] == "float16" and card["architecture"] == "resnet"
    assert set(card["metrics"]) >= {"l1", "psnr", "ssim", "pairs"}
    assert card["training"]["wall_time_s"] > 0
    run_dir = folders.TRAINING_RUNS_DIR / card["training"]["run_id"]
    for name in ("config", "losses", "loss_curve", "metrics"):
        assert card["training"]["files"][name].startswith(str(run_dir))
    assert (run_dir / "config.json").is_file() and (run_dir / "loss_curve.png").is_file()
    assert sorted(path.name for path in (run_dir / "samples").iterdir()) == [
        "step_00002.png", "step_00004.png"]
    assert len((run_dir / "losses.jsonl").read_text().splitlines()) == 4
    assert json.loads((run_dir / "metrics.json").read_text())["val"]["pairs"] == 1

    sketch, _ = shape_pair(0, 256)
    with pytest.raises(ModelUnavailable):  # not active: nothing served until it is promoted
        registry.generate("panda", sketch)
    blank = as_served_input(torch.zeros(1, 1, 256, 256), loaded.device)
    assert loaded.module(blank).shape == (1, 3, 256, 256)


def test_the_card_command_reproduces_the_model_bit_for_bit(folders):
    first = train("panda", "--dataset", "shapes", *TINY)[-1]
    command = json.loads(open(first.replace(".safetensors", ".json")).read())["training"]["command"]
    words = shlex.split(command)
    assert words[:3] == ["python", "manage.py", "train"] and "--steps" in words
    second = train(*words[3:], "--device", "cpu")[-1]
    assert second != first
    one, two = load_file(first), load_file(second)
    assert one.keys() == two.keys() and all(torch.equal(one[key], two[key]) for key in one)


@pytest.mark.django_db
def test_activate_promotes_the_new_model_like_the_promote_command(folders):
    from training.models import ModelVersion

    lines = train("panda", "--dataset", "shapes", *TINY, "--version", "shapes-1", "--activate")
    assert lines[-1].endswith("panda/shapes-1.safetensors")
    assert "promoted panda/shapes-1: it is served from the next picture" in lines
    registry = Registry(folders.MODELS_DIR, device="cpu")
    assert registry.active_version("panda") == "shapes-1"
    assert ModelVersion.objects.get(version="shapes-1").status == "active"
    picture = registry.generate("panda", Image.new("L", (256, 256), 255))
    assert picture.image.size == (256, 256) and picture.version == "shapes-1"


def test_resume_option_finishes_a_stopped_run(folders):
    from training.trainer import Trainer

    config = TrainConfig(category="panda", dataset="shapes", architecture="resnet",
                         generator_args={"ngf": 8, "n_blocks": 1}, steps=4, batch_size=2,
                         image_size=32, ndf=8, n_layers=2, device="cpu")
    stopped = Trainer(config, should_stop=lambda: True).train()
    assert stopped.stopped and stopped.step == 1
    lines = train("panda", "--resume", stopped.run_dir.name)
    assert lines[-1].endswith(".safetensors")
    card = json.loads(open(lines[-1].replace(".safetensors", ".json")).read())
    assert card["training"]["steps"] == 4 and card["training"]["run_id"] == stopped.run_dir.name


@pytest.mark.parametrize(("arguments", "message"), [
    (["--dataset", "missing", "--steps", "1"], "no dataset"),
    (["--dataset", "shapes", "--steps", "0"], "steps"),
    (["--dataset", "shapes", "--image-size", "30"], "image size"),
    ([], "--dataset"),
])
def test_bad_train_options_give_clear_errors(folders, arguments, message):
    with pytest.raises(CommandError, match=message):
        train("panda", *arguments)


def test_a_dataset_of_another_category_is_refused(folders):
    with pytest.raises(CommandError, match="category"):
        train("car", "--dataset", "shapes", *TINY)
