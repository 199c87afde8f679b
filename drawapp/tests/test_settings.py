"""Database settings from the environment: SQLite, by default or by URL, keeps connections and
uses WAL; PostgreSQL URLs keep connections too; DB_CONN_MAX_AGE=0 closes them after each use."""
import json
import os
import subprocess
import sys

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
    assert database["engine"] == "django.db.backends.sqlite3"
    assert database["age"] == 60
    assert "journal_mode=WAL" in database["options"]["init_command"]
    assert database["options"]["transaction_mode"] == "IMMEDIATE"
    assert database["options"]["timeout"] == 20


def test_sqlite_url_gets_the_same_options_as_the_default(tmp_path):
    database = database_settings(tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert database["engine"] == "django.db.backends.sqlite3"
    assert database["age"] == 60
    assert "journal_mode=WAL" in database["options"]["init_command"]


def test_postgres_url_keeps_connections_without_sqlite_options(tmp_path):
    database = database_settings(tmp_path, DATABASE_URL="postgres://u@127.0.0.1:5432/x")
    assert database["engine"] == "django.db.backends.postgresql"
    assert database["age"] == 60
    assert "init_command" not in database["options"]


def test_conn_max_age_zero_closes_connections_after_use(tmp_path):
    assert database_settings(tmp_path, DB_CONN_MAX_AGE="0")["age"] == 0
