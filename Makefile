# LMNS Assurance: `make run` sets up and serves the demo; `make test` runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1:8000

.PHONY: run test install check-pdf lint benchmark loadtest

run: $(VENV)/.installed check-pdf
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py runserver $(HOST)

test: $(VENV)/.installed
	$(BIN)/pytest

install: $(VENV)/.installed

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# PDFs need the system's Pango library; the rest of the app works without it.
check-pdf: $(VENV)/.installed
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null \
	  && echo "PDF export: WeasyPrint and Pango found." \
	  || echo "PDF export unavailable: install Pango (Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; macOS: brew install pango). Everything else works."

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# National-scale page timings in a database of their own (see docs/performance.md).
benchmark: $(VENV)/.installed
	$(BIN)/python manage.py benchmark

# 50 simulated people for 60 s against gunicorn on PostgreSQL (see docs/performance.md).
loadtest: $(VENV)/.installed
	BIN=$(BIN) loadtest/run.sh
