# Every target bootstraps .venv itself, so a fresh clone needs only Python 3.11 and make.
# `make run` installs what running needs; `make test` adds the test tools on top. Both take
# the versions pinned in requirements.lock (`make lock` makes it anew from pyproject.toml).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
LOCK := requirements.lock
HOST ?= 127.0.0.1
PORT ?= 5000
# pip's own progress bars and a line per package, without the resolver's chatter
PIP := $(BIN)/python -m pip install --progress-bar on --disable-pip-version-check
# the versions every install takes: one line per package, the same for run, test and Docker
PIP_LOCKED := $(PIP) --constraint $(LOCK)
PIP_TOOLS := pip-tools==7.7.0

.PHONY: run demo test test-any-day lint bench bench-rush clean messages lock

$(BIN)/python:
	@echo "==> Creating the virtual environment in $(VENV)/"
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml $(LOCK) | $(BIN)/python
	@echo "==> Installing learnclub and what it needs to run (a minute or two the first time)"
	$(PIP) --upgrade pip
	$(PIP_LOCKED) -e .
	touch $(RUN_STAMP)

# the test tools include the `postgres` extra (psycopg 3): the suite runs on PostgreSQL too
$(TEST_STAMP): $(RUN_STAMP)
	@echo "==> Installing the test tools (pytest, Playwright, Schemathesis, psycopg, ...)"
	$(PIP_LOCKED) -e '.[test]'
	touch $(TEST_STAMP)

# Pin anew after changing dependencies in pyproject.toml: pins that still fit are kept, new
# ones take the newest release; `make lock LOCK_ARGS=--upgrade` moves every pin to the newest.
# Resolved for this Python (3.11, as the Dockerfile's) on Linux. learnclub itself is left out
# (the test extra names it for its postgres extra): it is the checkout, not a pinned package.
LOCK_ARGS ?=
lock: | $(BIN)/python
	$(PIP) $(PIP_TOOLS)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile --quiet --extra postgres --extra test \
	  --strip-extras --no-emit-index-url --no-emit-find-links --unsafe-package learnclub \
	  $(LOCK_ARGS) -o $(LOCK) pyproject.toml

# Serve on http://$(HOST):$(PORT); e.g. `make run PORT=5050 HOST=0.0.0.0`.
run: $(RUN_STAMP)
	$(BIN)/learnclub db upgrade
	$(BIN)/learnclub serve --host $(HOST) --port $(PORT)

# Fill a fresh database with a living demo cohort and print every role's login.
demo: $(RUN_STAMP)
	$(BIN)/learnclub db upgrade
	$(BIN)/learnclub demo

test: $(TEST_STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

# The SQLite suite with the process clock moved (libfaketime: apt-get install faketime), to
# show no test depends on the day it runs: the test files are split in as many parts as
# SHIFTS (by a hash of their path) and each part runs at its own shift, so every test runs
# once with the clock moved, at the cost of one pass; `make test-any-day ANY_DAY=whole` runs
# every file at every shift. Browser tests are left out: Chromium is a process of its own and
# the live server's pages are already driven by the test clock. So are the few `real_time`
# tests (a timer thread, a scheduler lease between processes): they measure seconds passing,
# not dates, and libfaketime's timed waits are not theirs to test.
SHIFTS ?= +400d -200d
ANY_DAY ?= parts
test-any-day: $(TEST_STAMP)
	@command -v faketime >/dev/null || { echo "test-any-day needs faketime (apt-get install faketime)"; exit 1; }
	part=0; for shift in $(SHIFTS); do \
	  part=$$((part + 1)); \
	  if [ "$(ANY_DAY)" = whole ]; then only=; else only=$$part/$(words $(SHIFTS)); fi; \
	  echo "==> The SQLite suite with the clock moved $$shift$${only:+ (test files of part $$only)}"; \
	  LEARNCLUB_TEST_POSTGRES_URL= LEARNCLUB_TEST_PART=$$only faketime -f "$$shift" \
	    $(BIN)/python -m pytest -n 2 -q -m "not browser and not real_time" -p no:cacheprovider \
	    $(PYTEST_ARGS) || exit 1; \
	done

lint: $(TEST_STAMP)
	$(BIN)/ruff check learnclub tests migrations bench

clean:
	rm -rf $(VENV) .pytest_cache

# Refresh the message catalogs after changing UI text, then translate the new entries.
messages: $(TEST_STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k tr -k _ -k ngettext_each:1,2 -k later -k word -o learnclub/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i learnclub/translations/messages.pot -d learnclub/translations -l zh_Hans_CN --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d learnclub/translations

# Seed 500 learners × 60 cases and time the heaviest pages; records docs/benchmarks.md.
bench: $(TEST_STAMP)
	$(BIN)/python -m bench.heatmap --write

# The deadline rush over real HTTP: gunicorn as in README's Production section, SQLite and
# PostgreSQL (BENCH_POSTGRES_URL, default postgresql://postgres@127.0.0.1:5432), learnclub and
# a bare Flask + peewee insert app; records docs/benchmarks.md. Several minutes at the default
# 10,000 learners; e.g. `make bench-rush RUSH_ARGS="--learners 2000 --duration 10"`.
RUSH_ARGS ?=
bench-rush: $(TEST_STAMP)
	$(BIN)/python -m bench.rush --write $(RUSH_ARGS)
