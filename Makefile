# make run  — set up (virtualenv, packages, migrations, demo data) and serve on http://127.0.0.1:5000;
#             HOST=0.0.0.0 make run serves the office network and prints the address for phones
# make test — the same set-up plus test tools and Chromium, then the whole test suite
# make bench — every benchmark, full size, then docs/BENCHMARKS.md from their figures
# make bench-quick — the quick benchmark pass CI runs
# make fonts — rebuild the PDF fonts in app/printing/fonts/ from Debian's packages (and check them)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint setup db bench bench-quick bench-tools browser print-tools deploy-tools fonts clean

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

bench-tools:
	@bash scripts/ensure-bench-tools.sh

fonts: $(VENV)/.dev print-tools
	$(BIN)/python scripts/build_fonts.py
	$(BIN)/python scripts/build_fonts.py --check

lint: $(VENV)/.dev
	$(BIN)/ruff check app tests bench wsgi.py

test: $(VENV)/.dev browser print-tools deploy-tools lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# make bench: every benchmark at full size (SQLite and PostgreSQL where the issue asks for
# both), each writing its fragment into bench/out, then docs/BENCHMARKS.md from them. A missed
# target does not stop the run: it is marked in the document (and the script exits 1).
BENCH_OUT := bench/out
BENCH_QUICK_OUT := bench/out-quick

bench: $(VENV)/.dev browser bench-tools
	rm -rf $(BENCH_OUT) && mkdir -p $(BENCH_OUT)
	-$(BIN)/python bench/checkin.py --both --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_register.py --both --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_pages.py --report $(BENCH_OUT)
	-BENCH_REPORT_DIR=$(BENCH_OUT) $(BIN)/python -m pytest -q -p no:cacheprovider tests/test_browser_scanner_3g.py
	-$(BIN)/python bench/bench_import.py --both --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_reports.py --both --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_printing.py --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_certificates.py --both --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_stats.py --both --report $(BENCH_OUT)
	-$(BIN)/python bench/bench_records.py --both --report $(BENCH_OUT)
	$(BIN)/python bench/report.py $(BENCH_OUT)

# The quick pass CI runs: small loads, every correctness check, no timing threshold that the
# shared machine could miss; its summary goes to bench/out-quick/BENCHMARKS.md, not docs/.
bench-quick: $(VENV)/.dev bench-tools
	rm -rf $(BENCH_QUICK_OUT) && mkdir -p $(BENCH_QUICK_OUT)
	$(BIN)/python bench/checkin.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_register.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_pages.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_import.py --rows 2000 --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_reports.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_printing.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_certificates.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_stats.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/bench_records.py --quick --report $(BENCH_QUICK_OUT)
	$(BIN)/python bench/report.py $(BENCH_QUICK_OUT) --quick --output $(BENCH_QUICK_OUT)/BENCHMARKS.md

clean:
	rm -rf $(VENV) .pytest_cache test-output
