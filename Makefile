# Quick start: `make run` serves a demo production, `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two installs: what the service needs (make run), and that plus the test tools
# and every database driver (make test). Both take loadplan from ./loadplan.
RUN_STAMP := $(VENV)/.installed-run
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# The suite runs in a process per core (at most four, so that a large machine
# does not exhaust the database servers' connections), each module's tests in
# one process so that a module's data set is built once. PYTEST_WORKERS=0 runs
# it in this process.
PYTEST_WORKERS ?= auto

.PHONY: install test lint typecheck pytest run bench clean web web-test bench-web bench-events dist matrix docs ui-screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml loadplan/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ./loadplan -e .
	touch $@

$(STAMP): pyproject.toml loadplan/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e './loadplan[asyncio]' -e '.[test]'
	touch $(RUN_STAMP) $@

install: $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check src loadplan/src tests noxfile.py
	$(BIN)/ruff format --check src loadplan/src tests noxfile.py

typecheck: $(STAMP)
	$(BIN)/mypy --strict loadplan/src/loadplan

pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS) --maxprocesses 4 --dist loadscope $(PYTEST_ARGS)

test: lint typecheck web-test pytest

run: $(RUN_STAMP) web
	$(BIN)/shotline serve --host $(HOST) --port $(PORT) --demo-if-empty small

# The web app (web/, Node 20+): npm installs exactly the lock file; the API
# client's types are generated from the OpenAPI document, which is rewritten
# only when the API changed, so the bundle is rebuilt only when it is stale.
WEB_BUNDLE := src/shotline/static/app/index.html
WEB_MODULES := web/node_modules/.package-lock.json
WEB_SOURCES := $(shell find web/src web/index.html web/vite.config.ts web/tsconfig.json web/package.json -type f -not -name schema.d.ts 2>/dev/null)
API_SOURCES := $(shell find src/shotline -name '*.py' 2>/dev/null)

$(WEB_MODULES): web/package-lock.json
	cd web && npm ci --no-audit --no-fund
	touch $@

web/openapi.json: $(RUN_STAMP) $(API_SOURCES)
	$(BIN)/shotline openapi --output $@

$(WEB_BUNDLE): $(WEB_MODULES) web/openapi.json $(WEB_SOURCES)
	cd web && npm run build

web: $(WEB_BUNDLE)

# Type-check and unit tests of the web app (its end-to-end tests run with pytest).
web-test: $(WEB_BUNDLE)
	cd web && npm run typecheck && npm test

# The screenshots of docs/ui.md, taken by the end-to-end tests on the demo production.
ui-screenshots: $(STAMP) web
	SHOTLINE_UI_SCREENSHOTS=docs/ui $(BIN)/pytest -q tests/web

# Both distributions, wheel and sdist, into dist/ (Shotline's with the built web
# app in it), checked as an index would check them.
dist: $(STAMP) web
	rm -rf dist
	$(BIN)/python -m build --outdir dist loadplan
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

# loadplan's support matrix (noxfile.py): its suite on the installed wheel, with
# SQLAlchemy alone and with each extra, on SQLAlchemy 2.0, and at the lowest
# versions its metadata allows.
matrix: $(STAMP)
	$(BIN)/nox

# The documentation site (mkdocs.yml) into site/, in strict mode.
docs: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

# Benchmarks (bench/): SCALE=small|medium|large, DIALECT=sqlite|postgresql,
# BENCH_ARGS for bench.run's other options (e.g. "--rounds 0.5 --no-sweep").
SCALE ?= medium
DIALECT ?= sqlite
BENCH_ARGS ?=
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): pyproject.toml loadplan/pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e './loadplan[asyncio]' -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(STAMP) $(BENCH_STAMP)
	$(BIN)/python -m bench.run --scale $(SCALE) --dialect $(DIALECT) $(BENCH_ARGS)

# Event delivery: 200 streams on 2 server processes, 50 changes a second for
# 60 s, on PostgreSQL (BENCH_POSTGRESQL_URL, default the local server's db test).
bench-events: $(STAMP)
	$(BIN)/python -m bench.events $(BENCH_ARGS)

# The browser benchmark of the web app on the large demo (headless Chromium).
bench-web: $(STAMP) web
	$(BIN)/python -m bench.web $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .nox dist site web/node_modules src/shotline/static/app
