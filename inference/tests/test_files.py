"""write_atomically: readers see the old file or the new one, with the permissions open() gives."""
import os
import stat

import pytest

from inference.files import write_atomically, write_text_atomically


def test_the_file_is_readable_by_others_as_the_umask_allows(tmp_path):
    # Workers may run as another user than the trainer that wrote the model.
    previous = os.umask(0o022)
    try:
        write_text_atomically(tmp_path / "card.json", "{}")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / "card.json").stat().st_mode) == 0o644


def test_a_failed_write_keeps_the_old_file_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "ACTIVE"
    write_text_atomically(path, "world-1\n")

    def half_write_then_fail(temporary):
        temporary.write_text("wor")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, half_write_then_fail)
    assert path.read_text() == "world-1\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ACTIVE"]


def test_it_makes_the_folder_and_replaces_an_existing_file(tmp_path):
    path = tmp_path / "models" / "panda" / "ACTIVE"
    write_text_atomically(path, "world-1\n")
    write_text_atomically(path, "world-2\n")
    assert path.read_text() == "world-2\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["ACTIVE"]
