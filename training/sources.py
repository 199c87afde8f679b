"""Read the photos an admin brings (folder or .zip, plain or pix2pix-aligned), trusting nothing."""
import hashlib
import io
import os
import re
import stat
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from PIL import Image, ImageOps

PHOTO_SIZE = 256
PHOTO_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".webp"})
# Only these decoders ever see outside bytes (camera MPO files open through the JPEG one).
ALLOWED_IMAGE_FORMATS = ("JPEG", "PNG", "WEBP")
MAX_IMAGE_PIXELS = 40_000_000
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ZIP_MEMBERS = 50_000
MAX_ZIP_MEMBER_BYTES = MAX_FILE_BYTES
MAX_ZIP_TOTAL_BYTES = 8 * 1024 * 1024 * 1024

# Pillow warns above this and refuses above twice this; decode_image treats both as errors.
Image.MAX_IMAGE_PIXELS = MAX_IMAGE_PIXELS

_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")


class SourceError(ValueError):
    """The source as a whole cannot be used (missing, not a folder or zip, an unsafe zip)."""


@dataclass(frozen=True)
class SourceItem:
    """One usable file: its name in the source, the hash of its bytes, its 256x256 images."""

    name: str
    sha256: str
    photo: Image.Image
    sketch: Image.Image | None = None


@dataclass(frozen=True)
class SkippedFile:
    file: str
    reason: str


class UnreadableImage(Exception):
    """One file is not a usable image; its message is the reason shown to the admin."""


def square_256(image: Image.Image) -> Image.Image:
    """Center-crop to a square, then resize to PHOTO_SIZE (LANCZOS)."""
    return ImageOps.fit(image, (PHOTO_SIZE, PHOTO_SIZE), method=Image.Resampling.LANCZOS)


def flatten_to_rgb(image: Image.Image) -> Image.Image:
    """RGB; transparent parts become white (product photos with cut-out backgrounds)."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, (255, 255, 255, 255))
        return Image.alpha_composite(background, image).convert("RGB")
    return image.convert("RGB")


def decode_image(data: bytes) -> Image.Image:
    """Fully decoded, upright image from untrusted bytes; UnreadableImage says why not."""
    if not data:
        raise UnreadableImage("empty file")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=ALLOWED_IMAGE_FORMATS)
            width, height = image.size
            if width * height > MAX_IMAGE_PIXELS:
                raise UnreadableImage(
                    f"image too large: {width}x{height} pixels is over the "
                    f"{MAX_IMAGE_PIXELS:,}-pixel limit"
                )
            if width < 1 or height < 1:
                raise UnreadableImage(f"image has no pixels ({width}x{height})")
            image.load()
            return ImageOps.exif_transpose(image)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise UnreadableImage(f"image too large (decompression bomb): {error}") from error
    except Image.UnidentifiedImageError as error:
        raise UnreadableImage("not an image (or not a JPEG, PNG or WebP)") from error
    except UnreadableImage:
        raise
    except Exception as error:  # any decoder failure on outside bytes is a skip, never a crash
        detail = str(error) or type(error).__name__
        if "truncated" in detail:
            raise UnreadableImage(f"truncated image: {detail}") from error
        raise UnreadableImage(f"corrupt image: {detail}") from error


def photo_and_sketch(image: Image.Image, aligned: bool) -> tuple[Image.Image, Image.Image | None]:
    """A plain photo -> (photo, None); an aligned A|B image -> (B photo, A sketch), both 256x256."""
    if not aligned:
        return square_256(flatten_to_rgb(image)), None
    width, height = image.size
    if width < 2:
        raise UnreadableImage(f"too narrow for an A|B pair ({width}x{height})")
    half = width // 2
    sketch_half = image.crop((0, 0, half, height))
    photo_half = image.crop((half, 0, 2 * half, height))
    sketch = square_256(flatten_to_rgb(sketch_half).convert("L"))
    return square_256(flatten_to_rgb(photo_half)), sketch


def unsafe_member_reason(member: zipfile.ZipInfo) -> str | None:
    """Why a zip member could land outside its folder, or None when its name is safe."""
    name = member.filename
    if "\x00" in name:
        return "has a NUL byte in its name"
    if name.startswith(("/", "\\")):
        return "is an absolute path"
    if _DRIVE_LETTER.match(name):
        return "has a drive letter"
    if ".." in re.split(r"[/\\]", name):
        return "climbs out with '..'"
    mode = member.external_attr >> 16
    if stat.S_ISLNK(mode):
        return "is a symbolic link"
    return None


def checked_zip_names(file: Path | BinaryIO, label: str) -> list[str]:
    """The file names in a zip (a path or an open binary file), after checking it as a whole:
    readable, member count, unpacked size, no member that escapes. Reads no member's data."""
    try:
        with zipfile.ZipFile(file) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as error:
        raise SourceError(f"{label} is not a readable zip file: {error}") from error
    if len(members) > MAX_ZIP_MEMBERS:
        raise SourceError(f"{label} has {len(members):,} entries; the limit is {MAX_ZIP_MEMBERS:,}")
    total = sum(member.file_size for member in members)
    if total > MAX_ZIP_TOTAL_BYTES:
        raise SourceError(
            f"{label} unpacks to {total:,} bytes; the limit is {MAX_ZIP_TOTAL_BYTES:,}"
        )
    for member in members:
        reason = unsafe_member_reason(member)
        if reason:
            raise SourceError(
                f"refused {label}: member {member.filename!r} {reason} and would "
                "land outside its folder; nothing was read from this zip"
            )
    return sorted(member.filename for member in members if not member.is_dir())


def _is_photo_name(name: str) -> bool:
    return PurePosixPath(name).suffix.lower() in PHOTO_EXTENSIONS


def _skip_reason_for_name(name: str) -> str | None:
    parts = PurePosixPath(name).parts
    if any(part == "__MACOSX" for part in parts):
        return "macOS metadata, not a photo"
    if parts and parts[-1].startswith("."):
        return "hidden file"
    if not _is_photo_name(name):
        return "not a photo file (expected .jpg, .jpeg, .png or .webp)"
    return None


class PhotoSource:
    """A folder or .zip of photos, or of pix2pix aligned A|B pairs (A = sketch, B = photo).

    aligned=None detects aligned pairs: every readable image is exactly twice as wide as high.
    Iterating yields SourceItem for each usable file; every other file lands in .skipped with
    its reason. len() is the number of files considered (for progress bars); .files_done counts
    how many of them iteration has dealt with so far.
    A zip is checked as a whole before any member is read, and members are read into memory one
    at a time: nothing from it is ever written to disk.
    """

    def __init__(self, path: Path | str, aligned: bool | None = None):
        self.path = Path(path)
        self.skipped: list[SkippedFile] = []
        self.files_done = 0
        if self.path.is_dir():
            self.kind = "folder"
            self._names = self._folder_names()
        elif self.path.is_file() and (
            self.path.suffix.lower() == ".zip" or zipfile.is_zipfile(self.path)
        ):
            self.kind = "zip"
            self._names = self._checked_zip_names()
        elif self.path.exists():
            raise SourceError(f"{self.path} is neither a folder nor a .zip file")
        else:
            raise SourceError(f"{self.path} does not exist")
        self.aligned = self._detect_aligned() if aligned is None else aligned

    def __len__(self) -> int:
        return len(self._names)

    def _folder_names(self) -> list[str]:
        names = []
        # os.walk does not descend into symlinked folders; symlinked files are listed and skipped.
        for folder, subfolders, files in os.walk(self.path, followlinks=False):
            subfolders.sort()
            for file_name in files:
                file = Path(folder) / file_name
                names.append(file.relative_to(self.path).as_posix())
        return sorted(names)

    def _checked_zip_names(self) -> list[str]:
        return checked_zip_names(self.path, self.path.name)

    def _read_bytes(self, name: str, archive: zipfile.ZipFile | None) -> bytes:
        """The file's bytes, at most the per-file cap (UnreadableImage beyond it)."""
        if archive is None:
            file = self.path / name
            if file.is_symlink():
                raise UnreadableImage("symbolic link (not followed)")
            size = file.stat().st_size
            if size > MAX_FILE_BYTES:
                raise UnreadableImage(f"file too big: {size:,} bytes (limit {MAX_FILE_BYTES:,})")
            with file.open("rb") as handle:
                return handle.read(MAX_FILE_BYTES + 1)
        member = archive.getinfo(name)
        if member.flag_bits & 0x1:
            raise UnreadableImage("encrypted zip member")
        if member.file_size > MAX_ZIP_MEMBER_BYTES:
            raise UnreadableImage(
                f"file too big: {member.file_size:,} bytes (limit {MAX_ZIP_MEMBER_BYTES:,})"
            )
        try:
            with archive.open(member) as handle:
                data = handle.read(MAX_ZIP_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError) as error:
            raise UnreadableImage(f"damaged zip member: {error}") from error
        if len(data) > MAX_ZIP_MEMBER_BYTES:
            raise UnreadableImage(f"file too big (limit {MAX_ZIP_MEMBER_BYTES:,} bytes)")
        return data

    def _open_lazily(self, name: str, archive: zipfile.ZipFile | None) -> BinaryIO:
        if archive is not None:
            return archive.open(name)
        file = self.path / name
        if file.is_symlink():
            raise UnreadableImage("symbolic link (not followed)")
        return file.open("rb")

    def _open_archive(self) -> zipfile.ZipFile | None:
        return zipfile.ZipFile(self.path) if self.kind == "zip" else None

    def _detect_aligned(self) -> bool:
        """True when every photo whose header reads is exactly twice as wide as high."""
        archive = self._open_archive()
        readable = 0
        try:
            for name in self._names:
                if _skip_reason_for_name(name):
                    continue
                try:
                    with self._open_lazily(name, archive) as stream, Image.open(
                        stream, formats=ALLOWED_IMAGE_FORMATS
                    ) as image:  # reads the header only
                        width, height = image.size
                except Exception:  # unreadable files are reported when iterating
                    continue
                if width != 2 * height:
                    return False
                readable += 1
        finally:
            if archive is not None:
                archive.close()
        return readable > 0

    def _photo_and_sketch(self, image: Image.Image) -> tuple[Image.Image, Image.Image | None]:
        try:
            return photo_and_sketch(image, self.aligned)
        except UnreadableImage:
            raise
        except Exception as error:  # an odd pixel format Pillow cannot convert
            raise UnreadableImage(f"cannot convert {image.mode} image: {error}") from error

    def __iter__(self) -> Iterator[SourceItem]:
        self.skipped = []
        self.files_done = 0
        archive = self._open_archive()
        try:
            for name in self._names:
                try:
                    reason = _skip_reason_for_name(name)
                    if reason:
                        raise UnreadableImage(reason)
                    data = self._read_bytes(name, archive)
                    photo, sketch = self._photo_and_sketch(decode_image(data))
                except UnreadableImage as error:
                    self.skipped.append(SkippedFile(name, str(error)))
                    self.files_done += 1
                    continue
                except OSError as error:
                    self.skipped.append(SkippedFile(name, f"cannot read file: {error}"))
                    self.files_done += 1
                    continue
                self.files_done += 1
                yield SourceItem(name, hashlib.sha256(data).hexdigest(), photo, sketch)
        finally:
            if archive is not None:
                archive.close()
