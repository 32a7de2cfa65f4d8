# om-records: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev lint conformance bench bench-search clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

## run: install, migrate, load the demo content and serve http://$(HOST):$(PORT)
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## test: install with the dev extras and run the whole test suite
test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# --- Search (issue 4): not part of `make test` (conformance reads ../shared) -----------------
SHARED ?= ../shared
BENCH_N ?= 20000

## conformance: django-modelsearch's BackendTests against Whoosh and the database backend
conformance: install-dev
	OM_SHARED_DIR=$(SHARED) $(BIN)/python -m search.conformance.run

## bench-search: index BENCH_N German minutes with both backends, print docs/s and query times
bench-search: install-dev
	$(BIN)/python bench/search.py --n $(BENCH_N)
# --- end search ----------------------------------------------------------------------------

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache
