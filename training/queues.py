"""The Celery queue of retraining work (dataset builds, training runs, upkeep)."""

TRAINING_QUEUE = "training"
