"""The crayon box: the colours a child can draw with, by name, as sRGB, declared once."""
import re

# In the order the crayons lie in the box on the canvas page.
PALETTE: dict[str, tuple[int, int, int]] = {
    "black": (34, 34, 34),
    "red": (229, 57, 53),
    "orange": (251, 140, 0),
    "yellow": (253, 216, 53),
    "green": (67, 160, 71),
    "blue": (30, 136, 229),
    "purple": (142, 36, 170),
    "pink": (236, 64, 122),
    "brown": (121, 85, 72),
    "grey": (200, 200, 200),
}
DEFAULT_COLOR = "black"
HEX_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


def is_color(value) -> bool:
    """A palette name or "#rrggbb"."""
    return isinstance(value, str) and (value in PALETTE or HEX_COLOR.fullmatch(value) is not None)


def rgb(color: str | None) -> tuple[int, int, int]:
    """The sRGB of a palette name or "#rrggbb"; no colour is the default crayon."""
    if color is None:
        color = DEFAULT_COLOR
    if color in PALETTE:
        return PALETTE[color]
    if not is_color(color):
        raise ValueError(f"not a colour: {color!r} (a palette name or #rrggbb)")
    return tuple(int(color[index:index + 2], 16) for index in (1, 3, 5))


def hex_of(color: str | None) -> str:
    """"#rrggbb" for a palette name or hex colour, as the page's canvas wants it."""
    return "#{:02x}{:02x}{:02x}".format(*rgb(color))


def hex_palette() -> dict[str, str]:
    """The crayon box as the page wants it: name -> "#rrggbb", in box order."""
    return {name: hex_of(name) for name in PALETTE}
