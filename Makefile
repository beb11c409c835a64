# The two commands of the README: `make demo` (the main job) and `make test` (the tests); `make run` starts the service.
# Each sets up .venv from the pinned requirements on first use.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: demo run test test-e2e screenshots test-postgres test-queue lint bench bench-smoke bench-towns bench-gap bench-load bench-load-postgres bench-peers bench-city

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m service replay scenarios/town-25.json --time-limit 30 --out plan.json

# The HTTP service on 127.0.0.1:8000 with the demo station loaded (once) and a coordinator token
# printed with a ready curl line; database: MULIN_DATABASE_URL (default sqlite:///./mulin.db).
run: $(STAMP)
	$(PY) -m service serve --demo

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy service tests benchmarks

test: lint
	$(PY) -m pytest -q

# Refresh the console's screenshots in docs/screenshots/ (headless Chromium, the demo town).
screenshots: $(STAMP)
	$(PY) tests/e2e/refresh_screenshots.py

# The console in headless Chromium against a real `mulin serve` process (tests/e2e). `make test`
# runs these tests too, but skips them when chromium or chromedriver is missing; here
# MULIN_E2E_REQUIRED=1 makes a missing browser a failure (CI installs Debian's chromium and
# chromium-driver first). Screenshots: tests/e2e/artifacts/ (kept, not committed). The ledger's
# LibreOffice conversion is required here too (Debian's libreoffice-calc).
test-e2e: $(STAMP)
	MULIN_E2E_REQUIRED=1 $(PY) -m pytest -q tests/e2e \
	  tests/test_ledger.py::test_libreoffice_converts_the_ledger_to_pdf

# The API tests again on the local PostgreSQL server (127.0.0.1:5432, user postgres, trust auth),
# in a database made for this run and dropped after it.
test-postgres: $(STAMP)
	./.ci/with-postgres $(PY) -m pytest -q tests/api

# Plan jobs on Celery: the local Redis as the broker, PostgreSQL as the store, real `mulin
# worker` processes (tests/taskqueue; they fail instead of skipping without a broker).
test-queue: $(STAMP)
	./.ci/with-redis ./.ci/with-postgres env MULIN_QUEUE_REQUIRED=1 $(PY) -m pytest -q tests/taskqueue

# Benchmarks: measured runs, not tests. The smoke subset gates CI (ratios and gaps only).
bench-smoke: $(STAMP)
	$(PY) -m benchmarks.smoke

bench-towns: $(STAMP)
	$(PY) -m benchmarks.towns --sizes 150 600 1500 3000 --seeds 1 2 3

# Mulin against VROOM, PyVRP and OR-Tools Routing on towns they can express exactly, one
# thread each, every plan checked (benchmarks/peers/; results in benchmarks/results/).
bench-peers: $(STAMP)
	$(PY) -m benchmarks.peers --sizes 150 600 1500 --seeds 1 2 3 --time-limits 30

# A city's batch on the task queue: 1 and 2 worker processes, a worker killed mid-batch, and a
# projection for a province (local Redis and PostgreSQL; benchmarks/city.py).
bench-city: $(STAMP)
	./.ci/with-redis $(PY) -m benchmarks.city --stations 40 --visits 100 --time-limit 5

# The service under concurrent clients (a real uvicorn process, a throw-away SQLite database).
bench-load: $(STAMP)
	$(PY) -m benchmarks.load

# The same on the local PostgreSQL server, in a database made for the run and dropped after it.
bench-load-postgres: $(STAMP)
	./.ci/with-postgres sh -c '$(PY) -m benchmarks.load --database-url "$$MULIN_TEST_DATABASE_URL"'

bench-gap: $(STAMP)
	$(PY) -m benchmarks.gap_benchmark --out benchmarks/results/gap-$$(date +%F).jsonl
	$(PY) -m benchmarks.gap_summary benchmarks/results/gap-$$(date +%F).jsonl

bench: bench-gap bench-towns
	$(PY) -m benchmarks.greedy_vs_mulin --seeds 1 2 3 4 5 --time-limit 30
