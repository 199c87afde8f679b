"""Write a file all at once: into a temporary file beside it, flushed to disk, then renamed."""
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Call write(temporary_path), then move the finished file to `path` in one step, so a reader
    (a worker loading a model, a trainer resuming) sees the old file or the new one, never half."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    # Created like open() would (0o666 less the umask), not owner-only like mkstemp, so workers
    # running as another user can read the models and cards it writes.
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    mode = os.stat(temporary).st_mode
    try:
        write(temporary)
        # A writer may replace the file instead of filling it (safetensors' save_file makes its
        # own, owner-only): the finished file gets the mode it was created with.
        os.chmod(temporary, mode)
        with open(temporary, "rb") as written:
            os.fsync(written.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)


def write_text_atomically(path: Path, text: str) -> None:
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))


def new_folder(parent: Path, prefix: str) -> Path:
    """A new, empty folder parent/<prefix><random>, made like mkdir makes folders (0o777 less the
    umask), not owner-only like tempfile.mkdtemp: it may become a folder others read."""
    Path(parent).mkdir(parents=True, exist_ok=True)
    while True:
        folder = Path(parent) / f"{prefix}{secrets.token_hex(4)}"
        try:
            folder.mkdir()
        except FileExistsError:
            continue
        return folder
