"""The starter models in models/: each category's active model loads and draws its world."""
import json

import numpy as np
import pytest
from django.conf import settings

from inference.categories import CATEGORIES
from inference.registry import Registry, is_trained, read_card, weights_path
from training.worlds import paint, sketch_of

SHIPPED = settings.BASE_DIR / "models"
MAX_BYTES = 8 * 1024 * 1024
QUALITY_GOAL = 0.6  # model L1 over mean-picture L1
UNSEEN_SEEDS = range(900_000, 900_006)  # never used for training or evaluation
REGISTRY = Registry(SHIPPED, "cpu")

pytestmark = pytest.mark.parametrize("category", CATEGORIES)


def active_card(category) -> dict:
    version = REGISTRY.active_version(category)
    assert version, f"models/{category}/ACTIVE names no version"
    return read_card(weights_path(SHIPPED, category, version).with_suffix(".json"))


def test_each_category_ships_a_small_fp16_trained_model(category):
    card = active_card(category)
    path = weights_path(SHIPPED, category, card["version"])
    assert path.stat().st_size <= MAX_BYTES
    assert card["dtype"] == "float16"
    assert is_trained(card)
    assert card["training"]["command"].startswith(f"python manage.py train {category} ")


def test_card_records_a_score_within_the_quality_goal(category):
    # The goal: on 50 unseen world drawings, mean L1 at most 0.6x the mean-picture baseline's.
    evaluation = active_card(category)["evaluation"]
    assert evaluation["sketches"] >= 50
    ratio = evaluation["metrics"]["l1"] / evaluation["baseline"]["mean_picture_l1"]
    assert ratio == pytest.approx(evaluation["baseline"]["model_to_baseline_l1"])
    assert ratio <= QUALITY_GOAL, json.dumps(evaluation)


def test_model_draws_a_real_picture_that_follows_each_unseen_drawing(category):
    pictures = []
    for seed in UNSEEN_SEEDS:
        picture = REGISTRY.generate(category, sketch_of(paint(category, seed))).image
        pixels = np.asarray(picture, dtype=np.float32)
        assert pixels.shape == (256, 256, 3)
        assert pixels.std() > 10, "a flat picture"
        pictures.append(pixels)
    for first, second in zip(pictures, pictures[1:], strict=False):
        assert np.abs(first - second).mean() > 5, "the same picture for different drawings"
