# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
ASSETS := static/govuk/app.min.css
TEST_SECRET_KEY := test-only-secret-key-not-for-production

.PHONY: run test lint format worker beat bench bench-records load install assets clean api-schema

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(INSTALLED): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[dev]"
	touch $@

install: $(INSTALLED)

$(ASSETS): package.json package-lock.json frontend/app.scss frontend/build.sh static/js/app.js
	bash frontend/build.sh

assets: $(ASSETS)

# The demo users and the address are printed last, once the server answers, after its own lines.
run: install assets
	DEBUG=1 $(BIN)/python manage.py migrate --no-input
	DEBUG=1 $(BIN)/python manage.py load_demo -v 0
	DEBUG=1 $(BIN)/python manage.py load_demo --show-users --wait-for-server 60 & \
	DEBUG=1 $(BIN)/python manage.py runserver 127.0.0.1:8000

test: install assets
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} DJANGO_SETTINGS_MODULE=config.settings $(BIN)/mypy

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

worker: install
	$(BIN)/celery -A config worker --loglevel=INFO

beat: install
	$(BIN)/celery -A config beat --loglevel=INFO

# The API's committed contract (tests/test_api_schema.py fails when it drifts from the code).
api-schema: install
	SECRET_KEY=$${SECRET_KEY:-$(TEST_SECRET_KEY)} $(BIN)/python manage.py spectacular \
	  --validate --fail-on-warn --file docs/api/openapi.yaml

clean:
	rm -rf $(VENV) node_modules static/govuk static/pdfjs staticfiles db.sqlite3

# Figures for issue 8 at 100,000 cases: needs DATABASE_URL=postgres://…; seeds if fewer exist.
bench: install
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "make bench needs DATABASE_URL=postgres://… (PostgreSQL)"; exit 2;; esac
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python -m benchmarks.run --cases $${BENCH_CASES:-100000}

# Issue 20: convert and OCR a 100-page mixed bundle of records, then redact every page.
bench-records: install
	DJANGO_SETTINGS_MODULE=config.settings $(BIN)/python -m benchmarks.bench_record_release

# Issue 7's load run: 50 signed-in users for 60 s against gunicorn on loopback; zero 5xx or it fails.
load: install
	@case "$$DATABASE_URL" in postgres://*|postgresql://*) ;; \
	  *) echo "make load needs DATABASE_URL=postgres://… (PostgreSQL)"; exit 2;; esac
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python -m benchmarks.load --users $${LOAD_USERS:-50} --seconds $${LOAD_SECONDS:-60} \
	  --think $${LOAD_THINK_SECONDS:-0}
