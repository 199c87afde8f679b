"""The wild-drawings suite: doodled and plain drawings of a world picture, and the suite's scores
for a tiny model trained in the test, by hand."""
import io
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from drawapp.protocol import Stroke, parse_client_message
from inference.categories import CATEGORIES
from inference.rasterize import SKETCH_STROKE_SIZE, rasterize
from inference.testing import make_trained_model
from training.evaluate import load_generator, run_model
from training.metrics import l1, to_uint8
from training.wild import (
    drawing_input,
    evaluate_wild,
    sketch_statistics,
    wild_cases,
    wild_table,
    world_mean_picture,
)
from training.worlds import paint
from training.worlds.doodles import DRAWINGS, doodled, drawing, hatching, plain

SEED = 700_003
SIZE = 64
GUTTER = 2
INK = 128


def ink(strokes) -> int:
    return int((np.asarray(rasterize(strokes)) < INK).sum())


def at_one_pen(strokes) -> list[dict]:
    """The strokes all drawn with the canvas's default pen, so ink measures what is drawn."""
    return [{**stroke, "size": SKETCH_STROKE_SIZE} for stroke in strokes]


@pytest.fixture(scope="module")
def samples():
    return {category: paint(category, SEED) for category in CATEGORIES}


@pytest.mark.parametrize("category", CATEGORIES)
def test_doodled_drawings_add_ink_and_plain_ones_drop_detail(category, samples):
    sample = samples[category]
    clean, doodles, plain_drawing = (drawing(sample, kind, SEED) for kind in DRAWINGS)
    assert clean == sample.strokes
    assert ink(doodles) > ink(clean)
    details = sum(1 for _, _, detail in sample.runs if detail)
    # a plain drawing's pen can be wider than the world's (any width of a real canvas): at
    # one pen width it holds less, as it leaves the details out
    assert ink(at_one_pen(plain_drawing)) < ink(at_one_pen(clean)) or details == 0
    for stroke in doodles + plain_drawing:  # every drawing is one a child could send
        assert isinstance(parse_client_message(json.dumps({"type": "stroke", **stroke})), Stroke)


def test_drawings_repeat_for_a_seed_and_leave_the_picture_alone(samples):
    sample = samples["car"]
    before = np.asarray(sample.picture).copy()
    assert drawing(sample, "doodled", SEED) == drawing(sample, "doodled", SEED)
    assert drawing(sample, "doodled", SEED) != drawing(sample, "doodled", SEED + 1)
    assert np.array_equal(np.asarray(sample.picture), before)
    with pytest.raises(ValueError):
        drawing(sample, "scribbly", SEED)


def test_plain_drawings_keep_only_long_main_outlines():
    rng = np.random.default_rng(0)
    body = np.array([[40.0, 40.0], [200.0, 40.0], [200.0, 200.0], [40.0, 200.0]])
    eye = np.array([[100.0, 100.0], [110.0, 100.0], [105.0, 108.0]])
    runs = [(body, True, False), (eye, True, True), (np.array([[5.0, 5.0], [15.0, 5.0]]),
                                                     False, False)]
    strokes = plain(runs, rng)
    points = np.vstack([np.asarray(stroke["points"]) * 256 for stroke in strokes])
    # everything drawn hugs the body's outline: the eye and the 10-px tick are gone
    near_body = (np.abs(points - 40).min(axis=1) < 8) | (np.abs(points - 200).min(axis=1) < 8)
    assert near_body.all()


def test_hatching_stays_inside_its_shape():
    rng = np.random.default_rng(3)
    box = np.array([[60.0, 60.0], [180.0, 60.0], [180.0, 160.0], [60.0, 160.0]])
    lines = hatching([(box, True, False)], rng)
    assert lines
    points = np.vstack([points for points, _, _ in lines])
    assert (points >= 60).all() and (points[:, 0] <= 180).all() and (points[:, 1] <= 160).all()


def test_asked_for_doodles_are_all_drawn():
    rng = np.random.default_rng(4)
    box = np.array([[60.0, 60.0], [180.0, 60.0], [180.0, 160.0], [60.0, 160.0]])
    runs = [(box, True, False)]
    strokes = doodled(runs, rng, doodles=("speed_lines", "letters"))
    assert ink(strokes) > ink(plain(runs, np.random.default_rng(0)))
    with pytest.raises(ValueError):
        doodled(runs, rng, doodles=("graffiti",))


@pytest.mark.parametrize("category", CATEGORIES)
def test_the_subject_is_marked_and_leaves_the_scene_out(category, samples):
    subject = samples[category].subject
    assert subject.shape == (256, 256) and 0.01 < subject.mean() < 0.8


@pytest.fixture
def model(tmp_path):
    return make_trained_model(tmp_path / "models", "panda", steps=5)


def test_wild_suite_scores_each_part_by_hand(model, tmp_path):
    report = evaluate_wild(model, count=2, size=SIZE, sheets_dir=tmp_path / "sheets", rows=2)
    assert report["category"] == "panda" and set(report["parts"]) == set(DRAWINGS)

    module, _ = load_generator(model)
    cases = wild_cases("panda", 2, size=SIZE)["doodled"]
    pictures = [to_uint8(p) for p in run_model(module, [drawing_input(c.strokes, SIZE)
                                                        for c in cases])]
    mean = world_mean_picture("panda", SIZE)
    expected_l1 = np.mean([l1(p, c.truth) for p, c in zip(pictures, cases, strict=True)])
    expected_baseline = np.mean([l1(mean, c.truth) for c in cases])
    doodles = report["parts"]["doodled"]
    assert doodles["drawings"] == 2
    assert doodles["l1"] == pytest.approx(expected_l1)
    assert doodles["baseline_l1"] == pytest.approx(expected_baseline)
    assert doodles["l1_ratio"] == pytest.approx(expected_l1 / expected_baseline)
    for name in ("mud", "saturation", "contrast"):
        assert doodles[f"{name}_ratio"] == pytest.approx(doodles[name] / doodles[f"{name}_truth"])
    # a model trained on one synthetic ring paints no panda: its colours are nothing like it
    assert doodles["l1_ratio"] > 1.0

    with Image.open(doodles["sheet"]) as sheet:  # two rows of drawing | picture | truth
        assert sheet.size == (3 * (SIZE + GUTTER) + GUTTER, 2 * (SIZE + GUTTER) + GUTTER)
        truth_cell = np.asarray(sheet.convert("RGB"))[GUTTER:GUTTER + SIZE, -SIZE - GUTTER:-GUTTER]
    assert np.abs(truth_cell.astype(int) - cases[0].truth.astype(int)).max() <= 1

    table = wild_table([report]).splitlines()
    assert len(table) == 1 + len(DRAWINGS) and "doodled" in table[2]


def test_evaluate_command_runs_the_wild_suite(model, tmp_path):
    out = io.StringIO()
    call_command("evaluate", "--suite", "wild", str(model), "--count", "1", "--size", str(SIZE),
                 stdout=out)
    report = json.loads(out.getvalue())
    assert report["suite"] == "wild" and report["parts"]["plain"]["drawings"] == 1
    with pytest.raises(CommandError, match="no sketches"):
        call_command("evaluate", "--suite", "wild", str(model), "some-folder")
    with pytest.raises(CommandError, match="name the sketches"):
        call_command("evaluate", str(model))
    with pytest.raises(CommandError, match="count"):
        call_command("evaluate", "--suite", "wild", str(model), "--count", "0")


def test_quality_command_prints_a_line_per_active_model_and_part(model, settings, tmp_path):
    settings.MODELS_DIR = tmp_path / "models"
    out = io.StringIO()
    other = make_trained_model(tmp_path / "other", "car", version="candidate-2", steps=2)
    call_command("quality", "--count", "1", "--sheets-dir", str(tmp_path / "quality"),
                 "--json", str(tmp_path / "quality.json"), "--edges", "canny",
                 "--sketch-count", "1", "--also", str(other), "--size", "64", stdout=out)
    lines = out.getvalue().splitlines()
    wild_lines = lines[:lines.index("")]
    assert sum(line.startswith("panda ") for line in wild_lines) == len(DRAWINGS)
    assert sum(line.startswith("car         candidate-2") for line in wild_lines) == len(DRAWINGS)
    assert "car: no active model, skipped" in lines
    assert sorted(path.name for path in (tmp_path / "quality").iterdir()) == \
        sorted(f"panda-{kind}.png" for kind in DRAWINGS)
    document = json.loads((tmp_path / "quality.json").read_text())
    assert document["wild"][0]["category"] == "panda" and document["edges"] == "canny"
    assert sum(line.startswith("car ") and "canny bridged" in line for line in lines) == 1


def test_sketch_statistics_measure_child_edge_and_bridged_sketches():
    from training.edges import edge_detector

    statistics = sketch_statistics("shoe", edge_detector("canny"), count=2)
    assert set(statistics) == {"child", "edges", "bridged"}
    child = statistics["child"]
    assert child["sketches"] == 2
    low, mean, high = child["ink"]
    assert 0 < low <= mean <= high < 0.5
    cases = wild_cases("shoe", 2)["clean"]
    inks = [float((np.asarray(rasterize(case.strokes)) < INK).mean()) for case in cases]
    assert child["ink"] == pytest.approx([min(inks), np.mean(inks), max(inks)])
    assert statistics["bridged"]["fragments"][2] <= statistics["edges"]["fragments"][2]
