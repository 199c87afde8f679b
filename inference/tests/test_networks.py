"""Generator networks: sizes of the seed and preset configurations, shapes, ranges, bad input."""
import pytest
import torch
from torch import nn

from inference.networks import (
    GENERATOR_PRESETS,
    InstanceNorm,
    ResnetGenerator,
    UnetGenerator,
    build_generator,
    count_parameters,
    init_weights,
)


def _count_without_allocating(architecture, **arguments):
    with torch.device("meta"):
        return count_parameters(build_generator(architecture, **arguments))


def _run(generator, batch):
    with torch.inference_mode():
        return generator.eval()(batch)


def test_seed_generator_has_exactly_11_371_907_parameters():
    with torch.device("meta"):
        seed = ResnetGenerator(in_channels=1, out_channels=3, ngf=64, n_blocks=9)
    assert count_parameters(seed) == 11_371_907


@pytest.mark.parametrize(("preset", "parameters"), [
    ("resnet9", 11_371_907),
    ("unet256", 54_407_555),  # pix2pix unet_256, InstanceNorm (conv biases on), 1-channel input
    ("medium", 1_961_923),
    ("small", 492_515),
])
def test_presets_have_their_documented_sizes(preset, parameters):
    architecture, arguments = GENERATOR_PRESETS[preset]
    assert _count_without_allocating(architecture, **arguments) == parameters


def test_seed_generator_norms_have_no_learned_scale_and_pad_by_reflection():
    with torch.device("meta"):
        seed = ResnetGenerator()
    norms = [layer for layer in seed.modules() if isinstance(layer, InstanceNorm)]
    assert norms and not any(norm.affine for norm in norms)
    assert not any(isinstance(layer, nn.ZeroPad2d) for layer in seed.modules())
    assert sum(isinstance(layer, nn.ReflectionPad2d) for layer in seed.modules()) == 2 + 2 * 9
    assert sum(isinstance(layer, nn.ConvTranspose2d) for layer in seed.modules()) == 2


@pytest.mark.parametrize("preset", ["small", "medium"])
def test_small_presets_turn_a_sketch_batch_into_pictures_in_tanh_range(preset):
    torch.manual_seed(0)
    architecture, arguments = GENERATOR_PRESETS[preset]
    pictures = _run(build_generator(architecture, **arguments), torch.rand(2, 1, 32, 48))
    assert pictures.shape == (2, 3, 32, 48)
    assert pictures.min() >= -1 and pictures.max() <= 1
    assert pictures.std() > 0.01  # a real picture, not a constant


def test_resnet_downsampling_sets_the_block_width_and_the_size_multiple():
    torch.manual_seed(0)
    generator = ResnetGenerator(ngf=4, n_blocks=2, n_downsampling=3)
    strided = [layer for layer in generator.modules()
               if isinstance(layer, nn.Conv2d) and layer.stride == (2, 2)]
    assert [layer.out_channels for layer in strided] == [8, 16, 32]
    assert sum(isinstance(layer, nn.ConvTranspose2d) for layer in generator.modules()) == 3
    assert _run(generator, torch.rand(1, 1, 40, 24)).shape == (1, 3, 40, 24)
    with pytest.raises(ValueError, match="multiples of 8"):
        generator(torch.rand(1, 1, 36, 36))  # a multiple of 4 is not enough for 3 halvings


def test_resnet_with_the_default_downsampling_keeps_the_seed_weight_names():
    """Weights saved before n_downsampling existed must load into today's default build."""
    with torch.device("meta"):
        default = ResnetGenerator(ngf=16, n_blocks=6).state_dict()
    names = [name for name in default if name.endswith(".weight")]
    assert names[:3] == ["model.1.weight", "model.4.weight", "model.7.weight"]
    assert names[-3:] == ["model.16.weight", "model.19.weight", "model.23.weight"]


def test_resnet_output_stays_in_range_for_extreme_input():
    torch.manual_seed(0)
    generator = init_weights(ResnetGenerator(ngf=4, n_blocks=1), std=1.0)
    pictures = _run(generator, torch.full((1, 1, 16, 16), 1e4))
    assert pictures.shape == (1, 3, 16, 16)
    assert torch.isfinite(pictures).all() and pictures.abs().max() <= 1


def test_unet_256_maps_a_256_sketch_to_a_256_picture():
    torch.manual_seed(0)
    pictures = _run(UnetGenerator(ngf=2, num_downs=8), torch.rand(1, 1, 256, 256))
    assert pictures.shape == (1, 3, 256, 256)
    assert pictures.min() >= -1 and pictures.max() <= 1


def test_unet_dropout_is_off_by_default_and_on_the_inner_layers_when_asked():
    def dropouts(generator):
        return sum(isinstance(layer, nn.Dropout) for layer in generator.modules())

    with torch.device("meta"):
        assert dropouts(UnetGenerator()) == 0
        assert dropouts(UnetGenerator(dropout=True)) == 3  # like pix2pix unet_256


@pytest.mark.parametrize(("generator", "shape"), [
    (ResnetGenerator(ngf=4, n_blocks=1), (1, 3, 16, 16)),
    (ResnetGenerator(ngf=4, n_blocks=1), (1, 1, 18, 16)),
    (UnetGenerator(ngf=4, num_downs=5), (1, 1, 48, 48)),
    (UnetGenerator(ngf=4, num_downs=5), (1, 32, 32)),
])
def test_generators_reject_input_they_cannot_map_back_to_its_size(generator, shape):
    with pytest.raises(ValueError):
        generator(torch.rand(*shape))


def test_build_generator_rejects_unknown_architecture_and_arguments():
    with pytest.raises(ValueError, match="architecture"):
        build_generator("transformer")
    with pytest.raises(ValueError, match="resnet"):
        build_generator("resnet", depth=3)
    with pytest.raises(ValueError, match="ngf"):
        build_generator("resnet", ngf=0)


def test_init_weights_draws_conv_weights_from_a_narrow_normal_and_zeroes_biases():
    torch.manual_seed(0)
    generator = init_weights(ResnetGenerator(ngf=16, n_blocks=2), std=0.02)
    convs = [layer for layer in generator.modules()
             if isinstance(layer, nn.Conv2d | nn.ConvTranspose2d)]
    weights = torch.cat([conv.weight.flatten() for conv in convs])
    assert weights.std().item() == pytest.approx(0.02, rel=0.05)
    assert weights.mean().abs() < 0.002
    assert all(conv.bias.abs().max() == 0 for conv in convs)


@pytest.mark.parametrize("shape", [(2, 8, 16, 24), (1, 3, 5, 7)])
def test_instance_norm_gives_instance_norm2d_values_and_gradients(shape):
    torch.manual_seed(0)
    x = (torch.randn(shape) * 3 + 2).requires_grad_()
    reference = x.detach().clone().requires_grad_()
    ours, theirs = InstanceNorm(shape[1])(x), nn.InstanceNorm2d(shape[1])(reference)
    assert torch.allclose(ours, theirs, atol=1e-5)
    weights = torch.randn(shape)
    (ours * weights).sum().backward()
    (theirs * weights).sum().backward()
    assert torch.allclose(x.grad, reference.grad, atol=1e-4)
    assert not list(InstanceNorm(shape[1]).state_dict())  # nothing to save: old weights load


def test_seed_state_dict_is_the_same_with_either_norm():
    with torch.device("meta"):
        seed = ResnetGenerator()
        keys = list(seed.state_dict())
        for module in seed.modules():
            for name, child in module.named_children():
                if isinstance(child, InstanceNorm):
                    setattr(module, name, nn.InstanceNorm2d(child.num_channels))
    assert list(seed.state_dict()) == keys
