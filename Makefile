# Quick start: `make demo` opens the dashboard on the embedded demo server; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
BENCH_STAMP := $(VENV)/.bench-installed

NESTJS := tests/interop/nestjs
NPM_STAMP := $(NESTJS)/node_modules/.installed

.PHONY: demo test lint bench soak interop clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/jobwatch demo

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy

$(BENCH_STAMP): $(STAMP) pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(BENCH_STAMP)

bench: $(BENCH_STAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/ui_flood.py
	$(BIN)/python bench/ui_idle.py
	$(BIN)/python bench/ui_bandwidth.py

soak: $(STAMP)
	$(BIN)/python bench/soak.py

# NestJS @Sse() endpoint and the npm eventsource client side by side with jobwatch (needs Node; not in CI)
interop: $(STAMP)
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(NPM_STAMP); \
	else echo "make interop: Node/npm not found: the NestJS interop tests will skip"; fi
	$(BIN)/python -m pytest -q -m interop tests/interop

$(NPM_STAMP): $(NESTJS)/package.json $(NESTJS)/package-lock.json
	cd $(NESTJS) && npm ci --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
