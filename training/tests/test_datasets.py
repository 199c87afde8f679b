"""Dataset folders: round trip, deterministic split, no overwrite, never a half dataset."""
import json

import pytest
import torch
from PIL import Image, ImageOps

from training.datasets import (
    MANIFEST,
    DatasetExists,
    DatasetWriter,
    PairedDataset,
    split_for,
)


def pair(size=32, colour=(255, 0, 0)):
    sketch = Image.new("L", (size, size), 255)
    sketch.paste(0, (0, 0, size // 2, size))  # left half black
    return sketch, Image.new("RGB", (size, size), colour)


def new_writer(root, name="pandas", **options):
    return DatasetWriter(root, name, "panda", "canny", "/photos/pandas", {"image_size": 32},
                         **options)


def write_dataset(root, ids, name="pandas", **options):
    writer = new_writer(root, name, **options)
    for pair_id in ids:
        writer.add(pair_id, *pair(), source=f"{pair_id}.jpg", sha256="ab" * 32)
    return writer.close()


def test_written_pairs_read_back_as_tensors_in_the_agreed_ranges(tmp_path):
    writer = new_writer(tmp_path)
    writer.add("a1", *pair(colour=(255, 0, 0)), source="a.jpg", sha256="aa" * 32, split="train")
    writer.add("b2", *pair(colour=(0, 0, 255)), source="b.jpg", sha256="bb" * 32, split="val")
    writer.skip("c.jpg", "empty file")
    dataset_dir = writer.close()

    assert dataset_dir == tmp_path / "pandas"
    manifest = json.loads((dataset_dir / MANIFEST).read_text())
    assert manifest["name"] == "pandas" and manifest["category"] == "panda"
    assert manifest["edge_method"] == "canny" and manifest["source"] == "/photos/pandas"
    assert manifest["settings"] == {"image_size": 32} and manifest["created"]
    assert manifest["skipped"] == [{"file": "c.jpg", "reason": "empty file"}]
    assert manifest["pairs"][0] == {"id": "a1", "split": "train", "sketch": "sketch/a1.png",
                                    "photo": "photo/a1.png", "source": "a.jpg",
                                    "sha256": "aa" * 32}

    train = PairedDataset(dataset_dir, "train")
    item = train[0]
    assert len(train) == 1 and item["id"] == "a1"
    assert item["sketch"].shape == (1, 32, 32) and item["sketch"].dtype == torch.float32
    assert item["sketch"][0, 0, 0] == 0.0 and item["sketch"][0, 0, -1] == 1.0
    assert item["photo"].shape == (3, 32, 32)
    assert torch.equal(item["photo"][:, 5, 5], torch.tensor([1.0, -1.0, -1.0]))
    val = PairedDataset(dataset_dir, "val")
    assert [val[0]["id"]] == ["b2"]
    assert torch.equal(val[0]["photo"][:, 0, 0], torch.tensor([-1.0, -1.0, 1.0]))


def test_transform_sees_both_pil_images_before_tensor_conversion(tmp_path):
    dataset_dir = write_dataset(tmp_path, ["a1"], val_fraction=0.0)

    def mirror(sketch, photo):
        assert isinstance(sketch, Image.Image) and isinstance(photo, Image.Image)
        return ImageOps.mirror(sketch), ImageOps.mirror(photo)

    item = PairedDataset(dataset_dir, "train", transform=mirror)[0]
    assert item["sketch"][0, 0, 0] == 1.0 and item["sketch"][0, 0, -1] == 0.0


def test_split_depends_only_on_the_pair_id(tmp_path):
    ids = [f"photo-{index}" for index in range(100)]
    first = write_dataset(tmp_path, ids, name="forward", val_fraction=0.25)
    second = write_dataset(tmp_path, list(reversed(ids)), name="backward", val_fraction=0.25)

    def splits(dataset_dir):
        manifest = json.loads((dataset_dir / MANIFEST).read_text())
        return {pair["id"]: pair["split"] for pair in manifest["pairs"]}

    assert splits(first) == splits(second)
    assert splits(first) == {pair_id: split_for(pair_id, 0.25) for pair_id in ids}
    assert 12 <= list(splits(first).values()).count("val") <= 40


def test_at_least_one_pair_is_held_out_once_there_are_two(tmp_path):
    two = write_dataset(tmp_path, ["a1", "b2"], name="two", val_fraction=0.0)
    assert (len(PairedDataset(two, "train")), len(PairedDataset(two, "val"))) == (1, 1)
    one = write_dataset(tmp_path, ["a1"], name="one", val_fraction=0.0)
    assert (len(PairedDataset(one, "train")), len(PairedDataset(one, "val"))) == (1, 0)


def test_existing_dataset_is_not_overwritten_unless_asked(tmp_path):
    write_dataset(tmp_path, ["a1", "b2"])
    with pytest.raises(DatasetExists, match="already exists"):
        new_writer(tmp_path)

    replaced = write_dataset(tmp_path, ["c3"], overwrite=True)
    manifest = json.loads((replaced / MANIFEST).read_text())
    assert [entry["id"] for entry in manifest["pairs"]] == ["c3"]
    assert sorted(path.name for path in (replaced / "sketch").iterdir()) == ["c3.png"]
    assert [path.name for path in tmp_path.iterdir()] == ["pandas"]


def test_a_crash_while_writing_leaves_no_dataset_and_keeps_the_old_one(tmp_path):
    old = write_dataset(tmp_path, ["a1"])
    with pytest.raises(RuntimeError, match="power cut"):
        with new_writer(tmp_path, overwrite=True) as writer:
            writer.add("z9", *pair(), source="z.jpg", sha256="cd" * 32)
            raise RuntimeError("power cut")
    assert [entry["id"] for entry in json.loads((old / MANIFEST).read_text())["pairs"]] == ["a1"]
    assert [path.name for path in tmp_path.iterdir()] == ["pandas"]


def test_unfinished_dataset_has_no_manifest_and_no_final_folder(tmp_path):
    writer = new_writer(tmp_path, name="unfinished")
    writer.add("a1", *pair(), source="a.jpg", sha256="ab" * 32)
    assert not (tmp_path / "unfinished").exists()
    assert not list(tmp_path.rglob(MANIFEST))
    writer.abort()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../escape", "a/b", "", ".hidden", "x" * 65])
def test_unsafe_dataset_names_are_refused(tmp_path, name):
    with pytest.raises(ValueError, match="dataset name"):
        new_writer(tmp_path, name=name)


def test_bad_pairs_are_refused(tmp_path):
    writer = new_writer(tmp_path)
    with pytest.raises(ValueError, match="pair id"):
        writer.add("../a", *pair(), source="a.jpg", sha256="ab" * 32)
    writer.add("a1", *pair(), source="a.jpg", sha256="ab" * 32)
    with pytest.raises(ValueError, match="already added"):
        writer.add("a1", *pair(), source="a.jpg", sha256="ab" * 32)
    with pytest.raises(ValueError, match="differ in size"):
        writer.add("b2", pair()[0], pair(size=16)[1], source="b.jpg", sha256="ab" * 32)
    with pytest.raises(ValueError, match="split"):
        writer.add("c3", *pair(), source="c.jpg", sha256="ab" * 32, split="test")
    writer.abort()


def test_manifest_pointing_outside_the_dataset_is_refused(tmp_path):
    dataset_dir = write_dataset(tmp_path, ["a1"], val_fraction=0.0)
    manifest = json.loads((dataset_dir / MANIFEST).read_text())
    manifest["pairs"][0]["photo"] = "../../etc/passwd"
    (dataset_dir / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(ValueError, match="outside"):
        PairedDataset(dataset_dir, "train")
