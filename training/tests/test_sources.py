"""Reading photo folders and zips: plain and aligned pairs, and every kind of bad input."""
import hashlib
import io
import stat
import struct
import zipfile
import zlib

import numpy as np
import pytest
from PIL import Image, ImageDraw

from training import sources
from training.sources import PhotoSource, SourceError


def image_bytes(image, format="PNG"):
    buffer = io.BytesIO()
    image.save(buffer, format=format)
    return buffer.getvalue()


def photo(width=300, height=200, colour=(200, 40, 40)):
    image = Image.new("RGB", (width, height), (240, 240, 230))
    ImageDraw.Draw(image).ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4),
                                  fill=colour)
    return image


def aligned_pair(size=256):
    """A|B: a black square outline on white, then the filled square photo."""
    sketch = Image.new("RGB", (size, size), "white")
    ImageDraw.Draw(sketch).rectangle((64, 64, 191, 191), outline="black", width=2)
    pair = Image.new("RGB", (2 * size, size))
    pair.paste(sketch, (0, 0))
    pair.paste(photo(size, size, (30, 160, 60)), (size, 0))
    return pair


def png_claiming_size(width, height):
    """A PNG whose header claims width x height pixels but holds almost no data."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"\x00" * 16)) + chunk(b"IEND", b""))


def files_under(folder):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def write_zip(path, members):
    """members: {name or ZipInfo: bytes}."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_folder_of_photos_gives_square_256_rgb_photos_with_their_hashes(tmp_path):
    (tmp_path / "sub").mkdir()
    wide = image_bytes(photo(300, 200), "JPEG")
    (tmp_path / "wide.jpg").write_bytes(wide)
    (tmp_path / "sub" / "tall.webp").write_bytes(image_bytes(photo(120, 400), "WEBP"))
    (tmp_path / "small.PNG").write_bytes(image_bytes(photo(64, 64)))

    source = PhotoSource(tmp_path)
    items = list(source)

    assert source.kind == "folder" and not source.aligned
    assert [item.name for item in items] == ["small.PNG", "sub/tall.webp", "wide.jpg"]
    assert source.skipped == [] and len(source) == 3 and source.files_done == 3
    for item in items:
        assert item.photo.mode == "RGB" and item.photo.size == (256, 256) and item.sketch is None
    assert items[2].sha256 == hashlib.sha256(wide).hexdigest()


def test_photos_are_centre_cropped_not_squashed(tmp_path):
    image = Image.new("RGB", (300, 100), (255, 0, 0))
    image.paste((0, 255, 0), (100, 0, 200, 100))  # the middle third is green
    (tmp_path / "strip.png").write_bytes(image_bytes(image))
    pixels = np.asarray(next(iter(PhotoSource(tmp_path))).photo)
    assert (pixels[:, 12:-12] == (0, 255, 0)).all()  # away from LANCZOS ringing at the cut


def test_transparent_background_becomes_white(tmp_path):
    image = Image.new("RGBA", (64, 64), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((16, 16, 47, 47), fill=(0, 0, 255, 255))
    (tmp_path / "cutout.png").write_bytes(image_bytes(image))
    pixels = np.asarray(next(iter(PhotoSource(tmp_path))).photo)
    assert tuple(pixels[5, 5]) == (255, 255, 255)
    assert tuple(pixels[128, 128]) == (0, 0, 255)


def test_aligned_folder_is_detected_and_split_into_sketch_and_photo(tmp_path):
    for index in range(2):
        (tmp_path / f"{index}_AB.jpg").write_bytes(image_bytes(aligned_pair(), "JPEG"))

    source = PhotoSource(tmp_path)
    items = list(source)

    assert source.aligned and len(items) == 2
    sketch, picture = np.asarray(items[0].sketch), np.asarray(items[0].photo)
    assert items[0].sketch.mode == "L" and items[0].sketch.size == (256, 256)
    assert sketch[128, 64] < 100 and sketch[128, 128] > 200 and sketch[10, 10] > 200
    assert picture[128, 128, 1] > 120 and picture[128, 128, 0] < 80  # the green photo half


def test_aligned_flag_splits_pairs_that_are_not_exactly_twice_as_wide(tmp_path):
    pair = aligned_pair(100).resize((210, 100))
    (tmp_path / "pair.png").write_bytes(image_bytes(pair))
    assert not PhotoSource(tmp_path).aligned
    item = next(iter(PhotoSource(tmp_path, aligned=True)))
    assert item.sketch is not None and item.sketch.size == (256, 256)


def test_mixed_shapes_are_read_as_plain_photos(tmp_path):
    (tmp_path / "pair.png").write_bytes(image_bytes(aligned_pair(64)))
    (tmp_path / "photo.png").write_bytes(image_bytes(photo(64, 64)))
    source = PhotoSource(tmp_path)
    assert not source.aligned
    assert all(item.sketch is None for item in source)


def test_bad_files_are_skipped_with_their_reasons(tmp_path):
    good = image_bytes(photo(), "JPEG")
    (tmp_path / "good.jpg").write_bytes(good)
    (tmp_path / "corrupt.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    (tmp_path / "truncated.jpg").write_bytes(good[: len(good) // 2])
    (tmp_path / "truncated.png").write_bytes(image_bytes(photo(256, 256))[:400])
    (tmp_path / "empty.png").write_bytes(b"")
    (tmp_path / "letter.png").write_bytes(b"Dear teacher, these are the photos.\n")
    (tmp_path / "notes.txt").write_text("not a photo")
    (tmp_path / "anim.gif").write_bytes(image_bytes(photo(), "GIF"))
    (tmp_path / "bomb.png").write_bytes(png_claiming_size(20_000, 20_000))
    (tmp_path / "warning-bomb.png").write_bytes(png_claiming_size(7_000, 7_000))
    (tmp_path / "link.jpg").symlink_to(tmp_path / "good.jpg")

    source = PhotoSource(tmp_path)
    items = list(source)
    reasons = {entry.file: entry.reason for entry in source.skipped}

    assert [item.name for item in items] == ["good.jpg"]
    assert source.files_done == len(source) == 11
    assert reasons["corrupt.jpg"].startswith(("corrupt", "not an image"))
    assert reasons["truncated.jpg"].startswith("truncated")
    assert reasons["truncated.png"].startswith("truncated")
    assert reasons["empty.png"] == "empty file"
    assert reasons["letter.png"].startswith("not an image")
    assert reasons["notes.txt"].startswith("not a photo file")
    assert reasons["anim.gif"].startswith("not a photo file")
    assert "too large" in reasons["bomb.png"]
    assert "too large" in reasons["warning-bomb.png"]
    assert reasons["link.jpg"].startswith("symbolic link")


def test_pixel_cap_is_set_and_checked_before_decoding(tmp_path, monkeypatch):
    assert Image.MAX_IMAGE_PIXELS == sources.MAX_IMAGE_PIXELS <= 40_000_000
    monkeypatch.setattr(sources, "MAX_IMAGE_PIXELS", 100)
    (tmp_path / "eleven.png").write_bytes(image_bytes(photo(11, 11)))
    source = PhotoSource(tmp_path)
    assert list(source) == []
    assert source.skipped[0].reason.startswith("image too large: 11x11")


def test_oversized_file_is_skipped_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_FILE_BYTES", 1000)
    (tmp_path / "big.png").write_bytes(image_bytes(photo()) + b"\0" * 1000)
    source = PhotoSource(tmp_path)
    assert list(source) == []
    assert source.skipped[0].reason.startswith("file too big")


def test_zip_of_photos_is_read_in_memory_without_extracting(tmp_path):
    archive = write_zip(tmp_path / "photos.zip", {
        "pandas/one.jpg": image_bytes(photo(), "JPEG"),
        "pandas/two.png": image_bytes(photo(64, 64)),
        "__MACOSX/pandas/._one.jpg": b"\0\5\26\7",
        "pandas/readme.md": b"# pandas",
    })
    before = files_under(tmp_path)

    source = PhotoSource(archive)
    items = list(source)

    assert source.kind == "zip"
    assert [item.name for item in items] == ["pandas/one.jpg", "pandas/two.png"]
    assert {entry.file for entry in source.skipped} == {"__MACOSX/pandas/._one.jpg",
                                                         "pandas/readme.md"}
    assert files_under(tmp_path) == before


def test_aligned_zip_is_detected(tmp_path):
    archive = write_zip(tmp_path / "edges2shoes.zip", {
        "train/1_AB.jpg": image_bytes(aligned_pair(), "JPEG"),
        "train/2_AB.jpg": image_bytes(aligned_pair(), "JPEG"),
    })
    source = PhotoSource(archive)
    assert source.aligned
    assert all(item.sketch is not None for item in source)


@pytest.mark.parametrize("member, words", [
    ("../escape.jpg", "'..'"),
    ("photos/../../escape.jpg", "'..'"),
    ("photos\\..\\..\\escape.jpg", "'..'"),
    ("/etc/escape.jpg", "absolute path"),
    ("\\windows\\escape.jpg", "absolute path"),
    ("C:/escape.jpg", "drive letter"),
])
def test_zip_member_that_would_land_outside_refuses_the_whole_zip(tmp_path, member, words):
    folder = tmp_path / "upload"
    folder.mkdir()
    archive = folder / "evil.zip"
    with zipfile.ZipFile(archive, "w") as writer:
        writer.writestr("fine.jpg", image_bytes(photo(), "JPEG"))
        writer.writestr(zipfile.ZipInfo(member), image_bytes(photo(), "JPEG"))
    before = files_under(tmp_path)

    with pytest.raises(SourceError, match=words) as refused:
        PhotoSource(archive)

    assert "refused evil.zip" in str(refused.value)
    assert files_under(tmp_path) == before
    assert not (tmp_path / "escape.jpg").exists()


def test_zip_with_a_symlink_member_is_refused(tmp_path):
    link = zipfile.ZipInfo("photos/passwords.jpg")
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = write_zip(tmp_path / "link.zip", {link: b"/etc/passwd"})
    with pytest.raises(SourceError, match="symbolic link"):
        PhotoSource(archive)


def test_zip_with_too_many_members_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_MEMBERS", 3)
    archive = write_zip(tmp_path / "many.zip", {f"{i}.png": image_bytes(photo(8, 8))
                                                for i in range(4)})
    with pytest.raises(SourceError, match="4 entries; the limit is 3"):
        PhotoSource(archive)


def test_zip_that_unpacks_too_big_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_TOTAL_BYTES", 10_000)
    archive = write_zip(tmp_path / "big.zip", {"a.png": b"\0" * 6000, "b.png": b"\0" * 6000})
    assert archive.stat().st_size < 10_000  # compressed it is small; unpacked it is not
    with pytest.raises(SourceError, match="unpacks to 12,000 bytes"):
        PhotoSource(archive)


def test_oversized_zip_member_is_skipped_and_the_rest_read(tmp_path, monkeypatch):
    monkeypatch.setattr(sources, "MAX_ZIP_MEMBER_BYTES", 5000)
    archive = write_zip(tmp_path / "mixed.zip", {
        "big.png": image_bytes(photo(64, 64)) + b"\0" * 5000,
        "small.png": image_bytes(photo(16, 16)),
    })
    source = PhotoSource(archive)
    assert [item.name for item in source] == ["small.png"]
    assert source.skipped[0].file == "big.png"
    assert source.skipped[0].reason.startswith("file too big")


def test_broken_zip_and_missing_source_are_clear_errors(tmp_path):
    (tmp_path / "broken.zip").write_bytes(b"PK\3\4 not really a zip")
    with pytest.raises(SourceError, match="not a readable zip"):
        PhotoSource(tmp_path / "broken.zip")
    with pytest.raises(SourceError, match="does not exist"):
        PhotoSource(tmp_path / "nowhere")
    (tmp_path / "single.jpg").write_bytes(image_bytes(photo(), "JPEG"))
    with pytest.raises(SourceError, match="neither a folder nor a .zip"):
        PhotoSource(tmp_path / "single.jpg")


def test_unusual_pixel_formats_become_rgb_photos(tmp_path):
    deep = Image.fromarray((np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16))
    (tmp_path / "deep.png").write_bytes(image_bytes(deep))
    (tmp_path / "print.jpg").write_bytes(image_bytes(Image.new("CMYK", (64, 64), (0, 255, 0, 0)),
                                                     "JPEG"))
    (tmp_path / "palette.png").write_bytes(image_bytes(Image.new("P", (64, 64), 3)))
    source = PhotoSource(tmp_path)
    items = list(source)
    assert source.skipped == []
    assert [(item.photo.mode, item.photo.size) for item in items] == [("RGB", (256, 256))] * 3


def test_encrypted_zip_member_is_skipped(tmp_path):
    archive = write_zip(tmp_path / "locked.zip", {"locked.png": image_bytes(photo(16, 16)),
                                                  "open.png": image_bytes(photo(16, 16))})
    data = bytearray(archive.read_bytes())
    for signature, flag_offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        data[data.index(signature) + flag_offset] |= 0x1  # mark the first member encrypted
    archive.write_bytes(bytes(data))
    source = PhotoSource(archive)
    assert [item.name for item in source] == ["open.png"]
    assert source.skipped[0].reason == "encrypted zip member"
