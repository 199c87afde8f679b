"""Training a category's generator: options (options), run folder and ids (runs), batches and the
LR schedule (data), checkpoints (checkpoints), sample grids and loss curve (samples), the loop and
export (loop). The names callers use are re-exported here."""
from training.trainer.data import LinearDecay, SeededBatchSampler
from training.trainer.loop import MAX_SAMPLE_GRIDS, Trainer
from training.trainer.options import DEFAULT_EPOCHS, TrainConfig
from training.trainer.runs import (
    CHECKPOINT_DIR,
    CHECKPOINT_STATE,
    RUN_FILES,
    TrainResult,
    new_run_id,
    resolve_dataset,
)

__all__ = ["CHECKPOINT_DIR", "CHECKPOINT_STATE", "DEFAULT_EPOCHS", "MAX_SAMPLE_GRIDS", "RUN_FILES",
           "LinearDecay", "SeededBatchSampler", "TrainConfig", "TrainResult", "Trainer",
           "new_run_id", "resolve_dataset"]
