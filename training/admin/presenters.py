"""How the retraining admin words durations, metrics and losses, and which run files it shows."""
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

METRIC_LABELS = (("l1", "L1", "{:.4f}"), ("psnr", "PSNR", "{:.2f} dB"), ("ssim", "SSIM", "{:.3f}"))
LOSS_DIGITS = 4
PROGRESS_POLL_MS = 2500  # how often a run's or a dataset build's page asks for its progress


def describe_seconds(seconds: float | None) -> str:
    """A duration as a person reads it: "1 h 05 min", "3 min 07 s", "42 s"; "" for None."""
    if seconds is None:
        return ""
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours:
        return _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if minutes:
        return _("%(minutes)d min %(seconds)02d s") % {"minutes": minutes, "seconds": seconds}
    return _("%(seconds)d s") % {"seconds": seconds}


def describe_metrics(metrics: dict) -> str:
    """"L1 0.1234, PSNR 21.50 dB, SSIM 0.812" from metrics.json (its "val" part) or a card's."""
    values = metrics.get("val", metrics) if isinstance(metrics, dict) else {}
    parts = [f"{label} {pattern.format(values[name])}" for name, label, pattern in METRIC_LABELS
             if isinstance(values.get(name), int | float)]
    return ", ".join(parts)


def describe_losses(losses: dict) -> dict:
    """The numeric losses of a step, to LOSS_DIGITS significant digits."""
    return {name: float(f"{value:.{LOSS_DIGITS}g}") for name, value in losses.items()
            if isinstance(value, int | float) and not isinstance(value, bool)}


def inside_runs_dir(file: str | Path) -> Path | None:
    """The file when it exists inside settings.TRAINING_RUNS_DIR, else None."""
    if not file:
        return None
    resolved = Path(file).resolve()
    if not resolved.is_relative_to(Path(settings.TRAINING_RUNS_DIR).resolve()):
        return None
    return resolved if resolved.is_file() else None


def newest_sample(run) -> Path | None:
    """The run's newest sample grid inside the runs folder (its folder first, then its row)."""
    from training.trainer import RUN_FILES

    if run.run_dir:
        samples = sorted((Path(run.run_dir) / RUN_FILES["samples"]).glob("step_*.png"))
        if samples:
            return inside_runs_dir(samples[-1])
    return inside_runs_dir(run.sample_grid_path)
