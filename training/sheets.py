"""Contact sheets: rows of pictures side by side (sketch | generated | real) in one image."""
import torch
from PIL import Image

from training.metrics import to_uint8

GUTTER = 2


def tensor_picture(tensor: torch.Tensor) -> Image.Image:
    """A 1 x H x W sketch in [0, 1] (5 x H x W with colour hints, shown in their colours) or a
    3 x H x W picture in [-1, 1] as an RGB image."""
    if tensor.dim() == 3 and tensor.shape[0] == 5:
        sketch, colours, mask = tensor[:1].expand(3, -1, -1), tensor[1:4], tensor[4:5]
        tensor = (sketch + (colours - sketch) * mask) * 2 - 1
    elif tensor.dim() == 3 and tensor.shape[0] == 1:
        tensor = tensor.expand(3, -1, -1) * 2 - 1
    return Image.fromarray(to_uint8(tensor))


def contact_sheet(rows: list[list[Image.Image | None]], cell: int | None = None) -> Image.Image:
    """Each row's pictures left to right in cells of cell x cell pixels (default: the first
    picture's width) on white; None leaves its cell blank."""
    pictures = [picture for row in rows for picture in row if picture is not None]
    if not pictures:
        raise ValueError("a contact sheet needs at least one picture")
    size = cell or pictures[0].width
    columns = max(len(row) for row in rows)
    sheet = Image.new("RGB", (columns * (size + GUTTER) + GUTTER,
                              len(rows) * (size + GUTTER) + GUTTER), "white")
    for row_index, row in enumerate(rows):
        for column, picture in enumerate(row):
            if picture is None:
                continue
            picture = picture.convert("RGB")
            if picture.size != (size, size):
                picture = picture.resize((size, size), Image.BICUBIC)
            sheet.paste(picture, (GUTTER + column * (size + GUTTER),
                                  GUTTER + row_index * (size + GUTTER)))
    return sheet
