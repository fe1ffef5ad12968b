# Studio: `make run` starts the embedded app, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
SIMULATOR_PORT ?= 8765
STREAMS_PER_WORKER ?= 100

.PHONY: install run web worker beat simulator migrate test test-fast lint format clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## The embedded app: SQLite, in-process channels and turns, the simulated provider.
run: install
	@HOST=$(HOST) PORT=$(PORT) SIMULATOR_PORT=$(SIMULATOR_PORT) BIN=$(BIN) scripts/run-embedded

migrate: install
	$(BIN)/python manage.py migrate --noinput

## The full stack's processes (docker-compose.yml runs these same targets).
web: migrate
	$(BIN)/daphne -b $(HOST) -p $(PORT) --proxy-headers studio.asgi:application

# Streams are long I/O waits: one worker process holds many of them on threads.
worker: install
	$(BIN)/celery -A studio worker -Q streams,default --pool threads \
		--concurrency $(STREAMS_PER_WORKER) --prefetch-multiplier 1 --loglevel INFO

beat: install
	$(BIN)/celery -A studio beat --loglevel INFO --schedule $${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

simulator: install
	$(BIN)/python -m upstream.simulator --host $(HOST) --port $(SIMULATOR_PORT)

test: install
	$(BIN)/pytest

test-fast: install
	$(BIN)/pytest -m "not integration and not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache
