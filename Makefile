# om-records: the two commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test install install-dev browser-deps lint conformance bench bench-search clean serve bench-load \
        bench-publish bench-notify

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

## run: install, migrate, load the demo content and serve http://$(HOST):$(PORT), with the
## worker that extracts attachment text beside the development server
run: install
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py load_demo
	DEBUG=1 $(BIN)/python manage.py db_worker --backend extraction --no-reload --no-startup-delay & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  DEBUG=1 $(BIN)/python manage.py runserver $(HOST):$(PORT)

## browser-deps: Debian's Chromium for the browser tests (Playwright never downloads one)
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing Debian's chromium for the browser tests …"; \
	    (apt-get install -y -qq chromium >/dev/null 2>&1 || \
	     (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null)); \
	  else \
	    echo "Hinweis: /usr/bin/chromium fehlt; 'sudo apt-get install chromium' für die Browser-Tests."; \
	  fi; \
	fi

## test: install with the dev extras and run the whole test suite, on TEST_WORKERS processes
## (pytest-xdist; "auto": one per core, at most TEST_MAX_WORKERS; 0 runs it in this process).
## Each worker has its own test database, demo content, media and Whoosh index.
TEST_WORKERS ?= auto
TEST_MAX_WORKERS ?= 4
test: install-dev browser-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --maxprocesses=$(TEST_MAX_WORKERS) $(PYTEST_ARGS)

# --- Search: not part of `make test` (conformance reads ../shared) -----------------
SHARED ?= ../shared
BENCH_N ?= 20000

## conformance: django-modelsearch's BackendTests against Whoosh and the database backend
conformance: install-dev
	OM_SHARED_DIR=$(SHARED) $(BIN)/python -m search.conformance.run

## bench-search: BENCH_N realistic German minutes (20000; BENCH_N=100000) with Whoosh, SQLite FTS5
## and PostgreSQL (if 127.0.0.1:5432 answers): build docs/s, save-to-searchable, memory, p50/p95, P@10, R@10
bench-search: install-dev
	$(BIN)/python bench/search.py --n $(BENCH_N) $(BENCH_ARGS)
# --- end search ----------------------------------------------------------------------------
## serve: production serving: migrate, collect static files, run gunicorn with
## cms/gunicorn.conf.py. Needs the production variables of the README (SECRET_KEY, ALLOWED_HOSTS, ...).
## Beside gunicorn runs one extraction worker; more hosts share its database queue.
serve: install
	$(BIN)/python manage.py check --deploy --fail-level WARNING
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py collectstatic --noinput
	$(BIN)/python manage.py db_worker --backend extraction --no-reload & \
	  worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/gunicorn -c cms/gunicorn.conf.py

## bench-load: scaled demo content (50 Fachgruppen x 200 Protokolle) under 50 concurrent clients
bench-load: install-dev
	$(BIN)/python bench/load.py $(BENCH_ARGS)

## bench-publish: publish latency with a 20 MB PDF attached vs. none
bench-publish: install-dev
	$(BIN)/python bench/publish.py $(BENCH_ARGS)

## bench-notify: one om_notify run for 10,000 subscriptions and 1,000 new Protokolle vs. 100 subscriptions
bench-notify: install-dev
	$(BIN)/python bench/notify.py $(BENCH_ARGS)

lint: install-dev
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var .pytest_cache

.PHONY: bench-result-page
## bench-result-page: /suche/ queries and time for a page of hits (before/after issue 18),
## and the snippet search on a long text
bench-result-page: install-dev
	$(BIN)/python bench/result_page.py $(BENCH_ARGS)
