"""The crayon box: names and hex colours to RGB, everything else refused."""
import pytest

from inference.palette import DEFAULT_COLOR, PALETTE, hex_of, is_color, rgb


def test_box_holds_ten_crayons_black_first():
    assert len(PALETTE) == 10 and next(iter(PALETTE)) == "black" == DEFAULT_COLOR


def test_names_and_hex_colours_turn_into_rgb():
    assert rgb("red") == PALETTE["red"]
    assert rgb("#ff8000") == (255, 128, 0)
    assert rgb(None) == PALETTE["black"]
    assert hex_of("#FF8000") == "#ff8000"


@pytest.mark.parametrize("value", ["rainbow", "#ff80", "ff8000", "#ff800g", "", 3, None])
def test_anything_else_is_not_a_colour(value):
    assert not is_color(value)
    if value is not None:
        with pytest.raises(ValueError):
            rgb(value)
