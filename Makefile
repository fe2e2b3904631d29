# ConsultReady: `make run` to try it, `make test` to check it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
# Python 3.12 or newer: the first candidate that is new enough.
FIND_PYTHON = for p in "$$PYTHON" python3.13 python3.12 python3 \
	$$(pyenv root 2>/dev/null)/versions/3.1[3-9]*/bin/python3 \
	$$(pyenv root 2>/dev/null)/versions/3.12*/bin/python3; do \
	  [ -n "$$p" ] && command -v "$$p" >/dev/null 2>&1 && \
	  "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && \
	  { command -v "$$p"; exit 0; }; \
	done; exit 1

DEV_ENV := DJANGO_DEBUG=1
TEST_ENV := DJANGO_DEBUG=0 DJANGO_SECRET_KEY=test-only-secret-key-not-for-production \
	DJANGO_SECURE_SSL_REDIRECT=0 STAFF_REQUIRE_OTP=1
PIP_QUIET := 2>&1 | sed -e '/Location .* is ignored/d'

.PHONY: help run test lint format migrate seed bench screenshots clean

help:
	@echo "make run    - install, migrate, load the curriculum and demo data, serve on :8000"
	@echo "make test   - lint, checks and the whole test suite"
	@echo "make bench  - load test on PostgreSQL (see docs/performance.md)"

$(VENV)/.installed: pyproject.toml
	@py=$$($(FIND_PYTHON)) || { echo "ConsultReady needs Python 3.12 or newer (python3.13, python3.12 or python3 on PATH, or PYTHON=/path/to/python)." >&2; exit 1; }; \
	echo "Using $$py ($$($$py --version))"; \
	[ -x $(PY) ] || $$py -m venv $(VENV)
	@set -o pipefail; $(PY) -m pip install --quiet --upgrade pip $(PIP_QUIET)
	@set -o pipefail; $(PY) -m pip install --quiet -e '.[dev]' $(PIP_QUIET)
	@touch $@

venv: $(VENV)/.installed

migrate: venv
	$(DEV_ENV) $(PY) manage.py migrate --no-input

# On an empty database the first edition is published first, then the current
# files as new versions over it: the demo patient read stage 1 in the first
# edition and sees "Updated since you read it" on each lesson that changed.
# The current files correct facts of the first edition, so the library version
# they make is a correction: no clinic can pin the first edition.
seed: migrate
	$(DEV_ENV) $(PY) manage.py load_curriculum --directory education/curriculum/editions/first --only-if-empty
	$(DEV_ENV) $(PY) manage.py load_curriculum --correction "Corrects facts of the first edition."
	$(DEV_ENV) $(PY) manage.py seed_demo --patients 40

# One tasks worker (reminder e-mails) beside the web server, stopped with it.
run: seed
	@$(DEV_ENV) $(PY) manage.py db_worker & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
	$(DEV_ENV) $(PY) manage.py runserver 127.0.0.1:8000

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/djlint templates --check --quiet

format: venv
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
	$(VENV)/bin/djlint templates --reformat --quiet

test: lint
	$(TEST_ENV) $(PY) manage.py check
	$(TEST_ENV) $(PY) manage.py makemigrations --check --dry-run
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(TEST_ENV) $(PY) -m pytest $(PYTEST_ARGS)

bench: venv
	$(PY) -m pip install --quiet -e '.[dev,bench]' $(PIP_QUIET)
	bash scripts/bench.sh

screenshots: venv
	$(TEST_ENV) $(PY) manage.py collectstatic --no-input -v0
	$(TEST_ENV) $(PY) -m pytest tests/browser -m browser --screenshots -p no:randomly

clean:
	rm -rf $(VENV) staticfiles db.sqlite3* .pytest_cache
