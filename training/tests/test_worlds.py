"""Procedural worlds: seeded, varied pictures whose child drawings fit the canvas, the wire limits
and the picture's own edges, written as datasets the trainer loads."""
import json

import numpy as np
import pytest
from django.core.management import call_command
from PIL import Image, ImageFilter

from drawapp.protocol import MAX_POINTS_PER_STROKE, Stroke, parse_client_message
from inference.categories import CATEGORIES
from inference.rasterize import rasterize
from training.datasets import DatasetExists, PairedDataset, read_manifest
from training.models import TrainingDataset
from training.worlds import WORLDS, car, gemstone, maplestory, shoe, sketch_of, space
from training.worlds.base import rng_for
from training.worlds.canvas import Canvas
from training.worlds.dataset import EDGE_METHOD, make_world_dataset
from training.worlds.hand import MAX_STROKES, ChildHand
from training.worlds.shapes import ellipse

SEEDS = (0, 1, 2)
EDGE_REACH = 5  # px: wobble plus half a pen
INK = 128


@pytest.fixture(scope="module")
def samples():
    return {category: [WORLDS[category](seed) for seed in SEEDS] for category in CATEGORIES}


def strong_edges(picture: Image.Image, threshold: float = 24.0) -> np.ndarray:
    """Pixels where the colour jumps to a neighbour by more than `threshold` in some channel."""
    pixels = np.asarray(picture, dtype=np.float32)
    jump = np.zeros(pixels.shape[:2], dtype=np.float32)
    jump[:, :-1] = np.abs(np.diff(pixels, axis=1)).max(axis=2)
    jump[:-1, :] = np.maximum(jump[:-1, :], np.abs(np.diff(pixels, axis=0)).max(axis=2))
    return jump > threshold


def share_of_ink_near_edges(sketch: np.ndarray, edges: np.ndarray) -> float:
    near = Image.fromarray(edges.astype(np.uint8) * 255).filter(
        ImageFilter.MaxFilter(2 * EDGE_REACH + 1))
    ink = sketch < INK
    return float((ink & (np.asarray(near) > 0)).sum() / max(ink.sum(), 1))


def test_every_category_has_a_world():
    assert set(WORLDS) == set(CATEGORIES)


@pytest.mark.parametrize("category", CATEGORIES)
def test_painter_repeats_itself_for_the_same_seed(category, samples):
    again = WORLDS[category](SEEDS[0])
    first = samples[category][0]
    assert np.array_equal(np.asarray(again.picture), np.asarray(first.picture))
    assert again.strokes == first.strokes


@pytest.mark.parametrize("category", CATEGORIES)
def test_painter_varies_across_seeds(category, samples):
    pictures = [np.asarray(sample.picture, dtype=np.float32) for sample in samples[category]]
    for index, picture in enumerate(pictures):
        for other in pictures[index + 1:]:
            assert np.abs(picture - other).mean() > 5
    drawings = [json.dumps(sample.strokes) for sample in samples[category]]
    assert len(set(drawings)) == len(drawings)


@pytest.mark.parametrize("category", CATEGORIES)
def test_picture_is_a_colourful_256_rgb_image(category, samples):
    for sample in samples[category]:
        assert sample.picture.mode == "RGB" and sample.picture.size == (256, 256)
        pixels = np.asarray(sample.picture)
        assert pixels.std() > 20
        assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 500


@pytest.mark.parametrize("category", CATEGORIES)
def test_drawing_stays_on_the_canvas_within_the_wire_limits(category, samples):
    for sample in samples[category]:
        assert 3 <= len(sample.strokes) < 200
        for stroke in sample.strokes:
            points = np.asarray(stroke["points"])
            assert 1 <= len(points) <= MAX_POINTS_PER_STROKE
            assert points.min() >= 0.0 and points.max() <= 1.0
            message = parse_client_message(json.dumps({"type": "stroke", **stroke}))
            assert isinstance(message, Stroke)
            assert message.tool == "pen" and message.size == stroke["size"]


@pytest.mark.parametrize("category", CATEGORIES)
def test_sketch_ink_lies_on_the_pictures_edges(category, samples):
    for sample in samples[category]:
        sketch = np.asarray(sketch_of(sample))
        assert sketch.shape == (256, 256)
        assert 0.01 < (sketch < INK).mean() < 0.3
        edges = strong_edges(sample.picture)
        on_edges = share_of_ink_near_edges(sketch, edges)
        # the same ink moved away from the geometry must score clearly worse
        shifted = share_of_ink_near_edges(np.roll(sketch, (37, 53), axis=(0, 1)), edges)
        assert on_edges > 0.85, f"only {on_edges:.0%} of the ink is near a picture edge"
        assert on_edges > shifted + 0.1


PAINT_TABLES = {  # world: (the drawn kinds, the table that gives each its colours)
    "car": (set(car.BODIES), car.PAINT),
    "shoe": ({(kind, style) for kind in ("sneaker", "hightop") for style in shoe.STYLES}
             | {(kind, None) for kind in ("boot", "sandal", "high_heel", "slipper")},
             shoe.COLOURWAYS),
    "gemstone": (set(gemstone.CUTS), gemstone.STONES),
    "space": (set(space.SURFACES), space.PALETTES),
    "maplestory": ({"spiky", "bob", "long", "twintails", "bun"}, maplestory.HAIR),
    "maplestory outfits": ({"shirt", "dress", "robe"}, maplestory.CLOTHES),
    "maplestory pets": ({"slime", "mushroom", "snail"}, maplestory.PETS),
    "car fronts": (set(car.BODIES), car.FRONTS),  # a face of its own for each kind's paint
}


@pytest.mark.parametrize("world", PAINT_TABLES)
def test_every_drawn_kind_has_its_own_colours(world):
    # The drawing carries no colour: a colour must follow from what is drawn, or the model
    # learns the average of all paints. Distinct entries keep the world colourful.
    kinds, table = PAINT_TABLES[world]
    assert set(table) == kinds
    assert len({json.dumps(colours) for colours in table.values()}) == len(table)


def test_sketch_is_exactly_the_served_rasterization(samples):
    sample = samples["panda"][0]
    replayed = rasterize(json.loads(json.dumps(sample.strokes)))
    assert np.array_equal(np.asarray(sketch_of(sample)), np.asarray(replayed))


def test_outline_hidden_behind_a_later_shape_is_not_drawn():
    canvas = Canvas(rng_for(0), np.full((256, 256, 3), 200, np.float32))
    canvas.fill(ellipse(128, 128, 30, 30), (200, 0, 0))
    canvas.fill([(60, 60), (196, 60), (196, 196), (60, 196)], (0, 0, 200))
    runs = canvas.visible_runs()
    assert len(runs) == 1
    points, closed, _ = runs[0]
    assert closed and points[:, 0].min() < 62 and points[:, 0].max() > 194


def test_outline_partly_covered_keeps_only_its_visible_part():
    canvas = Canvas(rng_for(0), np.full((256, 256, 3), 200, np.float32))
    canvas.fill(ellipse(100, 128, 40, 40), (200, 0, 0))
    canvas.fill([(100, 0), (256, 0), (256, 256), (100, 256)], (0, 0, 200))
    circle = [points for points, closed, _ in canvas.visible_runs() if not closed]
    assert len(circle) == 1 and circle[0][:, 0].max() < 102


def test_busy_drawing_is_capped_and_long_strokes_are_thinned():
    hand = ChildHand(rng_for(3))
    dots = [(np.array([[10.0 + i % 200, 20.0 + i // 200]]), False, True) for i in range(400)]
    assert len(hand.draw(dots)) == MAX_STROKES
    spiral = np.stack([128 + np.linspace(5, 120, 9000) * np.cos(np.linspace(0, 60, 9000)),
                       128 + np.linspace(5, 120, 9000) * np.sin(np.linspace(0, 60, 9000))], 1)
    strokes = hand.draw([(spiral, False, False)])
    assert all(len(stroke["points"]) <= MAX_POINTS_PER_STROKE for stroke in strokes)


def test_world_dataset_loads_in_the_trainer(tmp_path):
    folder = make_world_dataset("shoe", 6, "tiny-world", seed_start=40, val_fraction=0.34,
                                root=tmp_path)
    manifest = read_manifest(folder)
    assert manifest["edge_method"] == EDGE_METHOD and manifest["source"] == "world:shoe"
    assert manifest["settings"]["val_seeds"] == [44, 46]
    assert [pair["split"] for pair in manifest["pairs"]] == ["train"] * 4 + ["val"] * 2
    train, val = PairedDataset(folder, "train"), PairedDataset(folder, "val")
    assert (len(train), len(val)) == (4, 2)
    item = train[0]
    assert item["sketch"].shape == (1, 256, 256) and item["photo"].shape == (3, 256, 256)
    assert 0.0 <= item["sketch"].min() < 0.5 and item["sketch"].max() == 1.0
    assert -1.0 <= item["photo"].min() and item["photo"].max() <= 1.0
    assert item["photo"].std() > 0.05
    strokes = json.loads((folder / "strokes" / f"{item['id']}.json").read_text())
    with Image.open(folder / "sketch" / f"{item['id']}.png") as stored:
        assert np.array_equal(np.asarray(stored), np.asarray(rasterize(strokes)))


def test_world_dataset_refuses_to_replace_without_overwrite(tmp_path):
    make_world_dataset("car", 2, "twice", root=tmp_path)
    with pytest.raises(DatasetExists):
        make_world_dataset("car", 2, "twice", root=tmp_path)
    make_world_dataset("car", 3, "twice", root=tmp_path, overwrite=True)
    assert len(read_manifest(tmp_path / "twice")["pairs"]) == 3


@pytest.mark.parametrize("arguments", [("dragon", 2, "x"), ("car", 0, "x"), ("car", -1, "x"),
                                       ("car", 2, "../escape")])
def test_world_dataset_rejects_bad_requests(tmp_path, arguments):
    with pytest.raises(ValueError):
        make_world_dataset(*arguments, root=tmp_path)


def test_make_world_dataset_command_writes_into_the_data_directory(db, tmp_path, settings,
                                                                   capsys):
    settings.TRAINING_DATA_DIR = tmp_path
    call_command("make_world_dataset", "space", "--count", "2", "--name", "sky",
                 "--seed-start", "100000", "--val-fraction", "0", verbosity=0)
    manifest = read_manifest(tmp_path / "sky")
    assert [pair["id"] for pair in manifest["pairs"]] == ["space-100000", "space-100001"]
    assert "2 pairs (2 train, 0 val)" in capsys.readouterr().out
    assert TrainingDataset.objects.get(name="sky").source_kind == "world"


def test_robust_world_dataset_draws_each_training_picture_several_ways(tmp_path):
    folder = make_world_dataset("car", 4, "robust", seed_start=10, val_fraction=0.25,
                                root=tmp_path, robust=True, drawings_per_picture=3)
    manifest = read_manifest(folder)
    assert manifest["settings"]["drawings"] == "robust"
    pairs = manifest["pairs"]
    train = [pair for pair in pairs if pair["split"] == "train"]
    val = [pair for pair in pairs if pair["split"] == "val"]
    assert [pair["id"] for pair in val] == ["car-13"]  # held out: the world's own drawing only
    assert [pair["id"] for pair in train[:3]] == ["car-10", "car-10-1", "car-10-2"]
    kinds = {pair["source"].split()[-1] for pair in train}
    assert kinds <= {"clean", "doodled", "plain", "restyled"} and len(kinds) >= 2
    # one picture per seed, several drawings of it
    photos = {pair["id"]: np.asarray(Image.open(folder / pair["photo"])) for pair in train[:3]}
    assert all(np.array_equal(photo, photos["car-10"]) for photo in photos.values())
    sketches = [np.asarray(Image.open(folder / pair["sketch"])) for pair in train[:3]]
    assert not np.array_equal(sketches[0], sketches[1])
    strokes = json.loads((folder / "strokes" / "car-10-2.json").read_text())
    assert np.array_equal(sketches[2], np.asarray(rasterize(strokes)))


def test_robust_options_are_checked(tmp_path):
    with pytest.raises(ValueError, match="needs robust"):
        make_world_dataset("car", 2, "x", root=tmp_path, drawings_per_picture=2)
    with pytest.raises(ValueError, match="drawings per picture"):
        make_world_dataset("car", 2, "x", root=tmp_path, robust=True, drawings_per_picture=0)


def test_make_world_dataset_command_takes_robust_drawings(db, tmp_path, settings, capsys):
    settings.TRAINING_DATA_DIR = tmp_path
    call_command("make_world_dataset", "panda", "--count", "2", "--name", "kids", "--robust",
                 "--drawings-per-picture", "2", "--val-fraction", "0", verbosity=0)
    manifest = read_manifest(tmp_path / "kids")
    assert [pair["id"] for pair in manifest["pairs"]] == ["panda-0", "panda-0-1", "panda-1",
                                                          "panda-1-1"]
    assert "4 pairs (4 train, 0 val), seeds 0..1" in capsys.readouterr().out
