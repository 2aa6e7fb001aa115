# make help lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.9

# Debian libraries WeasyPrint needs (Pango >= 1.44 and HarfBuzz subset).
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

# The demo: October 2026's pack through a real Airflow run, with 23 months of history before it.
# (The tests run it small: make demo DATA=/tmp/x DEMO_SCALE=0.05 DEMO_MONTHS=2 DEMO_HISTORY=2026-09.)
DATA         ?= $(CURDIR)/data
DEMO_SCALE   ?= 1
DEMO_MONTHS  ?= 36
DEMO_PERIOD  := 2026-10
DEMO_HISTORY ?= 2024-11
DEMO_RUN     := 2026-11-01T06:00:00+00:00
DEMO_QUARTER_RUN := 2026-10-01T07:00:00+00:00
DEMO_ENV := AIRFLOW_HOME=$(DATA)/airflow AIRFLOW__CORE__DAGS_FOLDER=$(CURDIR)/dags \
  AIRFLOW__CORE__LOAD_EXAMPLES=False GX_ANALYTICS_ENABLED=false \
  SEND_DATA_DIR=$(DATA) SEND_INBOX_DIR=$(DATA)/inbox SEND_NHS_PROVIDER_CODE=RXL

.PHONY: help venv system-deps browser services test bench demo-data demo up down status airflow clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
	  && $(VENV)/bin/uv pip install --quiet --compile-bytecode --python $(PY) -r requirements.lock \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@# make `pipeline` importable from anywhere in the venv (Airflow tasks, the airflow CLI), as an editable install would
	@echo "$(CURDIR)" > "$$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/send-board-pack.pth"
	@touch $@

venv: $(VENV)/.installed  ## create the virtual environment from requirements.lock

system-deps:  ## install WeasyPrint's Debian libraries when missing (needs root and apt)
	@missing=""; for lib in $(SYSTEM_LIBS); do \
	  dpkg -s $$lib >/dev/null 2>&1 || missing="$$missing $$lib"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing$$missing"; \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null)); \
	  else echo "please install:$$missing (sudo apt-get install$$missing)"; exit 1; fi; fi

# The browser checks (tests/browser): Debian's Chromium, never a downloaded one, and axe-core with
# puppeteer-core pinned in tools/browser/package-lock.json.
BROWSER_DEBS := chromium fonts-dejavu-core
BROWSER_DIR  := tools/browser

browser:  ## install Debian's chromium and the pinned node packages of the browser checks, when missing
	@missing=""; test -x /usr/bin/chromium || missing="$(BROWSER_DEBS)"; \
	command -v npm >/dev/null || missing="$$missing nodejs npm"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing $$missing"; \
	    (apt-get install -y -q $$missing >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q $$missing >/dev/null)); \
	  else echo "please install: $$missing (sudo apt-get install $$missing)"; exit 1; fi; fi
	@if [ ! -d $(BROWSER_DIR)/node_modules ] || [ $(BROWSER_DIR)/package-lock.json -nt $(BROWSER_DIR)/node_modules ]; then \
	  echo "npm ci --prefix $(BROWSER_DIR)"; \
	  npm ci --prefix $(BROWSER_DIR) --no-audit --no-fund --loglevel=error && touch $(BROWSER_DIR)/node_modules; fi

test: venv system-deps browser services  ## run the whole test suite (the stack tests need PostgreSQL and Redis on 127.0.0.1)
	$(PY) -m pytest

bench: venv system-deps  ## time one LA's month and national-size staging as whole processes (prints each figure beside its target)
	$(PY) -m pipeline.orchestration.bench --sizes la,national

demo-data: venv system-deps  ## write the synthetic demo inbox to data/inbox (and install the PDF libraries)
	$(PY) -m pipeline synthetic --out data/inbox

demo: venv system-deps  ## the demo pack: synthetic feeds, 23 months of history, then October 2026 through Airflow
	@test -d $(DATA)/inbox || $(PY) -m pipeline -q synthetic --out $(DATA)/inbox --scale $(DEMO_SCALE) --months $(DEMO_MONTHS)
	@echo "building the measures from $(DEMO_HISTORY) to the month before $(DEMO_PERIOD) (history for the trend charts)"
	@$(DEMO_ENV) $(PY) -m pipeline -q run --from-period $(DEMO_HISTORY) --period $$($(PY) -c \
	  "from pipeline.periods import shift_period; print(shift_period('$(DEMO_PERIOD)', -1))") --no-render --inbox $(DATA)/inbox
	@echo "initialising Airflow in $(DATA)/airflow (SQLite, no example DAGs)"
	@mkdir -p $(DATA)/airflow
	@$(DEMO_ENV) $(VENV)/bin/airflow db migrate > $(DATA)/airflow/db-migrate.log 2>&1 || (tail -20 $(DATA)/airflow/db-migrate.log; exit 1)
	@$(DEMO_ENV) $(VENV)/bin/airflow pools set send_warehouse 1 "warehouse writers (1 slot: DuckDB has one writer)" > /dev/null
	@echo "airflow dags test send_monthly_board_pack $(DEMO_RUN) (reports $(DEMO_PERIOD)); log: $(DATA)/airflow/demo-run.log"
	@$(DEMO_ENV) $(VENV)/bin/airflow dags test send_monthly_board_pack $(DEMO_RUN) > $(DATA)/airflow/demo-run.log 2>&1; \
	  grep -a "DagRun Finished" $(DATA)/airflow/demo-run.log | grep -q "state=success" \
	  || (grep -a -E "error|Refused|refused" $(DATA)/airflow/demo-run.log | tail -20; \
	      echo "the run failed: see $(DATA)/airflow/demo-run.log"; exit 1)
	@echo "airflow dags test send_quarterly_stocktake $(DEMO_QUARTER_RUN) (the latest quarter, July to September 2026)"
	@$(DEMO_ENV) $(VENV)/bin/airflow dags test send_quarterly_stocktake $(DEMO_QUARTER_RUN) > $(DATA)/airflow/demo-stocktake.log 2>&1; \
	  grep -a "DagRun Finished" $(DATA)/airflow/demo-stocktake.log | grep -q "state=success" \
	  || (grep -a -E "error|Error" $(DATA)/airflow/demo-stocktake.log | tail -20; \
	      echo "the stocktake run failed: see $(DATA)/airflow/demo-stocktake.log"; exit 1)
	@echo "airflow dags test send_public_dashboard (the public site for $(DEMO_PERIOD); the scheduler runs it after each pack)"
	@$(DEMO_ENV) $(VENV)/bin/airflow dags test send_public_dashboard -c '{"period": "$(DEMO_PERIOD)"}' > $(DATA)/airflow/demo-public.log 2>&1; \
	  grep -a "DagRun Finished" $(DATA)/airflow/demo-public.log | grep -q "state=success" \
	  || (grep -a -E "error|Error" $(DATA)/airflow/demo-public.log | tail -20; \
	      echo "the public site run failed: see $(DATA)/airflow/demo-public.log"; exit 1)
	@echo "The highlight report: $(DATA)/packs/$(DEMO_PERIOD)/SEND-highlight-report-$(DEMO_PERIOD).pdf"
	@echo "  its annex and HTML version: SEND-highlight-report-$(DEMO_PERIOD)-annex.pdf, SEND-highlight-report-$(DEMO_PERIOD).html"
	@echo "The quarterly stocktake: $(DATA)/packs/2026-09/SEND-quarterly-stocktake-2026-Q3.pdf"
	@echo "Every pack: $(DATA)/packs/index.html"
	@echo "The public site: $(DATA)/public/index.html (Easy Read: $(DATA)/public/easy-read/index.html)"

# The production stack on this machine (pipeline/orchestration/stack.py; settings shared with compose in stack.env).
STACK_ENV := SEND_DATA_DIR=$${SEND_DATA_DIR:-$(DATA)}

services: venv  ## make sure the machine's PostgreSQL and Redis listen on 127.0.0.1 (starts them when installed but stopped)
	@$(PY) -m pipeline.orchestration.stack services || echo "(without them the PostgreSQL and stack tests skip, or fail when CI is set)"

up: venv system-deps  ## start the production stack here: api-server (127.0.0.1), scheduler, dag-processor, triggerer, Celery worker
	@$(STACK_ENV) $(PY) -m pipeline.orchestration.stack up

down:  ## stop exactly what `make up` started (by PID)
	@$(STACK_ENV) $(PY) -m pipeline.orchestration.stack down

status:  ## what of the stack runs, and its health
	@$(STACK_ENV) $(PY) -m pipeline.orchestration.stack status

airflow:  ## the airflow CLI with the stack's settings: make airflow ARGS='tasks clear ...'
	@$(STACK_ENV) $(PY) -m pipeline.orchestration.stack airflow $(ARGS)

clean:  ## remove generated data (never the lock or the code)
	rm -rf data .pytest_airflow_home .pytest_cache
