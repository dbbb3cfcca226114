# The two commands of a fresh machine: `make run` and `make test`.
PYTHON ?= python3
PORT ?= 5000
VENV := .venv
BIN := $(VENV)/bin
STAMPS := $(VENV)/.stamps
VENDOR := service/static/vendor
CHROMIUM := /usr/bin/chromium
# The OpenFisca Web API (rights check) runs in a virtualenv of its own: its pins clash with the app's.
OPENFISCA_VENV := .venv-openfisca
OPENFISCA_PORT ?= 5011

.PHONY: run test test-sqlite test-postgresql lint bench setup setup-dev assets system-packages clean

## run: set everything up, migrate, seed the demo data (diagrams are deployed at start), serve on http://127.0.0.1:$(PORT)
run: setup
	$(BIN)/entraide db upgrade
	$(BIN)/entraide demo seed
	@echo "OpenFisca Web API starting on 127.0.0.1:$(OPENFISCA_PORT) (log: $(OPENFISCA_VENV)/serve.log)"
	@OPENFISCA_PORT=$(OPENFISCA_PORT) $(OPENFISCA_VENV)/bin/openfisca serve -c openfisca_france \
		-f tools/openfisca/gunicorn.conf.py > $(OPENFISCA_VENV)/serve.log 2>&1 & openfisca=$$!; \
	trap 'kill $$openfisca 2>/dev/null' EXIT INT TERM; \
	ENTRAIDE_OPENFISCA_URL=http://127.0.0.1:$(OPENFISCA_PORT) $(BIN)/entraide run --host 127.0.0.1 --port $(PORT)

## test: set up with the dev tools, then pytest on SQLite, and on PostgreSQL when ENTRAIDE_TEST_DATABASE_URL is set
test: setup-dev system-packages
	$(MAKE) --no-print-directory test-sqlite
	@if [ -n "$$ENTRAIDE_TEST_DATABASE_URL" ]; then $(MAKE) --no-print-directory test-postgresql; \
	else echo "ENTRAIDE_TEST_DATABASE_URL is not set: PostgreSQL run skipped."; fi

test-sqlite:
	@echo "== pytest on SQLite"
	env -u ENTRAIDE_TEST_DATABASE_URL $(BIN)/pytest

test-postgresql:
	@echo "== pytest on PostgreSQL"
	$(BIN)/pytest

## lint: ruff (check and format) and mypy
lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## bench: benchmarks, printing RATIO lines against a baseline measured in the same run
bench: setup-dev
	@set -e; for script in bench/bench_*.py; do [ -e "$$script" ] || continue; $(BIN)/python $$script; done

setup: $(STAMPS)/app $(STAMPS)/openfisca assets
setup-dev: $(STAMPS)/dev $(STAMPS)/openfisca assets

$(STAMPS)/venv:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Python 3.11 or newer is needed (PYTHON=$(PYTHON))."; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/app: $(STAMPS)/venv pyproject.toml
	$(BIN)/pip install --quiet -e .
	@touch $@

$(STAMPS)/dev: $(STAMPS)/app pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

## openfisca: the OpenFisca Web API (OpenFisca-France) in $(OPENFISCA_VENV), for the rights check
$(STAMPS)/openfisca: $(STAMPS)/venv tools/openfisca/requirements.txt
	$(PYTHON) -m venv $(OPENFISCA_VENV)
	$(OPENFISCA_VENV)/bin/pip install --quiet -r tools/openfisca/requirements.txt
	@touch $@

## assets: front-end libraries from npm (package-lock.json), copied into service/static/vendor
assets: $(VENDOR)/.installed

$(VENDOR)/.installed: package.json package-lock.json
	SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error  # swagger-ui-dist pulls @scarf/scarf: no telemetry
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/bpmn-js
	cp -r node_modules/bpmn-js/dist/assets node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js $(VENDOR)/bpmn-js/
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/
	@touch $@

## system-packages: Debian's chromium (browser tests; Playwright cannot download its own browser here)
## and poppler-utils (pdftotext reads the issued PDF documents back in the tests)
system-packages:
	@if [ ! -x $(CHROMIUM) ] || [ ! -x /usr/bin/pdftotext ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium poppler-utils >/dev/null; \
		else echo "Install Debian's chromium and poppler-utils (sudo apt-get install chromium poppler-utils)."; exit 1; fi; \
	fi

clean:
	rm -rf $(VENV) $(OPENFISCA_VENV) node_modules $(VENDOR) instance .pytest_cache .mypy_cache .ruff_cache
