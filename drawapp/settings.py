"""Settings for every way the studio runs, read from the environment with safe defaults.

No REDIS_URL: in-memory channel layer, generation runs inside the web process.
REDIS_URL: channels_redis and a Celery broker on Redis, generation on GPU workers.
DATABASE_URL: PostgreSQL (or any dj-database-url URL); otherwise SQLite in var/.
"""
import os
from pathlib import Path

import dj_database_url

from .env import env_bool, env_int, env_list, env_str
from .protocol import SERVER_FRAME_BYTES

BASE_DIR = Path(__file__).resolve().parent.parent
# Folders below are made by whatever writes into them, never when settings are read.
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY") or (
    "insecure-local-only-key" if DEBUG else ""
)
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("Set SECRET_KEY (or DJANGO_DEBUG=1 for local use).")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "drawapp",
    "gallery",
    "training",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the one the child switched to (a cookie), else the browser's.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "drawapp.urls"
ASGI_APPLICATION = "drawapp.asgi.application"
WSGI_APPLICATION = None

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL")
# Connections stay open per thread this long: a fresh SQLite one costs a stroke about 1.5 ms,
# and the drawing room opens one for the save and one for the picture.
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60)
# WAL lets the picture thread read while the socket commits the next stroke. Transactions take
# the write lock when they begin (IMMEDIATE): a read that later turns into a write would fail
# at once with "database is locked" when another writer went first, whatever the busy timeout.
SQLITE_BUSY_TIMEOUT_S = env_int("SQLITE_BUSY_TIMEOUT_S", 20)
SQLITE_OPTIONS = {
    "timeout": SQLITE_BUSY_TIMEOUT_S,
    "init_command": "PRAGMA journal_mode=WAL;",
    "transaction_mode": "IMMEDIATE",
}
SQLITE_ENGINE = "drawapp.sqlite"  # Django's, making the database's folder on first connection
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=DB_CONN_MAX_AGE)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["ENGINE"] = SQLITE_ENGINE
        DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS,
                                           **DATABASES["default"].get("OPTIONS", {})}
else:
    DATABASES = {
        "default": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": VAR_DIR / "db.sqlite3",
            # A file, not memory, so a live server process sees the test data; one per test
            # run so that runs side by side never share it.
            "TEST": {"NAME": VAR_DIR / f"test-db-{os.getpid()}.sqlite3"},
            "CONN_MAX_AGE": DB_CONN_MAX_AGE,
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# `make run` (Daphne's runserver) caps WebSocket messages where docker-compose's Daphne does.
DAPHNE_WEBSOCKET_MAX_MESSAGE_SIZE = SERVER_FRAME_BYTES

REDIS_URL = env_str("REDIS_URL")
REDIS_KEY_PREFIX = env_str("REDIS_KEY_PREFIX", "")
REDIS_RETRIES = env_int("REDIS_RETRIES", 3)  # lets test runs share one Redis safely
if REDIS_URL:
    from redis.asyncio.retry import Retry
    from redis.backoff import ExponentialBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError

    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # redis-py 8 times reads out at 5 s, as long as channels_redis's blocking pop
                # waits: give the read more time than the pop or idle sockets crash.
                # A pooled connection that Redis dropped (a restart) fails once and is opened
                # anew: without a retry that first use was a socket's HTTP 500.
                "hosts": [{
                    "address": REDIS_URL,
                    "socket_timeout": 15,
                    "retry": Retry(ExponentialBackoff(cap=1.0, base=0.05), REDIS_RETRIES),
                    "retry_on_error": [RedisConnectionError],
                }],
                "prefix": REDIS_KEY_PREFIX + "asgi",
            },
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Sign-in throttles (gallery.throttle) count in the cache, which every web process must share.
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": REDIS_KEY_PREFIX + "cache",
        }
    }
else:
    # Room for every throttled client: a full LocMem cache drops a third of its entries.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 100_000}}}

# Celery: only used with a broker; without REDIS_URL the web process runs tasks itself.
RUN_TASKS_IN_PROCESS = not REDIS_URL  # pictures and retrains: see drawapp/runner.py
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_IMPORTS = ["drawapp.pictures.tasks"]  # the picture task lives below the app package
CELERY_TASK_ROUTES = {"training.*": {"queue": "training"}}  # retrains and dataset builds
# The training worker's upkeep (training.upkeep), from the beat the training worker runs
# (`--beat`); an entry still queued behind a long run expires instead of piling up.
TRAINING_UPKEEP_INTERVAL_S = 60
CELERY_BEAT_SCHEDULE = {
    "training-upkeep": {"task": "training.keep_books", "schedule": TRAINING_UPKEEP_INTERVAL_S,
                        "options": {"expires": TRAINING_UPKEEP_INTERVAL_S}},
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A job lost with its worker (killed, out of memory) goes back to the queue after this long,
# not the broker's default hour: picture jobs take seconds, and the picture line's lease
# (drawapp/pictures/line.py, LEASE_S) runs out before it. Retrain tasks may be delivered twice
# while they run: they check their run's status first.
BROKER_VISIBILITY_TIMEOUT_S = env_int("BROKER_VISIBILITY_TIMEOUT_S", 30)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": BROKER_VISIBILITY_TIMEOUT_S,
    "unacked_restore_interval": 5,  # look for lost jobs this often (seconds)...
    "unacked_restore_throttle": 1,  # ...every time, not every tenth time
}
if REDIS_KEY_PREFIX:
    CELERY_BROKER_TRANSPORT_OPTIONS["global_keyprefix"] = REDIS_KEY_PREFIX

# Teacher and admin passwords (kids have picture PINs instead).
PASSWORD_MIN_LENGTH = env_int("PASSWORD_MIN_LENGTH", 10)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 10)  # a school day
SESSION_COOKIE_SAMESITE = "Lax"

# Served behind TLS (HTTPS=1): every page over HTTPS, cookies only over HTTPS, HSTS on. A TLS
# proxy in front tells Django the request was HTTPS through HTTPS_PROXY_HEADER (the proxy must
# set it and strip it from what clients send); set it empty where Daphne itself holds the
# certificate.
HTTPS = env_bool("HTTPS", False)
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    HTTPS_PROXY_HEADER = env_str("HTTPS_PROXY_HEADER", "X-Forwarded-Proto")
    if HTTPS_PROXY_HEADER:
        SECURE_PROXY_SSL_HEADER = (
            "HTTP_" + HTTPS_PROXY_HEADER.upper().replace("-", "_"), "https"
        )

# English and Korean (the studio's classroom roots); each app keeps its own locale/ folder, the
# project-wide templates theirs in locale/. `make messages` extracts and compiles them.
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("ko", "한국어")]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"  # made by collectstatic
WHITENOISE_USE_FINDERS = DEBUG  # serve static/ straight from the source tree in development
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
SERVE_MEDIA = env_bool("SERVE_MEDIA", True)

# Where the versioned generator files live: <category>/<version>.safetensors + .json
# Training datasets and runs (checkpoints, logs, sample grids)
TRAINING_DATA_DIR = Path(env_str("TRAINING_DATA_DIR", str(VAR_DIR / "datasets")))
TRAINING_RUNS_DIR = Path(env_str("TRAINING_RUNS_DIR", str(VAR_DIR / "runs")))
MODELS_DIR = Path(env_str("MODELS_DIR", str(BASE_DIR / "models")))
# Retraining from the admin: server folders an admin may build datasets from, where uploaded
# zips are kept (private, never under MEDIA_ROOT), and the largest zip the admin accepts.
TRAINING_SOURCES_DIR = Path(env_str("TRAINING_SOURCES_DIR", str(VAR_DIR / "sources")))
TRAINING_UPLOADS_DIR = Path(env_str("TRAINING_UPLOADS_DIR", str(VAR_DIR / "uploads")))
TRAINING_MAX_UPLOAD_BYTES = env_int("TRAINING_MAX_UPLOAD_BYTES", 2 * 1024**3)
INFERENCE_DEVICE = env_str("INFERENCE_DEVICE", "")  # "", "cpu" or "cuda[:n]"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
