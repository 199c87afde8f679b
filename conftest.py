"""Shared pytest set-up: pictures and models live in temporary folders for each test."""
import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def models_dir(settings, tmp_path):
    """An empty models folder the registry serves from: every category is still learning."""
    settings.MODELS_DIR = tmp_path / "models"
    settings.MODELS_DIR.mkdir()
    return settings.MODELS_DIR


@pytest.fixture
def trained_panda(models_dir):
    """A tiny but really trained panda generator, active; other categories have none."""
    from inference.testing import make_trained_model

    return make_trained_model(models_dir, "panda")
