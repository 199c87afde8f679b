"""Fixtures the training tests share with other apps' tests: the headless browser's."""
from drawapp.tests.browser import browser, studio_url  # noqa: F401  (fixtures for browser tests)
