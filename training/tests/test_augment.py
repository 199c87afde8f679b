"""Paired augmentation: both halves move alike, a seed fixes the result, each switch works."""
import numpy as np
import pytest
from PIL import Image, ImageDraw

from training.augment import (
    PairedAugment,
    add_doodles,
    change_stroke_width,
    erase_gaps,
    plain_outlines,
    retrace,
    wobble,
)


def marked_pair(x: int = 90, y: int = 60, size: int = 256):
    """A sketch with a black dot and a photo with a red dot at the same place."""
    sketch = Image.new("L", (size, size), 255)
    photo = Image.new("RGB", (size, size), (255, 255, 255))
    ImageDraw.Draw(sketch).rectangle((x - 3, y - 3, x + 3, y + 3), fill=0)
    ImageDraw.Draw(photo).rectangle((x - 3, y - 3, x + 3, y + 3), fill=(255, 0, 0))
    return sketch, photo


def centre(mask: np.ndarray) -> tuple[float, float]:
    ys, xs = np.nonzero(mask)
    assert len(xs), "marker lost"
    return float(xs.mean()), float(ys.mean())


def geometry_only(seed: int, **switches) -> PairedAugment:
    return PairedAugment(seed=seed, stroke_width=False, wobble=False, gaps=False, **switches)


@pytest.mark.parametrize("seed", range(8))
def test_sketch_and_photo_are_cropped_and_mirrored_alike(seed):
    sketch, photo = geometry_only(seed)(*marked_pair())
    assert sketch.size == photo.size == (256, 256)
    sketch_marker = centre(np.asarray(sketch) < 128)
    red = np.asarray(photo).astype(int)
    photo_marker = centre((red[..., 0] > 128) & (red[..., 1] < 128))
    assert sketch_marker == pytest.approx(photo_marker, abs=0.5)


def test_jitter_moves_the_marker_and_mirror_flips_it_over_seeds():
    places = set()
    for seed in range(12):
        sketch, _ = geometry_only(seed)(*marked_pair())
        x, y = centre(np.asarray(sketch) < 128)
        places.add((round(x), round(y)))
    assert len(places) > 6
    assert any(x > 128 for x, _ in places) and any(x < 128 for x, _ in places)  # mirrored


def test_without_jitter_or_mirror_the_pair_only_resizes():
    augment = geometry_only(0, jitter=False, mirror=False, crop_size=128)
    for seed in range(3):
        augment.reseed(seed)
        sketch, photo = augment(*marked_pair())
        assert sketch.size == photo.size == (128, 128)
        assert centre(np.asarray(sketch) < 128) == pytest.approx((45, 30), abs=1)


def drawn_sketch() -> Image.Image:
    sketch = Image.new("L", (256, 256), 255)
    draw = ImageDraw.Draw(sketch)
    draw.ellipse((40, 40, 200, 200), outline=0, width=3)
    draw.line((20, 230, 230, 30), fill=0, width=3)
    return sketch


def test_same_seed_same_pictures_different_seed_different_pictures():
    sketch, photo = drawn_sketch(), Image.new("RGB", (256, 256), (10, 200, 30))
    first = PairedAugment(seed=5)(sketch, photo)
    again = PairedAugment(seed=5)(sketch, photo)
    other = PairedAugment(seed=6)(sketch, photo)
    assert first[0].tobytes() == again[0].tobytes() and first[1].tobytes() == again[1].tobytes()
    assert first[0].tobytes() != other[0].tobytes()


def test_reseed_replays_the_same_augmentation():
    augment = PairedAugment(seed=1)
    pair = drawn_sketch(), Image.new("RGB", (256, 256))
    augment.reseed(42)
    first = augment(*pair)[0].tobytes()
    augment(*pair)
    augment.reseed(42)
    assert augment(*pair)[0].tobytes() == first


def test_sketch_augmentation_is_on_by_default_and_leaves_the_photo_alone():
    augment = PairedAugment(seed=3, jitter=False, mirror=False)
    assert augment.sketch_augment
    photo = Image.new("RGB", (256, 256), (10, 200, 30))
    sketches = {augment(drawn_sketch(), photo)[0].tobytes() for _ in range(6)}
    assert len(sketches) > 1
    assert augment(drawn_sketch(), photo)[1].tobytes() == photo.tobytes()


def ink(image: Image.Image) -> int:
    return int((np.asarray(image) < 128).sum())


def test_stroke_width_jitter_thickens_and_thins_lines():
    sketch = drawn_sketch()
    assert ink(change_stroke_width(sketch, +2)) > 1.5 * ink(sketch)
    assert ink(change_stroke_width(sketch, -2)) < 0.7 * ink(sketch)
    assert change_stroke_width(sketch, 0).tobytes() == sketch.tobytes()


def test_wobble_bends_lines_a_little_but_keeps_them():
    sketch = drawn_sketch()
    bent = wobble(sketch, np.random.default_rng(0), 3.0)
    before, after = np.asarray(sketch) < 128, np.asarray(bent) < 128
    assert (before != after).any()
    assert 0.6 * before.sum() < after.sum() < 1.4 * before.sum()
    # Every line pixel after the wobble lies within a few pixels of a line pixel before it.
    ys, xs = np.nonzero(after)
    line_ys, line_xs = np.nonzero(before)
    nearest = [np.min(np.abs(line_xs - x) + np.abs(line_ys - y)) for x, y in zip(xs[::50], ys[::50],
                                                                                strict=True)]
    assert max(nearest) <= 6


def test_gaps_erase_short_pieces_of_line_only():
    sketch = drawn_sketch()
    gapped = erase_gaps(sketch, np.random.default_rng(1), count=3)
    removed = ink(sketch) - ink(gapped)
    assert 0 < removed < 0.1 * ink(sketch)
    assert ink(erase_gaps(Image.new("L", (32, 32), 255), np.random.default_rng(1), 3)) == 0


def test_each_sketch_augmentation_can_be_switched_off():
    sketch, photo = drawn_sketch(), Image.new("RGB", (256, 256))
    plain = PairedAugment.resize_only()
    assert not plain.sketch_augment
    assert plain(sketch, photo)[0].tobytes() == sketch.tobytes()
    for name in ("stroke_width", "wobble", "gaps"):
        only = {key: key == name for key in ("stroke_width", "wobble", "gaps")}
        outputs = {PairedAugment(seed=seed, jitter=False, mirror=False, **only)(sketch, photo)[0]
                   .tobytes() for seed in range(6)}
        assert len(outputs) > 1, name


def test_too_small_crop_is_refused():
    with pytest.raises(ValueError, match="crop size"):
        PairedAugment(crop_size=4)


def box_sketch(size: int = 256) -> Image.Image:
    """A big box with a small circle (detail) inside it."""
    sketch = Image.new("L", (size, size), 255)
    draw = ImageDraw.Draw(sketch)
    draw.rectangle((40, 60, 216, 200), outline=0, width=3)
    draw.ellipse((120, 120, 132, 132), outline=0, width=2)
    return sketch


def ink_of(sketch: Image.Image) -> np.ndarray:
    return np.asarray(sketch) < 128


def test_plain_outlines_drop_the_detail_and_keep_the_outline():
    sketch = box_sketch()
    plain = ink_of(plain_outlines(sketch))
    assert not plain[115:138, 115:138].any()  # the little circle and its rim are gone
    assert np.array_equal(plain[:100], ink_of(sketch)[:100])  # the box is untouched
    assert (np.asarray(plain_outlines(sketch))[115:138, 115:138] == 255).all()


def test_retrace_adds_a_second_line_beside_the_first():
    sketch = box_sketch()
    traced = ink_of(retrace(sketch, np.random.default_rng(2)))
    assert (traced | ink_of(sketch) == traced).all()  # nothing of the first tracing is lost
    assert traced.sum() > 1.2 * ink_of(sketch).sum()


@pytest.mark.parametrize("seed", range(4))
def test_doodles_only_add_ink(seed):
    sketch = box_sketch()
    doodled = ink_of(add_doodles(sketch, np.random.default_rng(seed)))
    assert (doodled | ink_of(sketch) == doodled).all()
    assert doodled.sum() > ink_of(sketch).sum()


def test_child_augmentations_leave_the_photo_alone_and_repeat_per_seed():
    sketch, photo = box_sketch(), Image.new("RGB", (256, 256), (10, 200, 30))
    augment = geometry_only(5, jitter=False, mirror=False, doodles=True, retrace=True,
                            plain=True)
    assert augment.sketch_augment
    changed = 0
    for seed in range(12):
        augment.reseed(seed)
        first_sketch, first_photo = augment(sketch, photo)
        augment.reseed(seed)
        again, _ = augment(sketch, photo)
        assert np.array_equal(np.asarray(first_sketch), np.asarray(again))
        assert np.array_equal(np.asarray(first_photo), np.asarray(photo))
        changed += not np.array_equal(np.asarray(first_sketch), np.asarray(sketch))
    assert 0 < changed < 12  # each addition comes only to a share of the sketches


def test_bridge_switch_redraws_an_edge_sketch_and_keeps_one_it_cannot():
    sketch = box_sketch()
    photo = Image.new("RGB", (256, 256), (10, 200, 30))
    augment = geometry_only(1, jitter=False, mirror=False, bridge=True)
    redrawn, _ = augment(sketch, photo)
    assert not np.array_equal(np.asarray(redrawn), np.asarray(sketch))
    assert ink_of(redrawn)[60:200, 40:216].any()
    blank = Image.new("L", (256, 256), 255)
    assert np.array_equal(np.asarray(augment(blank, photo)[0]), np.asarray(blank))
