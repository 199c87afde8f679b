"""Settings from the environment: SQLite, by default or by URL, keeps connections and uses WAL;
PostgreSQL URLs keep connections too; DB_CONN_MAX_AGE=0 closes them after each use; yes/no
words are read strictly; reading the settings makes no folders; the cache follows REDIS_URL;
HTTPS=1 makes `check --deploy` clean behind a TLS proxy."""
import json
import os
import secrets
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


SHOW_SECURITY = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps({name: getattr(settings, name) for name in ("
    "'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
    "'SECURE_HSTS_SECONDS', 'SECURE_PROXY_SSL_HEADER')}))"
)
SHOW_CACHE = (
    "import json, django; from django.conf import settings; django.setup(); "
    "print(json.dumps(settings.CACHES['default']))"
)
SETTINGS_FROM_ENVIRONMENT = ("DATABASE_URL", "DB_CONN_MAX_AGE", "DJANGO_DEBUG", "HTTPS",
                             "HSTS_SECONDS", "HTTPS_PROXY_HEADER", "SECRET_KEY", "REDIS_URL",
                             "REDIS_KEY_PREFIX")


def run_with_settings(tmp_path, arguments: list[str], **env) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items()
                   if key not in SETTINGS_FROM_ENVIRONMENT}
    environment.update({"DJANGO_SETTINGS_MODULE": "drawapp.settings", "DJANGO_DEBUG": "1",
                        "VAR_DIR": str(tmp_path), **env})
    return subprocess.run([sys.executable, *arguments], cwd=ROOT, env=environment,
                          capture_output=True, text=True, timeout=60)


def printed_settings(tmp_path, program: str, **env) -> dict:
    done = run_with_settings(tmp_path, ["-c", program], **env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def database_settings(tmp_path, **env) -> dict:
    return printed_settings(tmp_path, SHOW_DATABASE, **env)


def deploy_check(tmp_path, **env) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` as production runs it: no DEBUG, a real secret key."""
    return run_with_settings(
        tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG="0", SECRET_KEY=secrets.token_urlsafe(50), **env,
    )


def test_embedded_sqlite_keeps_connections_in_wal_mode(tmp_path):
    database = database_settings(tmp_path)
    assert database["engine"] == "drawapp.sqlite"
    assert database["age"] == 60
    assert "journal_mode=WAL" in database["options"]["init_command"]
    assert database["options"]["transaction_mode"] == "IMMEDIATE"
    assert database["options"]["timeout"] == 20


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


def test_check_deploy_is_clean_with_https_on(tmp_path):
    done = deploy_check(tmp_path, HTTPS="1")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_check_deploy_warns_without_https_so_the_setting_is_what_makes_it_clean(tmp_path):
    done = deploy_check(tmp_path)
    assert done.returncode != 0
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in done.stderr


def test_https_turns_on_redirect_secure_cookies_hsts_and_trusts_the_proxy_header(tmp_path):
    security = printed_settings(tmp_path, SHOW_SECURITY, HTTPS="1")
    assert security["SECURE_SSL_REDIRECT"] is True
    assert security["SESSION_COOKIE_SECURE"] is security["CSRF_COOKIE_SECURE"] is True
    assert security["SECURE_HSTS_SECONDS"] == 60 * 60 * 24 * 365
    assert security["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_https_without_a_proxy_header_trusts_no_header(tmp_path):
    security = printed_settings(tmp_path, SHOW_SECURITY, HTTPS="1", HTTPS_PROXY_HEADER="",
                                HSTS_SECONDS="3600")
    assert security["SECURE_PROXY_SSL_HEADER"] is None
    assert security["SECURE_HSTS_SECONDS"] == 3600


def test_plain_http_by_default(tmp_path):
    security = printed_settings(tmp_path, SHOW_SECURITY)
    assert security["SECURE_SSL_REDIRECT"] is False
    assert security["SESSION_COOKIE_SECURE"] is False
    assert security["SECURE_HSTS_SECONDS"] == 0


def test_sign_in_throttles_count_in_redis_when_there_is_one(tmp_path):
    cache = printed_settings(tmp_path, SHOW_CACHE, REDIS_URL="redis://redis:6379/0",
                             REDIS_KEY_PREFIX="run-7:")
    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis:6379/0"
    assert cache["KEY_PREFIX"].startswith("run-7:")


def test_sign_in_throttles_count_in_memory_in_the_embedded_default(tmp_path):
    cache = printed_settings(tmp_path, SHOW_CACHE)
    assert cache["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    assert cache["OPTIONS"]["MAX_ENTRIES"] >= 100_000
