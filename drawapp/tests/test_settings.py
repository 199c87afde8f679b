"""Settings from the environment: SQLite, by default or by URL, keeps connections and uses WAL;
PostgreSQL URLs keep connections too; DB_CONN_MAX_AGE=0 closes them after each use; yes/no
words are read strictly; reading the settings makes no folders."""
import json
import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from drawapp.env import env_bool
from drawapp.processes import ROOT

SHOW_DATABASE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "d = settings.DATABASES['default']; "
    "print(json.dumps({'engine': d['ENGINE'], 'age': d['CONN_MAX_AGE'], "
    "'options': d.get('OPTIONS', {})}))"
)


def database_settings(tmp_path, **env) -> dict:
    environment = {key: value for key, value in os.environ.items()
                   if key not in ("DATABASE_URL", "DB_CONN_MAX_AGE")}
    environment.update({"DJANGO_SETTINGS_MODULE": "drawapp.settings", "DJANGO_DEBUG": "1",
                        "VAR_DIR": str(tmp_path), **env})
    done = subprocess.run([sys.executable, "-c", SHOW_DATABASE], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_embedded_sqlite_keeps_connections_in_wal_mode(tmp_path):
    database = database_settings(tmp_path)
    assert database["engine"] == "drawapp.sqlite"
    assert database["age"] == 60
    assert "journal_mode=WAL" in database["options"]["init_command"]


def test_sqlite_url_gets_the_same_options_as_the_default(tmp_path):
    database = database_settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert database["engine"] == "drawapp.sqlite"
    assert database["age"] == 60
    assert "journal_mode=WAL" in database["options"]["init_command"]


def test_postgres_url_keeps_connections_without_sqlite_options(tmp_path):
    database = database_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert database["engine"] == "django.db.backends.postgresql"
    assert database["age"] == 60
    assert "init_command" not in database["options"]


def test_conn_max_age_zero_closes_connections_after_use(tmp_path):
    assert database_settings(tmp_path, DB_CONN_MAX_AGE="0")["age"] == 0


def test_reading_the_settings_makes_no_folder_and_the_first_connection_makes_the_databases(
        tmp_path):
    var = tmp_path / "var"
    database_settings(var)
    assert not var.exists()
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "drawapp.settings",
                   "DJANGO_DEBUG": "1", "VAR_DIR": str(var)}
    environment.pop("DATABASE_URL", None)
    subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                    "from django.db import connection; connection.ensure_connection()"],
                   cwd=ROOT, env=environment, check=True, timeout=60)
    assert (var / "db.sqlite3").is_file()


@pytest.mark.parametrize(("value", "expected"), [("1", True), (" Yes ", True), ("on", True),
                                                 ("0", False), ("false", False), ("", False)])
def test_yes_and_no_words_are_read(monkeypatch, value, expected):
    monkeypatch.setenv("SOME_SWITCH", value)
    assert env_bool("SOME_SWITCH", False) is expected


def test_a_yes_no_setting_with_a_typo_is_refused_by_name(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "ture")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG='ture' is neither yes nor no"):
        env_bool("DJANGO_DEBUG")
