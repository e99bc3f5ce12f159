# Kaffebro: `make run` serves the demo, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
export DEBUG ?= 1

.PHONY: run test lint typecheck bench translations messages clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

translations: $(BIN)/.installed
	$(BIN)/python manage.py compiletranslations

run: translations
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py demo --if-empty
	$(BIN)/python manage.py build_graph
	$(BIN)/python manage.py demo_logins
	@# The task worker (imports, graph rebuilds) runs beside the server and stops with it.
	trap 'kill 0' EXIT; $(BIN)/python manage.py db_worker & $(BIN)/python manage.py runserver $(HOST):$(PORT)

test: translations
	$(BIN)/pytest -n 2 --dist worksteal --durations=15

lint: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy kaffebro

bench: translations
	$(BIN)/python -m bench

load: translations
	$(BIN)/python -m bench.load

# For developers with GNU gettext: collect new strings into the .po files.
messages: $(BIN)/.installed
	$(BIN)/python manage.py makemessages -l da -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench

clean:
	rm -rf $(VENV) staticfiles
