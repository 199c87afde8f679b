"""The textbook pix2pix step, fp32 and eager with no tricks: what the trainer's fast path is
measured against (bench/training.py) and must agree with (training/tests/test_fast_step.py)."""
import torch
import torch.nn.functional as F

from training.trainer.options import TrainConfig


def plain_step(config: TrainConfig, generator: torch.nn.Module,
               discriminator: torch.nn.Module):
    """step(sketch, real) -> {"d", "g_gan", "l1"}: one LSGAN + L1 update of both networks with
    their own Adam optimizers, in plain contiguous float32."""
    optimizer_g = torch.optim.Adam(generator.parameters(), lr=config.lr, betas=config.betas)
    optimizer_d = torch.optim.Adam(discriminator.parameters(), lr=config.lr, betas=config.betas)

    def step(sketch: torch.Tensor, real: torch.Tensor) -> dict:
        fake = generator(sketch)
        optimizer_d.zero_grad()
        d_real = discriminator(torch.cat([sketch, real], 1))
        d_fake = discriminator(torch.cat([sketch, fake.detach()], 1))
        d_loss = 0.5 * (F.mse_loss(d_real, torch.ones_like(d_real))
                        + F.mse_loss(d_fake, torch.zeros_like(d_fake)))
        d_loss.backward()
        optimizer_d.step()
        optimizer_g.zero_grad()
        d_fake = discriminator(torch.cat([sketch, fake], 1))
        g_gan = F.mse_loss(d_fake, torch.ones_like(d_fake))
        l1 = F.l1_loss(fake, real)
        (g_gan + config.lambda_l1 * l1).backward()
        optimizer_g.step()
        return {"d": d_loss.item(), "g_gan": g_gan.item(), "l1": l1.item()}

    return step
