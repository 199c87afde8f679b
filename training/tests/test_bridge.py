"""The HED-to-child bridge: texture goes, the outline stays and is redrawn by a child's hand;
a sketch with nothing to draw is refused, and build_dataset skips its photo with the reason."""
import json

import numpy as np
import pytest
from PIL import Image, ImageDraw

from training.build import build_dataset
from training.edges.bridge import EMPTY_REASON, bridge_sketch, line_statistics

SIZE = 256


def busy_sketch(seed: int = 0) -> Image.Image:
    """A big outlined box with an inner line, and forty short texture fragments around it."""
    rng = np.random.default_rng(seed)
    sketch = Image.new("L", (SIZE, SIZE), 255)
    draw = ImageDraw.Draw(sketch)
    draw.rectangle((60, 60, 196, 196), outline=0, width=3)
    draw.line((60, 128, 196, 128), fill=0, width=3)
    for _ in range(40):
        x, y = rng.uniform(5, 250, 2)
        draw.line((x, y, x + rng.uniform(-6, 6), y + rng.uniform(-6, 6)), fill=0, width=2)
    return sketch


def ink(sketch: Image.Image) -> np.ndarray:
    return np.asarray(sketch) < 128


def test_line_statistics_count_ink_and_separate_pieces():
    sketch = Image.new("L", (100, 100), 255)
    draw = ImageDraw.Draw(sketch)
    draw.rectangle((10, 10, 19, 11), fill=0)  # 20 px
    draw.rectangle((50, 50, 54, 53), fill=0)  # 20 px, apart from the first
    assert line_statistics(sketch) == {"ink": 40 / 10_000, "fragments": 2}


def test_bridge_drops_texture_and_keeps_the_outline():
    raw = busy_sketch()
    bridged = bridge_sketch(raw, np.random.default_rng(1))
    before, after = line_statistics(raw), line_statistics(bridged)
    assert after["fragments"] <= 3 < before["fragments"]
    assert after["ink"] < before["ink"]
    drawn = ink(bridged)
    # the box's four sides and its inner line are all drawn again (a child's wobble apart)
    for rows, columns in [(slice(52, 68), slice(90, 160)), (slice(188, 204), slice(90, 160)),
                          (slice(90, 160), slice(52, 68)), (slice(90, 160), slice(188, 204)),
                          (slice(120, 136), slice(90, 160))]:
        assert drawn[rows, columns].any(axis=0 if rows.stop - rows.start < 20 else 1).mean() > 0.9
    outside = np.ones_like(drawn)
    outside[40:216, 40:216] = False
    assert not drawn[outside].any()  # no texture fragment away from the box is drawn


def test_bridge_repeats_itself_for_a_seed():
    raw = busy_sketch()
    first = np.asarray(bridge_sketch(raw, np.random.default_rng(3)))
    assert np.array_equal(first, np.asarray(bridge_sketch(raw, np.random.default_rng(3))))
    assert not np.array_equal(first, np.asarray(bridge_sketch(raw, np.random.default_rng(4))))


@pytest.mark.parametrize("sketch", [
    Image.new("L", (SIZE, SIZE), 255),  # a blank photo
    Image.fromarray(np.where(np.random.default_rng(0).random((SIZE, SIZE)) < 0.5, 0, 255)
                    .astype(np.uint8)),  # noise
])
def test_bridge_refuses_a_sketch_with_nothing_to_draw(sketch):
    assert bridge_sketch(sketch, np.random.default_rng(0)) is None


def test_only_texture_is_nothing_to_draw():
    rng = np.random.default_rng(2)
    sketch = Image.new("L", (SIZE, SIZE), 255)
    draw = ImageDraw.Draw(sketch)
    for _ in range(30):
        x, y = rng.uniform(5, 250, 2)
        draw.line((x, y, x + 3, y + 3), fill=0, width=2)
    assert bridge_sketch(sketch, np.random.default_rng(0)) is None


def test_build_dataset_bridges_photo_sketches_and_skips_a_blank_photo(settings, tmp_path):
    photos = tmp_path / "photos"
    photos.mkdir()
    for index in range(3):
        photo = Image.new("RGB", (256, 256), (235, 232, 220))
        ImageDraw.Draw(photo).ellipse((50 + 9 * index, 60, 200, 190), fill=(200, 40, 40))
        photo.save(photos / f"photo{index}.png")
    Image.new("RGB", (256, 256), (120, 130, 140)).save(photos / "blank.png")

    bridged = build_dataset("panda", photos, "bridged", edges="canny", data_dir=tmp_path,
                            progress=False)
    manifest = json.loads((bridged.dataset_dir / "manifest.json").read_text())
    assert manifest["settings"]["bridge"] is True
    assert bridged.pairs == 3
    assert {"file": "blank.png", "reason": EMPTY_REASON} in manifest["skipped"]

    raw = build_dataset("panda", photos, "raw", edges="canny", data_dir=tmp_path,
                        progress=False, bridge=False)
    raw_manifest = json.loads((raw.dataset_dir / "manifest.json").read_text())
    assert raw_manifest["settings"]["bridge"] is False
    # without the bridge the blank photo is kept (an empty sketch), as before
    assert raw.pairs == 4 and raw_manifest["skipped"] == []
    pair = next(p for p in manifest["pairs"] if p["source"] == "photo0.png")
    raw_pair = next(p for p in raw_manifest["pairs"] if p["source"] == "photo0.png")
    redrawn = Image.open(bridged.dataset_dir / pair["sketch"])
    straight = Image.open(raw.dataset_dir / raw_pair["sketch"])
    assert not np.array_equal(np.asarray(redrawn), np.asarray(straight))
    assert ink(redrawn).any()
