"""PatchGAN discriminator: the seed size, and receptive fields by formula and by gradients."""
import pytest
import torch

from inference.networks import count_parameters
from training.discriminators import PatchDiscriminator, receptive_field


def test_seed_patchgan_on_sketch_and_picture_has_exactly_2765761_parameters():
    assert count_parameters(PatchDiscriminator(in_channels=4, ndf=64, n_layers=3)) == 2_765_761


def test_seed_parameter_count_needs_bias_in_convs_followed_by_instance_norm():
    # By hand: 4x4 convs 4->64 (+bias), 64->128, 128->256, 256->512 (each + bias), 512->1 (+bias).
    weights = 16 * (4 * 64 + 64 * 128 + 128 * 256 + 256 * 512 + 512 * 1)
    normed_biases = 128 + 256 + 512
    assert weights + 64 + normed_biases + 1 == 2_765_761
    assert weights + 64 + 1 == 2_765_761 - normed_biases  # without them the count would miss


def test_seed_patchgan_scores_30x30_patches_of_a_256_pair():
    scores = PatchDiscriminator(in_channels=4, ndf=8)(torch.zeros(1, 4, 256, 256))
    assert scores.shape == (1, 1, 30, 30)


def _receptive_field_by_recurrence(n_layers: int) -> int:
    """Independently: r_in = r_out * stride + (kernel - stride), walking back from the output."""
    if n_layers == 0:
        return 1  # PixelGAN: 1x1 convs only
    layout = [(4, 2)] * n_layers + [(4, 1), (4, 1)]
    field = 1
    for kernel, stride in reversed(layout):
        field = field * stride + kernel - stride
    return field


@pytest.mark.parametrize(("n_layers", "expected"), [(0, 1), (1, 16), (3, 70), (5, 286)])
def test_n_layers_sets_the_receptive_field(n_layers, expected):
    assert _receptive_field_by_recurrence(n_layers) == expected
    assert receptive_field(n_layers) == expected
    assert PatchDiscriminator(n_layers=n_layers).receptive_field == expected


@pytest.mark.parametrize(("n_layers", "size"), [(0, 8), (1, 48), (3, 160), (5, 576)])
def test_one_score_depends_on_exactly_its_receptive_field(n_layers, size):
    """Measured: the input pixels with a nonzero gradient for one central score form a square of
    side receptive_field(n_layers). No normalisation here: InstanceNorm mixes the whole image."""
    torch.manual_seed(0)
    critic = PatchDiscriminator(in_channels=1, ndf=2, n_layers=n_layers, norm="none").double()
    pair = torch.randn(1, 1, size, size, dtype=torch.double, requires_grad=True)
    scores = critic(pair)
    height, width = scores.shape[-2:]
    scores[0, 0, height // 2, width // 2].backward()
    touched = pair.grad[0, 0].abs() > 0
    rows = touched.any(dim=1).nonzero()
    columns = touched.any(dim=0).nonzero()
    assert int(rows.max() - rows.min() + 1) == receptive_field(n_layers)
    assert int(columns.max() - columns.min() + 1) == receptive_field(n_layers)


def test_bad_discriminator_options_are_refused():
    with pytest.raises(ValueError, match="n_layers"):
        PatchDiscriminator(n_layers=-1)
    with pytest.raises(ValueError, match="norm"):
        PatchDiscriminator(norm="group")
