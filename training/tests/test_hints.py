"""Colour hints sampled from the truth the way a child colours, their channels in training
samples, and the suite's colour error for a model that takes them."""
import numpy as np
import pytest
import torch
from PIL import Image

from inference.networks import ResnetGenerator, init_weights
from inference.palette import PALETTE
from inference.rasterize import rasterize, rasterize_hints
from inference.registry import save_model
from training.augment import PairedAugment
from training.datasets import PairedDataset
from training.evaluate import load_generator, run_model
from training.hints import HINT_COLOURS, NO_HINT_SHARE, palette_map, sample_hints
from training.metrics import colour_error, to_uint8
from training.sheets import tensor_picture
from training.wild import drawing_input, evaluate_wild, hinted_cases, wild_cases

from .tiny_runs import write_tiny_dataset

SIZE = 64


def red_and_blue(size: int = 256) -> np.ndarray:
    """Left half the red crayon's colour a little off, right half blue, a black band between."""
    pixels = np.zeros((size, size, 3), np.uint8)
    pixels[:, : size // 2 - 4] = (220, 60, 50)
    pixels[:, size // 2 + 4:] = (40, 130, 220)
    return pixels


def test_palette_map_snaps_to_the_nearest_crayon_and_leaves_black_out():
    crayons = palette_map(red_and_blue())
    assert crayons[10, 10] == HINT_COLOURS.index("red")
    assert crayons[10, 250] == HINT_COLOURS.index("blue")
    assert crayons[10, 128] == -1  # the black pen is never a hint


@pytest.mark.parametrize("seed", range(6))
def test_hints_lie_inside_a_region_of_their_own_colour(seed):
    picture = red_and_blue()
    hints = sample_hints(picture, np.random.default_rng(seed), always=True)
    assert 1 <= len(hints.strokes) <= 2  # two regions to colour
    for stroke in hints.strokes:
        assert stroke["color"] in ("red", "blue") and stroke["tool"] == "pen"
        points = np.asarray(stroke["points"]) * 256
        expected = "red" if points[:, 0].max() < 128 else "blue"
        assert stroke["color"] == expected
        assert (points[:, 0] < 124).all() or (points[:, 0] > 132).all()  # never across
    assert hints.region.any() and not hints.region[:, 124:132].any()


def test_a_share_of_samples_has_no_hints_and_a_seed_repeats():
    assert NO_HINT_SHARE >= 1 / 3
    picture = red_and_blue(32)
    empty = sum(not sample_hints(picture, np.random.default_rng(seed)).strokes
                for seed in range(1000))
    assert abs(empty / 1000 - NO_HINT_SHARE) < 0.05
    picture = red_and_blue(64)
    first = sample_hints(picture, np.random.default_rng(9), always=True)
    assert first.strokes == sample_hints(picture, np.random.default_rng(9), always=True).strokes
    assert not sample_hints(np.zeros((64, 64, 3), np.uint8), np.random.default_rng(0),
                            always=True).strokes  # all black: nothing to colour


def test_augment_adds_hint_channels_and_draws_their_strokes_on_the_sketch():
    sketch = Image.new("L", (256, 256), 255)
    photo = Image.fromarray(red_and_blue())
    augment = PairedAugment(256, jitter=False, mirror=False, stroke_width=False, wobble=False,
                            gaps=False, hints=True)
    seen = 0
    for seed in range(6):
        augment.reseed(seed)
        out_sketch, out_photo, hints = augment(sketch, photo)
        assert hints.shape == (4, 256, 256)
        assert np.array_equal(np.asarray(out_photo), red_and_blue())
        coloured = hints[3] > 0.5
        ink = np.asarray(out_sketch) < 128
        assert (ink == coloured).mean() > 0.97  # coloured strokes are lines too, as served
        if coloured.any():
            seen += 1
            left = coloured.copy()
            left[:, 120:] = False
            assert np.allclose(hints[:3][:, left].T, np.array(PALETTE["red"]) / 255)
    assert seen >= 2
    _, _, zeros = PairedAugment.resize_only(256, hints=True)(sketch, photo)
    assert not zeros.any()


def test_a_hint_transform_makes_five_channel_training_sketches(tmp_path):
    dataset = write_tiny_dataset(tmp_path, pairs=2, val=1, size=SIZE)
    augment = PairedAugment(SIZE, jitter=False, mirror=False, stroke_width=False, wobble=False,
                            gaps=False, hints=True)
    item = PairedDataset(dataset, "train", transform=augment)[0]
    assert item["sketch"].shape == (5, SIZE, SIZE) and item["photo"].shape == (3, SIZE, SIZE)
    plain = PairedDataset(dataset, "train", transform=PairedAugment.resize_only(SIZE))[0]
    assert plain["sketch"].shape == (1, SIZE, SIZE)


def test_sheets_show_hints_in_their_colours():
    strokes = [{"points": [[0.2, 0.5], [0.8, 0.5]], "size": 10, "color": "green"}]
    sketch = torch.from_numpy(np.asarray(rasterize(strokes, SIZE), np.float32) / 255)[None]
    tensor = torch.cat([sketch, torch.from_numpy(rasterize_hints(strokes, SIZE))])
    shown = np.asarray(tensor_picture(tensor))
    assert np.abs(shown[32, 32].astype(int) - PALETTE["green"]).max() <= 1
    assert (shown[5, 5] == 255).all()


@pytest.fixture
def hint_model(tmp_path):
    """A tiny five-channel generator fitted in a few steps to paint the hint colours."""
    torch.manual_seed(0)
    arguments = {"in_channels": 5, "ngf": 8, "n_blocks": 1}
    generator = init_weights(ResnetGenerator(**arguments))
    optimizer = torch.optim.Adam(generator.parameters(), lr=2e-3)
    strokes = [{"points": [[0.2, 0.5], [0.8, 0.5]], "size": 30, "color": "red"}]
    sketch = drawing_input(strokes, SIZE, 5)[None]
    target = sketch[:, 1:4] * 2 - 1
    for _ in range(3):
        loss = (generator(sketch) - target).abs().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    card = {"architecture": "resnet", "arguments": arguments, "input": "sketch+hints",
            "dataset": {"name": "test"}, "edge_method": "none",
            "training": {"steps": 3, "command": "test"}, "metrics": {}}
    return save_model(tmp_path / "models", "car", "hints-1", generator, card,
                      dtype=torch.float32)


def test_wild_suite_scores_a_hint_model_on_hinted_drawings_by_hand(hint_model):
    report = evaluate_wild(hint_model, count=2, size=SIZE)
    assert set(report["parts"]) == {"clean", "doodled", "plain", "hinted"}
    module, _ = load_generator(hint_model)
    cases, regions = hinted_cases(wild_cases("car", 2, size=SIZE)["clean"])
    assert all(len(case.strokes) > len(clean.strokes) for case, clean
               in zip(cases, wild_cases("car", 2, size=SIZE)["clean"], strict=True))
    pictures = [to_uint8(p) for p in run_model(module, [drawing_input(c.strokes, SIZE, 5)
                                                        for c in cases])]
    errors = [colour_error(p, c.truth, r) for p, c, r in zip(pictures, cases, regions,
                                                              strict=True)]
    assert report["parts"]["hinted"]["delta_e"] == pytest.approx(
        np.mean([error for error in errors if error is not None]))
    assert "delta_e" not in report["parts"]["clean"]


def test_a_hint_model_runs_on_plain_sketches_with_zero_hints(hint_model):
    module, _ = load_generator(hint_model)
    sketch = drawing_input([{"points": [[0.1, 0.1], [0.9, 0.9]], "size": 4}], SIZE)
    assert sketch.shape == (1, SIZE, SIZE)
    picture = run_model(module, [sketch])[0]
    zeros = torch.cat([sketch, torch.zeros(4, SIZE, SIZE)])
    with torch.no_grad():
        assert torch.allclose(picture, module(zeros[None])[0])
