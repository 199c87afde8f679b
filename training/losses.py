"""GAN objectives (LSGAN, vanilla, WGAN-GP), the WGAN gradient penalty and the weighted L1 term."""
import torch
import torch.nn.functional as F
from torch import nn

GAN_MODES = ("lsgan", "vanilla", "wgangp")
DEFAULT_LAMBDA_L1 = 10.0  # the seed recipe (DESIGN.md); pix2pix's paper used 100
DEFAULT_LAMBDA_GP = 10.0


class GANLoss(nn.Module):
    """Adversarial loss on raw discriminator scores.

    lsgan: least squares against targets 1 (real) and 0 (fake).
    vanilla: binary cross-entropy on logits (the original GAN, non-saturating for G).
    wgangp: Wasserstein critic scores; add gradient_penalty to the critic loss.
    Scores are computed in float32 whatever precision the discriminator ran in.
    """

    def __init__(self, mode: str = "lsgan"):
        super().__init__()
        if mode not in GAN_MODES:
            raise ValueError(f"gan mode must be one of {GAN_MODES}, got {mode!r}")
        self.mode = mode

    def _against(self, scores: torch.Tensor, real: bool) -> torch.Tensor:
        scores = scores.float()
        if self.mode == "wgangp":
            return -scores.mean() if real else scores.mean()
        target = torch.full_like(scores, 1.0 if real else 0.0)
        if self.mode == "lsgan":
            return F.mse_loss(scores, target)
        return F.binary_cross_entropy_with_logits(scores, target)

    def discriminator_loss(self, real_scores: torch.Tensor, fake_scores: torch.Tensor):
        """Loss the discriminator minimises: call real pairs real and generated pairs fake."""
        loss = self._against(real_scores, True) + self._against(fake_scores, False)
        # pix2pix halves D's loss to slow it relative to G; a Wasserstein critic is not halved.
        return loss if self.mode == "wgangp" else 0.5 * loss

    def generator_loss(self, fake_scores: torch.Tensor) -> torch.Tensor:
        """Loss the generator minimises: make the discriminator call its pairs real."""
        return self._against(fake_scores, True)


def gradient_penalty(
    critic: nn.Module,
    real_pairs: torch.Tensor,
    fake_pairs: torch.Tensor,
    weight: float = DEFAULT_LAMBDA_GP,
    generator: torch.Generator | None = None,
) -> torch.Tensor:
    """WGAN-GP term: weight * mean((||grad critic(x)|| - 1)^2) on random real/fake interpolates."""
    batch = real_pairs.shape[0]
    alpha = torch.rand(batch, 1, 1, 1, generator=generator, device=real_pairs.device)
    mixed = (alpha * real_pairs.detach().float() + (1 - alpha) * fake_pairs.detach().float())
    mixed.requires_grad_(True)
    scores = critic(mixed).float()
    (gradients,) = torch.autograd.grad(
        outputs=scores, inputs=mixed, grad_outputs=torch.ones_like(scores), create_graph=True
    )
    norms = gradients.reshape(batch, -1).norm(2, dim=1)
    return weight * ((norms - 1.0) ** 2).mean()


def l1_term(fake: torch.Tensor, real: torch.Tensor, weight: float = DEFAULT_LAMBDA_L1):
    """weight * mean |fake - real|: keeps the picture close to the real one, pixel by pixel."""
    return weight * F.l1_loss(fake.float(), real.float())
