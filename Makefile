# One-command set-up for the studio: `make run` serves it, `make test` checks it.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export DJANGO_SETTINGS_MODULE := drawapp.settings

.PHONY: run test bench quality soak lint setup migrate messages clean

$(STAMP): requirements.txt requirements-nodeps.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	$(PY) -m pip install --quiet --no-deps -r requirements-nodeps.txt
	touch $(STAMP)

setup: $(STAMP)

migrate: setup
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py migrate --noinput
	# The shipped models appear in the admin's model versions (a training worker does this too).
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py sync_models

run: migrate
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(PY) manage.py runserver 127.0.0.1:8000

test: setup
	# Connections close after each use, so no test thread keeps the test database open.
	DJANGO_DEBUG=1 DB_CONN_MAX_AGE=0 $(PY) -m pytest -q $(PYTEST_ARGS)

# Korean catalogs: pull new strings into each locale/ko .po (translate them there), then compile
# the .mo files the app reads (both are committed; needs GNU gettext, which Debian's gettext has).
messages: setup
	DJANGO_DEBUG=1 $(PY) manage.py makemessages --locale ko --no-obsolete --ignore '.venv/*' --ignore 'var/*'
	DJANGO_DEBUG=1 $(PY) manage.py compilemessages --locale ko --ignore '.venv/*'

bench: migrate
	DJANGO_DEBUG=1 $(PY) -m bench

# Fuzzed messages against the embedded default with DEBUG on: answers, crashes, memory.
soak: migrate
	DJANGO_DEBUG=1 $(PY) -m bench.soak $(SOAK_ARGS)

# Wild-drawings table for the six active models; contact sheets go to docs/quality/.
# QUALITY_ARGS="--also a.safetensors b.safetensors" scores more models (the HED-bridge proof).
quality: migrate
	DJANGO_DEBUG=1 OMP_NUM_THREADS=$${OMP_NUM_THREADS:-1} $(PY) manage.py quality $(QUALITY_ARGS)

lint: setup
	$(VENV)/bin/ruff check .

clean:
	rm -rf $(VENV) var
