# Studio: `make run` starts the embedded app, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
HOST ?= 127.0.0.1
SIMULATOR_PORT ?= 8765
STREAMS_PER_WORKER ?= 100

.PHONY: install catalogs messages run web worker beat simulator migrate test test-fast bench lint format clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

## Translations (docs/i18n.md): .po to .mo in Python, so no GNU gettext is needed to run.
catalogs: install
	$(BIN)/python -m studio.catalogs

# Extraction needs GNU gettext's xgettext (only for whoever changes the English text).
MESSAGE_IGNORES := --ignore=.venv --ignore=var --ignore=tests --ignore=bench --ignore=build
messages: install
	$(BIN)/python manage.py makemessages -l zh_Hans -l zh_Hant --no-obsolete $(MESSAGE_IGNORES)
	$(BIN)/python manage.py makemessages -d djangojs -l zh_Hans -l zh_Hant --no-obsolete $(MESSAGE_IGNORES)

## The embedded app: SQLite, in-process channels and turns, the simulated provider.
run: catalogs
	@HOST=$(HOST) PORT=$(PORT) SIMULATOR_PORT=$(SIMULATOR_PORT) BIN=$(BIN) scripts/run-embedded

migrate: catalogs
	$(BIN)/python manage.py migrate --noinput

## The full stack's processes (docker-compose.yml runs these same targets).
# A page sends only small JSON frames; Daphne refuses anything past 64 KB before the app
# reads it (the app itself answers frames over 4 KB with an error).
WEBSOCKET_MAX_BYTES ?= 65536

web: migrate
	$(BIN)/daphne -b $(HOST) -p $(PORT) --proxy-headers \
		--websocket-max-message-size $(WEBSOCKET_MAX_BYTES) \
		--websocket-max-frame-size $(WEBSOCKET_MAX_BYTES) studio.asgi:application

# Streams are long I/O waits: one worker process holds many of them on threads.
# glibc's allocator, for a process of 100+ threads passing multi-megabyte images around:
# blocks from 1 MB up come from mmap and go back to the system when freed (by default the
# threshold climbs with each big block freed, up to 32 MB, and freed images stay in the
# heap), and two arenas instead of eight per core (docs/operations.md, "Memory per stream"). The environment may override.
worker: export MALLOC_MMAP_THRESHOLD_ ?= 1048576
worker: export MALLOC_ARENA_MAX ?= 2
worker: install
	$(BIN)/celery -A studio worker -Q streams,default --pool threads \
		--concurrency $(STREAMS_PER_WORKER) --prefetch-multiplier 1 --loglevel INFO

beat: install
	$(BIN)/celery -A studio beat --loglevel INFO --schedule $${CELERY_BEAT_SCHEDULE_FILE:-var/celerybeat-schedule}

simulator: install
	$(BIN)/python -m upstream.simulator --host $(HOST) --port $(SIMULATOR_PORT)

test: catalogs
	$(BIN)/pytest

test-fast: catalogs
	$(BIN)/pytest -m "not integration and not browser"

## Starts its own stack, measures, prints a table and writes bench/results.json.
bench: install
	$(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) var test-artifacts .pytest_cache .ruff_cache
