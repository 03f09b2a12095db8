# Every target bootstraps .venv itself, so a fresh clone needs only Python 3.11.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint bench clean messages

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/learnclub db upgrade
	$(BIN)/learnclub serve --host 127.0.0.1 --port 5000

test: $(STAMP)
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check learnclub tests migrations

clean:
	rm -rf $(VENV) .pytest_cache

# Refresh the message catalogs after changing UI text, then translate the new entries.
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k tr -k _ -o learnclub/translations/messages.pot --no-location --omit-header --sort-output .
	$(BIN)/pybabel update -i learnclub/translations/messages.pot -d learnclub/translations -l zh_Hans_CN --no-fuzzy-matching --ignore-obsolete
	$(BIN)/pybabel compile -d learnclub/translations

# Seed 500 learners × 60 cases and time the heaviest pages; records docs/benchmarks.md.
bench: $(STAMP)
	$(BIN)/python -m bench.heatmap --write
