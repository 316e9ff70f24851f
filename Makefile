# Aftercare — two commands for a new user: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
# Two workers: the suite is mostly waiting on databases and the browser.
PYTEST_ARGS ?= -n 2

# `run` is the product as users see it (DEBUG off: the site's own error pages, static files
# through WhiteNoise straight from the source tree); `dev` is the same with Django's debug pages.
.PHONY: run dev test test-fast test-e2e lint typecheck format migrations-check messages demo clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
		{ echo "Aftercare needs Python >= 3.11 (found: $$($(PYTHON) --version 2>&1))."; exit 1; }
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
		echo "python3 cannot create a virtualenv: install it with 'sudo apt-get install python3-venv'."; exit 1; }

$(STAMP): $(BIN)/python pyproject.toml constraints.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev]'
	@touch $(STAMP)

run: $(STAMP)
	AFTERCARE_DEBUG=0 $(BIN)/aftercare serve --host $(HOST) --port $(PORT)

dev: $(STAMP)
	AFTERCARE_DEBUG=1 $(BIN)/aftercare serve --host $(HOST) --port $(PORT)

# The whole suite. Browser tests need Debian's Chromium, PDF tests a CJK font and pdftotext;
# without them those tests are left out with one clear line each (CI installs them and sets
# AFTERCARE_REQUIRE_BROWSER=1 to make a missing piece a failure).
CHROMIUM ?= $(shell command -v chromium 2>/dev/null || command -v chromium-browser 2>/dev/null)
test: $(STAMP)
	@leave_out=""; \
	if [ -z "$(CHROMIUM)" ]; then \
	  if [ -n "$$AFTERCARE_REQUIRE_BROWSER" ]; then echo "Chromium not found: browser tests cannot run (apt-get install chromium)."; exit 1; fi; \
	  echo "Chromium not found: browser tests left out (sudo apt-get install chromium to run them)."; \
	  leave_out="not e2e"; \
	fi; \
	if ! command -v pdftotext >/dev/null 2>&1 || [ -z "$$(fc-list :lang=zh 2>/dev/null)" ]; then \
	  if [ -n "$$AFTERCARE_REQUIRE_BROWSER" ]; then echo "No CJK font or pdftotext: PDF tests cannot run (apt-get install fonts-noto-cjk poppler-utils)."; exit 1; fi; \
	  echo "No CJK font or pdftotext: PDF tests left out (sudo apt-get install fonts-noto-cjk poppler-utils to run them)."; \
	  leave_out="$${leave_out:+$$leave_out and }not pdf"; \
	fi; \
	if ! $(BIN)/python -c 'import socket; socket.create_connection(("127.0.0.1", 5432), 2).close()' 2>/dev/null; then \
	  if [ -n "$$AFTERCARE_REQUIRE_BROWSER" ]; then echo "PostgreSQL not reachable on 127.0.0.1:5432: the scale-out tests cannot run."; exit 1; fi; \
	  echo "PostgreSQL not reachable on 127.0.0.1:5432: scale-out tests (tests/ops) left out."; \
	  leave_out="$${leave_out:+$$leave_out and }not scale"; \
	fi; \
	set -x; CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m pytest $${leave_out:+-m "$$leave_out"} $(PYTEST_ARGS)

test-fast: $(STAMP)
	$(BIN)/python -m pytest -m "not e2e and not pdf" -x -q $(PYTEST_ARGS)

test-e2e: $(STAMP)
	CHROMIUM_PATH=$(CHROMIUM) $(BIN)/python -m pytest -m e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

# Strict for the base (standard, org, obligations, records) and every app added from now on;
# the apps that came before are listed as legacy in pyproject.toml.
typecheck: $(STAMP)
	AFTERCARE_HOME=$$(mktemp -d) $(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrations-check: $(STAMP)
	AFTERCARE_HOME=$$(mktemp -d) $(BIN)/aftercare makemigrations --check --dry-run

# Refresh locale/*/django.po from the source and recompile the committed .mo files (needs GNU
# gettext). New strings arrive untranslated: fill them in, then run this again.
messages: $(STAMP)
	(cd src/aftercare && AFTERCARE_HOME=$$(mktemp -d) ../../$(BIN)/aftercare makemessages -l zh_Hant -l zh_Hans --no-location --no-obsolete --ignore 'static/*' && AFTERCARE_HOME=$$(mktemp -d) ../../$(BIN)/aftercare compilemessages)

demo: $(STAMP)
	$(BIN)/aftercare demo --reset

clean:
	rm -rf $(VENV) var .pytest_cache
