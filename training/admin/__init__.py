"""Admin pages for retraining: datasets, runs with live progress, and model versions to promote.

Every page, action and extra view here needs staff status (the admin's login) and the
training.can_retrain permission; staff without it get 403. State changes go through
training.actions; long work is queued on the training queue by it. One module per subject
(datasets, runs, versions), the shared permission rules in permissions, the wording in presenters.
"""
from training.admin.datasets import TrainingDatasetAdmin
from training.admin.runs import TrainingRunAdmin
from training.admin.versions import ModelVersionAdmin

__all__ = ["ModelVersionAdmin", "TrainingDatasetAdmin", "TrainingRunAdmin"]
