"""Model registry: safetensors round trip, what is never served, promotion, names, no pickles."""
import json
import logging
import pickle
import threading

import numpy as np
import pytest
import torch
from PIL import Image
from safetensors.torch import load_file, save_file

from inference.networks import ResnetGenerator, init_weights
from inference.precision import serving_dtype
from inference.rasterize import rasterize, rasterize_hints, to_tensor
from inference.registry import (
    STILL_LEARNING,
    ModelUnavailable,
    Registry,
    as_served_input,
    get_registry,
    prepare_for_inference,
    read_card,
    save_model,
    set_active_version,
)
from inference.testing import INK_RGB, PAPER_RGB, make_trained_model
from inference.threads import torch_threads

TINY = {"ngf": 4, "n_blocks": 1}
CARD = {"architecture": "resnet", "arguments": TINY, "dataset": {"name": "none"},
        "edge_method": "none", "training": {"steps": 5, "command": "test"}, "metrics": {}}
SKETCH = rasterize([{"points": [[0.1, 0.1], [0.9, 0.8]], "size": 6, "tool": "pen"},
                    {"points": [[0.3, 0.7]], "size": 20, "tool": "pen"}])


def _tiny_generator(seed=0):
    torch.manual_seed(seed)
    return init_weights(ResnetGenerator(**TINY), std=0.2).eval()


@pytest.fixture
def models_dir(tmp_path):
    return tmp_path / "models"


@pytest.fixture
def registry(models_dir):
    return Registry(models_dir, device="cpu")


def test_float32_round_trip_gives_identical_weights_and_pictures(models_dir, registry,
                                                                 monkeypatch):
    monkeypatch.setenv("SERVE_PRECISION", "fp32")  # served as stored, bit for bit
    generator = _tiny_generator()
    save_model(models_dir, "panda", "v1", generator, CARD, dtype=torch.float32)
    set_active_version(models_dir, "panda", "v1")
    loaded = registry.load("panda")
    original, restored = generator.state_dict(), loaded.module.state_dict()
    assert original.keys() == restored.keys()
    assert all(torch.equal(original[name], restored[name]) for name in original)
    cpu = torch.device("cpu")
    batch = as_served_input(to_tensor(SKETCH), cpu)
    served_original = prepare_for_inference(generator, cpu)  # same layout, so the same kernels
    with torch.inference_mode():
        assert torch.equal(loaded.module(batch), served_original(batch))


def test_weights_are_stored_as_float16_by_default_and_served_in_the_cpus_dtype(
        models_dir, registry):
    generator = _tiny_generator()
    path = save_model(models_dir, "car", "v1", generator, CARD)
    set_active_version(models_dir, "car", "v1")
    assert {tensor.dtype for tensor in load_file(path).values()} == {torch.float16}
    assert read_card(path)["dtype"] == "float16"
    module = registry.load("car").module
    served = serving_dtype(torch.device("cpu"))
    assert {parameter.dtype for parameter in module.parameters()} == {served}
    rounded = {name: tensor.half().to(served) for name, tensor in generator.state_dict().items()}
    assert all(torch.equal(rounded[name], tensor) for name, tensor in module.state_dict().items())


def test_generate_makes_a_256_rgb_picture_that_follows_the_training_colours(
        models_dir, registry):
    make_trained_model(models_dir, "shoe", version="test-1", steps=30)
    picture = registry.generate("shoe", SKETCH)
    assert picture.version == "test-1" and picture.model_ms > 0
    assert picture.image.mode == "RGB" and picture.image.size == (256, 256)
    pixels, sketch = np.asarray(picture.image, dtype=float), np.asarray(SKETCH)
    paper, ink = pixels[sketch == 255].mean(axis=0), pixels[sketch == 0].mean(axis=0)
    assert np.abs(paper - PAPER_RGB).max() < 60  # yellow paper
    assert np.abs(ink - INK_RGB).max() < 60  # blue lines


def test_category_without_any_model_is_still_learning(registry):
    with pytest.raises(ModelUnavailable) as raised:
        registry.generate("gemstone", SKETCH)
    assert raised.value.reason == STILL_LEARNING
    assert registry.active_version("gemstone") is None


def test_untrained_model_is_never_served(models_dir, registry):
    make_trained_model(models_dir, "space", version="v0", steps=0)
    assert registry.active_version("space") == "v0"
    with pytest.raises(ModelUnavailable) as raised:
        registry.generate("space", SKETCH)
    assert raised.value.reason == STILL_LEARNING
    assert "untrained" in raised.value.detail


@pytest.mark.parametrize("damage", ["garbage", "truncated", "wrong_shapes", "bad_card", "nan"])
def test_corrupt_model_is_still_learning_to_the_child_and_logged(
        models_dir, registry, caplog, damage):
    path = save_model(models_dir, "panda", "v1", _tiny_generator(), CARD)
    set_active_version(models_dir, "panda", "v1")
    card_path = path.with_suffix(".json")
    if damage == "garbage":
        path.write_bytes(b"\x00not a safetensors file" * 10)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "wrong_shapes":
        card_path.write_text(json.dumps({**read_card(card_path),
                                         "arguments": {"ngf": 8, "n_blocks": 1}}))
    elif damage == "bad_card":
        card_path.write_text("{not json")
    else:
        state = load_file(path)
        state["model.1.bias"][0] = float("nan")
        save_file(state, path)
    with caplog.at_level(logging.ERROR, logger="inference.registry"):
        with pytest.raises(ModelUnavailable) as raised:
            registry.generate("panda", SKETCH)
    assert raised.value.reason == STILL_LEARNING
    assert any("panda/v1" in record.getMessage() for record in caplog.records)


def test_pickle_in_place_of_weights_is_never_unpickled(models_dir, registry, tmp_path):
    marker = tmp_path / "unpickled"
    payload = pickle.dumps(_TouchOnUnpickle(str(marker)))
    pickle.loads(payload)  # prove the payload is live: unpickling it touches the marker
    assert marker.exists()
    marker.unlink()
    path = save_model(models_dir, "car", "v1", _tiny_generator(), CARD)
    set_active_version(models_dir, "car", "v1")
    path.write_bytes(payload)
    with pytest.raises(ModelUnavailable):
        registry.generate("car", SKETCH)
    assert not marker.exists()


class _TouchOnUnpickle:
    def __init__(self, path):
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_promoted_version_is_served_from_the_next_picture_without_restart(
        models_dir, registry):
    make_trained_model(models_dir, "panda", version="v1", steps=10)
    assert registry.generate("panda", SKETCH).version == "v1"
    save_model(models_dir, "panda", "v2", _tiny_generator(seed=1), CARD)
    assert registry.generate("panda", SKETCH).version == "v1"  # saved, not yet promoted
    set_active_version(models_dir, "panda", "v2")
    assert registry.generate("panda", SKETCH).version == "v2"


def test_loaded_model_is_cached_until_its_file_changes(models_dir, registry):
    save_model(models_dir, "panda", "v1", _tiny_generator(), CARD)
    set_active_version(models_dir, "panda", "v1")
    first = registry.load("panda")
    assert registry.load("panda") is first
    save_model(models_dir, "panda", "v1", _tiny_generator(seed=1), CARD)
    assert registry.load("panda") is not first


def test_concurrent_first_requests_load_the_model_once(models_dir, registry, caplog):
    save_model(models_dir, "panda", "v1", _tiny_generator(), CARD)
    set_active_version(models_dir, "panda", "v1")
    modules = []
    with caplog.at_level(logging.INFO, logger="inference.registry"):
        threads = [threading.Thread(target=lambda: modules.append(registry.load("panda").module))
                   for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(modules) == 4 and all(module is modules[0] for module in modules)
    assert sum("loaded model" in record.getMessage() for record in caplog.records) == 1


@pytest.mark.parametrize("category", ["dragon", "../panda", "", "PANDA"])
def test_unknown_categories_are_rejected(registry, models_dir, category):
    with pytest.raises(ValueError, match="category"):
        registry.load(category)
    with pytest.raises(ValueError, match="category"):
        save_model(models_dir, category, "v1", _tiny_generator(), CARD)


@pytest.mark.parametrize("version", ["../car/v1", "..", "/etc/passwd", "v1/../../x", ".hidden",
                                     "v" * 65, "v1\n", ""])
def test_versions_that_are_not_plain_names_are_rejected(registry, models_dir, version):
    with pytest.raises(ValueError, match="version"):
        registry.load("panda", version)
    with pytest.raises(ValueError, match="version"):
        save_model(models_dir, "panda", version, _tiny_generator(), CARD)


def test_active_file_naming_a_path_is_ignored(models_dir, registry):
    save_model(models_dir, "car", "v1", _tiny_generator(), CARD)
    (models_dir / "panda").mkdir(parents=True)
    (models_dir / "panda" / "ACTIVE").write_text("../car/v1")
    assert registry.active_version("panda") is None
    with pytest.raises(ModelUnavailable):
        registry.generate("panda", SKETCH)


def test_saving_refuses_weights_that_do_not_fit_the_card(models_dir):
    with pytest.raises(ValueError, match="shape"):
        save_model(models_dir, "panda", "v1", _tiny_generator(),
                   {**CARD, "arguments": {"ngf": 8, "n_blocks": 1}})
    with pytest.raises(ValueError, match="architecture"):
        save_model(models_dir, "panda", "v1", _tiny_generator(), {**CARD, "architecture": "gan"})
    assert not (models_dir / "panda" / "v1.safetensors").exists()


def test_saving_refuses_weights_that_overflow_float16(models_dir):
    generator = _tiny_generator()
    with torch.no_grad():
        generator.model[1].weight[0, 0, 0, 0] = 1e6
    with pytest.raises(ValueError, match="not finite"):
        save_model(models_dir, "panda", "v1", generator, CARD)


def test_failed_save_leaves_no_partial_files(models_dir, monkeypatch):
    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("inference.registry.save_file", crash)
    with pytest.raises(OSError, match="disk full"):
        save_model(models_dir, "panda", "v1", _tiny_generator(), CARD)
    assert list((models_dir / "panda").iterdir()) == []


def test_generate_rejects_sketches_of_the_wrong_kind(models_dir, registry):
    make_trained_model(models_dir, "panda", steps=1)
    with pytest.raises(ValueError, match="sketch"):
        registry.generate("panda", Image.new("RGB", (256, 256)))
    with pytest.raises(ValueError, match="sketch"):
        registry.generate("panda", Image.new("L", (128, 128)))


def test_device_is_cuda_when_present_else_cpu_and_bad_names_are_rejected(models_dir):
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert Registry(models_dir).device.type == expected
    assert Registry(models_dir, "cpu").device.type == "cpu"
    with pytest.raises(ValueError, match="device"):
        Registry(models_dir, "toaster")
    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match="CUDA"):
            Registry(models_dir, "cuda")


def test_get_registry_is_one_per_process_and_follows_settings(settings, tmp_path):
    settings.MODELS_DIR = tmp_path / "a"
    settings.INFERENCE_DEVICE = "cpu"
    first = get_registry()
    assert get_registry() is first
    assert first.models_dir == tmp_path / "a" and first.device.type == "cpu"
    settings.MODELS_DIR = tmp_path / "b"
    assert get_registry().models_dir == tmp_path / "b"


HINTED = {**TINY, "in_channels": 5}
RED_SCRIBBLE = [{"points": [[0.1, 0.1], [0.9, 0.8]], "size": 6, "tool": "pen"},
                {"points": [[0.3, 0.3], [0.6, 0.3]], "size": 12, "tool": "pen", "color": "red"}]


def test_a_hint_model_sees_the_colour_hints_and_a_sketch_model_ignores_them(models_dir, registry):
    torch.manual_seed(1)
    hinted = init_weights(ResnetGenerator(**HINTED), std=0.2).eval()
    save_model(models_dir, "car", "hints-1", hinted,
               {**CARD, "arguments": HINTED, "input": "sketch+hints"}, dtype=torch.float32)
    set_active_version(models_dir, "car", "hints-1")
    sketch = rasterize(RED_SCRIBBLE)
    hints = rasterize_hints(RED_SCRIBBLE)
    with_hints = np.asarray(registry.generate("car", sketch, hints=hints).image)
    without = np.asarray(registry.generate("car", sketch).image)
    assert not np.array_equal(with_hints, without)
    batch = as_served_input(torch.cat([to_tensor(sketch), torch.from_numpy(hints)[None]], dim=1),
                            torch.device("cpu"))
    with torch.inference_mode():  # the same layout as served, so the same kernels
        expected = prepare_for_inference(hinted, torch.device("cpu"))(batch)
    expected = ((expected[0].float() + 1) * 127.5).round().clamp(0, 255).byte()
    expected = expected.permute(1, 2, 0).numpy()
    assert np.array_equal(with_hints, expected)
    # no hints is the same as hint channels of zeros
    zeros = np.zeros_like(hints)
    assert np.array_equal(without, np.asarray(registry.generate("car", sketch, zeros).image))

    save_model(models_dir, "panda", "plain-1", _tiny_generator(), CARD, dtype=torch.float32)
    set_active_version(models_dir, "panda", "plain-1")
    assert np.array_equal(np.asarray(registry.generate("panda", sketch, hints=hints).image),
                          np.asarray(registry.generate("panda", sketch).image))


def test_a_card_asking_for_other_input_channels_is_still_learning(models_dir, registry):
    odd = {**TINY, "in_channels": 3}
    torch.manual_seed(0)
    save_model(models_dir, "shoe", "odd-1", ResnetGenerator(**odd), {**CARD, "arguments": odd})
    set_active_version(models_dir, "shoe", "odd-1")
    with pytest.raises(ModelUnavailable) as raised:
        registry.generate("shoe", SKETCH)
    assert raised.value.reason == STILL_LEARNING and "input channels" in raised.value.detail


def test_hints_of_the_wrong_shape_are_refused(models_dir, registry):
    save_model(models_dir, "car", "hints-1", ResnetGenerator(**HINTED),
               {**CARD, "arguments": HINTED}, dtype=torch.float32)
    set_active_version(models_dir, "car", "hints-1")
    with pytest.raises(ValueError, match="hints must be"):
        registry.generate("car", SKETCH, hints=np.zeros((4, 64, 64), np.float32))
    with pytest.raises(ValueError, match="1 hints for 2 sketches"):
        registry.generate_batch("car", [SKETCH, SKETCH], [None])


def test_a_batch_mixing_coloured_and_plain_drawings_gives_each_its_own_picture(
        models_dir, registry, on_one_torch_thread):
    torch.manual_seed(1)
    save_model(models_dir, "car", "hints-1", init_weights(ResnetGenerator(**HINTED), std=0.2),
               {**CARD, "arguments": HINTED}, dtype=torch.float32)
    set_active_version(models_dir, "car", "hints-1")
    sketch, hints = rasterize(RED_SCRIBBLE), rasterize_hints(RED_SCRIBBLE)
    together = registry.generate_batch("car", [sketch, sketch], [hints, None])
    assert np.array_equal(np.asarray(together[0].image),
                          np.asarray(registry.generate("car", sketch, hints).image))
    assert np.array_equal(np.asarray(together[1].image),
                          np.asarray(registry.generate("car", sketch).image))


def four_sketches() -> list:
    return [rasterize([{"points": [[0.1, 0.1 + 0.2 * n], [0.9, 0.8 - 0.1 * n]],
                        "size": 3 + 4 * n, "tool": "pen"}]) for n in range(4)]


def test_a_batch_of_sketches_gives_the_pictures_each_sketch_gives_alone(models_dir, registry,
                                                                        on_one_torch_thread):
    make_trained_model(models_dir, "panda")
    sketches = four_sketches()
    alone = [registry.generate("panda", sketch) for sketch in sketches]
    together = registry.generate_batch("panda", sketches)
    assert len({picture.image.tobytes() for picture in alone}) == 4  # four different pictures
    for one, batched in zip(alone, together, strict=True):
        assert np.array_equal(np.asarray(one.image), np.asarray(batched.image))
        assert batched.version == one.version == "test-1"
        assert batched.model_ms > 0


def test_a_batch_on_several_threads_differs_from_single_sketches_only_by_float_rounding(
        models_dir, registry):
    """With several threads the sums run in another order; the pictures still agree to well
    under a level on average (the generator's InstanceNorm amplifies rounding in flat areas)."""
    make_trained_model(models_dir, "panda")
    sketches = four_sketches()
    with torch_threads(2):
        alone = [np.asarray(registry.generate("panda", s).image, dtype=np.int16)
                 for s in sketches]
        together = registry.generate_batch("panda", sketches)
    for one, batched in zip(alone, together, strict=True):
        difference = np.abs(one - np.asarray(batched.image, dtype=np.int16))
        assert difference.mean() < 1.0
