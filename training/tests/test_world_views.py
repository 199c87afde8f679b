"""The worlds' other views (a whole-body panda, cars from the front and three-quarters, more
kinds of shoe, a character with a weapon or a pet): each is painted and drawn the way the world's
first view is, repeats for a seed, shows its new parts where crayon hints can colour them, and
leaves the first view's pictures exactly as they were."""
import json

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from PIL import Image

from drawapp.protocol import Stroke, parse_client_message
from training.datasets import read_manifest
from training.edges.bridge import line_statistics
from training.hints import hint_regions
from training.worlds import (
    ORIGINAL_VIEWS,
    VIEWS,
    WORLDS,
    car,
    maplestory,
    paint,
    panda,
    shoe,
    sketch_of,
)
from training.worlds.base import pick_view
from training.worlds.dataset import make_world_dataset

from .test_worlds import share_of_ink_near_edges, strong_edges

SEEDS = (0, 1)
SHARES = {"panda": panda.VIEW_SHARES, "car": car.VIEW_SHARES, "shoe": shoe.VIEW_SHARES,
          "maplestory": maplestory.VIEW_SHARES}
NEW_VIEWS = [(category, view) for category, views in VIEWS.items() for view in views
             if view not in ORIGINAL_VIEWS[category]]
# The part each new view adds that a crayon can colour (black fur and tyres take no hint).
PARTS = {
    ("panda", "whole_body"): "body",
    ("car", "front"): "windscreen",
    ("car", "three_quarter"): "windscreen",
    ("shoe", "sandal"): "straps",
    ("shoe", "high_heel"): "heel",
    ("shoe", "slipper"): "pompom",
    ("maplestory", "armed"): "weapon",
    ("maplestory", "pet"): "pet",
}
# The range of the worlds' own child drawings: the ink test_worlds allows, and at most this
# many separate line pieces (the first views reach 11 with sun, clouds, road and hills).
INK_RANGE = (0.01, 0.3)
MAX_FRAGMENTS = 15
# test_worlds asks 0.85 of drawings with more ink; a slim high heel's drawing is a third floor
# line, and where its shadow falls on that line the wall and floor meet too softly to count.
MIN_INK_ON_EDGES = 0.7
MIN_PART_PIXELS = 150
MIN_HINTED_SHARE = 0.3  # of a new part's pixels inside some region a crayon hint can colour


@pytest.fixture(scope="module")
def drawn():
    return {(category, view): [paint(category, seed, (view,)) for seed in SEEDS]
            for category, view in NEW_VIEWS}


def test_every_new_view_has_a_part_to_check():
    assert set(PARTS) == set(NEW_VIEWS)
    assert all(set(ORIGINAL_VIEWS[category]) < set(VIEWS[category]) for category in VIEWS)


@pytest.mark.parametrize("category", sorted(VIEWS))
def test_the_first_view_keeps_about_half_the_pictures_and_every_view_comes_up(category):
    views = [pick_view(seed, None, SHARES[category]) for seed in range(2000)]
    first = sum(view in ORIGINAL_VIEWS[category] for view in views) / len(views)
    assert 0.45 <= first <= 0.6
    assert set(views) == set(VIEWS[category])
    # restricted to some views, a seed only ever gets one of those
    assert {pick_view(seed, ORIGINAL_VIEWS[category], SHARES[category])
            for seed in range(50)} == set(ORIGINAL_VIEWS[category])


@pytest.mark.parametrize("category", sorted(VIEWS))
def test_a_seed_painted_in_the_first_view_is_the_picture_it_always_was(category):
    # The view is drawn from a stream of its own, so restricting a world to its first views
    # (as the starter models' tests do) changes no picture the world painted in them anyway.
    seed = next(seed for seed in range(100)
                if pick_view(seed, None, SHARES[category]) in ORIGINAL_VIEWS[category])
    anyway, restricted = paint(category, seed), paint(category, seed, ORIGINAL_VIEWS[category])
    assert anyway.view == restricted.view
    assert np.array_equal(np.asarray(anyway.picture), np.asarray(restricted.picture))
    assert anyway.strokes == restricted.strokes


@pytest.mark.parametrize("category, view", NEW_VIEWS)
def test_a_new_view_is_drawn_like_a_child_draws_the_world(category, view, drawn):
    for sample in drawn[category, view]:
        assert sample.view == view
        sketch = sketch_of(sample)
        statistics = line_statistics(sketch)
        assert INK_RANGE[0] < statistics["ink"] < INK_RANGE[1]
        assert 1 <= statistics["fragments"] <= MAX_FRAGMENTS
        assert 3 <= len(sample.strokes) < 200
        for stroke in sample.strokes:
            assert isinstance(parse_client_message(json.dumps({"type": "stroke", **stroke})),
                              Stroke)
        # the drawing follows the picture's edges, far better than the same ink moved away
        ink, edges = np.asarray(sketch), strong_edges(sample.picture)
        on_edges = share_of_ink_near_edges(ink, edges)
        assert on_edges > MIN_INK_ON_EDGES
        assert on_edges > share_of_ink_near_edges(np.roll(ink, (37, 53), (0, 1)), edges) + 0.1


@pytest.mark.parametrize("category, view", NEW_VIEWS)
def test_a_new_view_repeats_itself_for_the_same_seed(category, view, drawn):
    again = paint(category, SEEDS[0], (view,))
    first = drawn[category, view][0]
    assert np.array_equal(np.asarray(again.picture), np.asarray(first.picture))
    assert again.strokes == first.strokes
    assert again.parts.keys() == first.parts.keys()
    assert all(np.array_equal(again.parts[name], first.parts[name]) for name in first.parts)
    other = drawn[category, view][1]
    assert np.abs(np.asarray(other.picture, np.float32)
                  - np.asarray(first.picture, np.float32)).mean() > 5


@pytest.mark.parametrize("category, view", NEW_VIEWS)
def test_a_new_views_part_shows_in_the_truth_where_crayon_hints_can_colour_it(category, view,
                                                                              drawn):
    for sample in drawn[category, view]:
        part = sample.parts[PARTS[category, view]]
        assert part.sum() >= MIN_PART_PIXELS
        hinted = np.zeros_like(part)
        for _, region, _ in hint_regions(np.asarray(sample.picture)):
            hinted |= region
        assert (part & hinted).sum() >= MIN_HINTED_SHARE * part.sum()


@pytest.mark.parametrize("category", sorted(WORLDS))
def test_views_are_checked(category):
    with pytest.raises(ValueError):
        paint(category, 0, ("upside_down",))
    if category in VIEWS:
        with pytest.raises(ValueError):
            paint(category, 0, ())
        with pytest.raises(ValueError):
            paint(category, 0, VIEWS[category][0])  # a bare name, not a tuple of views


def test_a_world_dataset_can_paint_only_some_views(tmp_path):
    folder = make_world_dataset("car", 3, "sides", seed_start=5, val_fraction=0.0,
                                root=tmp_path, views=("side",))
    manifest = read_manifest(folder)
    assert manifest["settings"]["views"] == ["side"]
    for pair in manifest["pairs"]:
        seed = int(pair["id"].split("-")[1])
        with Image.open(folder / pair["photo"]) as stored:
            expected = paint("car", seed, ("side",)).picture
            assert np.array_equal(np.asarray(stored), np.asarray(expected))
    with pytest.raises(ValueError, match="views"):
        make_world_dataset("car", 2, "tops", root=tmp_path, views=("top",))
    assert not (tmp_path / "tops").exists()


def test_make_world_dataset_command_takes_views(db, tmp_path, settings):
    settings.TRAINING_DATA_DIR = tmp_path
    call_command("make_world_dataset", "shoe", "--count", "1", "--name", "heels", "--views",
                 "high_heel,slipper", "--val-fraction", "0", verbosity=0)
    assert read_manifest(tmp_path / "heels")["settings"]["views"] == ["high_heel", "slipper"]
    with pytest.raises(CommandError, match="views"):
        call_command("make_world_dataset", "shoe", "--count", "1", "--name", "boots",
                     "--views", "wellington", verbosity=0)
