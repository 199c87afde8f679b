"""GAN losses: every mode rewards the right calls; the gradient penalty measures the slope."""
import pytest
import torch
from torch import nn

from training.losses import GAN_MODES, GANLoss, gradient_penalty, l1_term


def says(mode: str, real: bool) -> torch.Tensor:
    """Scores of a confident discriminator: 1/0 for least squares, large logits otherwise."""
    if mode == "lsgan":
        return torch.full((2, 1, 4, 4), 1.0 if real else 0.0)
    return torch.full((2, 1, 4, 4), 3.0 if real else -3.0)


@pytest.mark.parametrize("mode", GAN_MODES)
def test_discriminator_loss_is_lower_when_it_calls_real_real_and_fake_fake(mode):
    loss = GANLoss(mode)
    right = loss.discriminator_loss(says(mode, real=True), says(mode, real=False))
    wrong = loss.discriminator_loss(says(mode, real=False), says(mode, real=True))
    assert right < wrong


@pytest.mark.parametrize("mode", GAN_MODES)
def test_generator_loss_is_lower_when_the_discriminator_is_fooled(mode):
    loss = GANLoss(mode)
    assert loss.generator_loss(says(mode, real=True)) < loss.generator_loss(says(mode, real=False))


def test_lsgan_is_zero_for_a_perfect_discriminator_and_halved_for_d():
    loss = GANLoss("lsgan")
    assert loss.discriminator_loss(torch.ones(3), torch.zeros(3)).item() == 0.0
    # Everything called 0.5: each side is off by 0.5 -> (0.25 + 0.25) / 2.
    assert loss.discriminator_loss(torch.full((3,), 0.5), torch.full((3,), 0.5)).item() == 0.25


def test_vanilla_matches_binary_cross_entropy_on_logits():
    real, fake = torch.tensor([2.0, -1.0]), torch.tensor([0.5, -3.0])
    expected = 0.5 * (nn.functional.softplus(-real).mean() + nn.functional.softplus(fake).mean())
    assert torch.allclose(GANLoss("vanilla").discriminator_loss(real, fake), expected)


def test_wgan_critic_loss_is_the_score_gap():
    real, fake = torch.tensor([2.0, 4.0]), torch.tensor([1.0, -1.0])
    assert GANLoss("wgangp").discriminator_loss(real, fake).item() == pytest.approx(-3.0)
    assert GANLoss("wgangp").generator_loss(fake).item() == pytest.approx(0.0)


def test_unknown_gan_mode_is_refused():
    with pytest.raises(ValueError, match="lsgan"):
        GANLoss("hinge")


class LinearCritic(nn.Module):
    """Critic x -> <w, x>: its gradient is w everywhere, so its Lipschitz constant is ||w||."""

    def __init__(self, shape, norm: float):
        super().__init__()
        direction = torch.randn(shape, generator=torch.Generator().manual_seed(3))
        self.w = nn.Parameter(direction / direction.norm() * norm)

    def forward(self, x):
        return (x * self.w).flatten(1).sum(dim=1)


def test_gradient_penalty_is_zero_for_a_1_lipschitz_critic():
    critic = LinearCritic((4, 8, 8), norm=1.0)
    real, fake = torch.randn(5, 4, 8, 8), torch.randn(5, 4, 8, 8)
    assert gradient_penalty(critic, real, fake).item() == pytest.approx(0.0, abs=1e-6)


def test_gradient_penalty_grows_as_the_square_of_the_excess_slope():
    critic = LinearCritic((4, 8, 8), norm=3.0)
    real, fake = torch.randn(5, 4, 8, 8), torch.randn(5, 4, 8, 8)
    # weight * (||w|| - 1)^2 = 10 * 4
    assert gradient_penalty(critic, real, fake, weight=10.0).item() == pytest.approx(40.0, rel=1e-5)


def test_gradient_penalty_trains_the_critic_towards_unit_slope():
    critic = LinearCritic((1, 4, 4), norm=3.0)
    real, fake = torch.randn(2, 1, 4, 4), torch.randn(2, 1, 4, 4)
    gradient_penalty(critic, real, fake).backward()
    # d/dw of 10 * (||w|| - 1)^2 points along w: a gradient step shrinks ||w||.
    assert torch.dot(critic.w.grad.flatten(), critic.w.detach().flatten()) > 0


def test_l1_term_is_lambda_times_mean_absolute_difference():
    fake, real = torch.zeros(1, 3, 2, 2), torch.full((1, 3, 2, 2), 0.5)
    assert l1_term(fake, real).item() == pytest.approx(5.0)  # default lambda 10
    assert l1_term(fake, real, weight=2.0).item() == pytest.approx(1.0)
