# Two commands for a fresh machine with Python 3.11:  make run  and  make test
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint format clean messages

$(PY):
	$(PYTHON) -m venv $(VENV)

# Reinstall only when requirements.txt changes.
$(STAMP): requirements.txt | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

# A development install: DEBUG is off unless asked for (a server must never show tracebacks).
run test: export DJANGO_DEBUG ?= true

## Run the app on http://$(HOST):$(PORT) with SQLite and the demo data.
run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	$(PY) manage.py runserver $(HOST):$(PORT)

## Run the whole test suite (and lint). Browser tests run where /usr/bin/chromium exists.
## pytest's exit code 5 ("no tests collected") alone is not a failure.
test: $(STAMP)
	$(PY) -m ruff check .
	@if [ -x /usr/bin/chromium ]; then echo "Chromium found: browser tests included."; \
	  else echo "Chromium not found at /usr/bin/chromium: browser tests will be SKIPPED (apt-get install chromium)."; fi
	$(PY) -m pytest $(PYTEST_ARGS) || [ $$? -eq 5 ]

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

## Update the Chinese catalogue with the strings marked since (needs GNU gettext), then compile it.
## New entries are empty until translated: `make test` fails until they are (tests/core/test_language.py).
messages: $(STAMP)
	DJANGO_DEBUG=true $(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv --ignore=bench --ignore=tests --ignore=artifacts
	msgfmt --check -o locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis staticfiles
