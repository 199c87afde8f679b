"""Shared pytest set-up: temporary media and models folders, real services for integration."""
import os
import uuid

import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    """Every job a test started in this process finishes before its fixtures are torn down (a
    leftover job writing to the database made a later test fail with "database is locked")."""
    from drawapp.runner import wait_until_idle

    try:
        return (yield)
    finally:
        wait_until_idle()


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    """Each test its own in-memory cache (sign-in throttles count there), whatever REDIS_URL
    says: clearing a shared Redis would empty other processes' keys too."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                                   "LOCATION": f"test-{uuid.uuid4().hex}"}}


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


def require_services() -> None:
    """Skip without Redis and PostgreSQL, except in CI (REQUIRE_SERVICES=1), where that fails."""
    from django.db import connection

    missing = []
    if not os.environ.get("REDIS_URL"):
        missing.append("REDIS_URL")
    if connection.vendor != "postgresql":
        missing.append("DATABASE_URL (PostgreSQL)")
    if missing:
        if os.environ.get("REQUIRE_SERVICES"):
            pytest.fail(f"integration services required but not configured: {missing}")
        pytest.skip(f"needs {', '.join(missing)}")


@pytest.fixture
def service_environment(settings):
    """Builds the environment for Daphne and Celery child processes on the real Redis and the
    test database, under a Redis key prefix of their own; skips where there are no services."""
    from drawapp.processes import child_environment, database_url_of_this_connection

    require_services()
    prefix = f"test-{uuid.uuid4().hex[:8]}:"

    def build(**extra) -> dict:
        return child_environment(
            database_url_of_this_connection(), settings.MEDIA_ROOT, settings.MODELS_DIR,
            REDIS_URL=os.environ["REDIS_URL"], REDIS_KEY_PREFIX=prefix, **extra,
        )

    return build


@pytest.fixture
def on_one_torch_thread():
    """Torch on one intra-op thread for the test: tiny nets gain nothing from more and, on a
    shared 2-core machine, lose ~10x to threads spinning against other processes; and a batch
    adds its float32 sums in the same order as a single sketch only on one thread."""
    from inference.threads import torch_threads

    with torch_threads(1):
        yield
