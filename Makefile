# make run  — set up (virtualenv, packages, migrations, demo data) and serve on http://127.0.0.1:5000;
#             HOST=0.0.0.0 make run serves the office network and prints the address for phones
# make test — the same set-up plus test tools and Chromium, then the whole test suite
# make bench-quick — the quick benchmark pass CI runs
# make fonts — rebuild the PDF fonts in app/printing/fonts/ from Debian's packages (and check them)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint setup db bench bench-quick browser print-tools deploy-tools fonts clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime

db: setup
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

# HOST and PORT reach the app too: its PUBLIC_BASE_URL (QR codes, links) defaults from them,
# and show-address prints it, the machine's LAN address when HOST=0.0.0.0.
run: db
	@HOST=$(HOST) PORT=$(PORT) $(FLASK) show-address
	@echo "Demo accounts are listed in README.md."
	HOST=$(HOST) PORT=$(PORT) $(FLASK) run --host $(HOST) --port $(PORT)

browser:
	@bash scripts/ensure-browser.sh

print-tools:
	@bash scripts/ensure-print-tools.sh

deploy-tools:
	@bash scripts/ensure-deploy-tools.sh

fonts: $(VENV)/.dev print-tools
	$(BIN)/python scripts/build_fonts.py
	$(BIN)/python scripts/build_fonts.py --check

lint: $(VENV)/.dev
	$(BIN)/ruff check app tests bench wsgi.py

test: $(VENV)/.dev browser print-tools deploy-tools lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(VENV)/.dev
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_printing.py
	$(BIN)/python bench/bench_pages.py
	$(BIN)/python bench/bench_certificates.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_stats.py --both --report bench/out
	$(BIN)/python bench/bench_records.py --both --report bench/out

bench-quick: $(VENV)/.dev
	$(BIN)/python bench/bench_import.py --rows 2000
	$(BIN)/python bench/bench_printing.py --quick
	$(BIN)/python bench/bench_pages.py --quick
	$(BIN)/python bench/bench_certificates.py --quick
	$(BIN)/python bench/bench_reports.py --quick
	$(BIN)/python bench/bench_stats.py --quick
	$(BIN)/python bench/bench_records.py --quick

clean:
	rm -rf $(VENV) .pytest_cache test-output
