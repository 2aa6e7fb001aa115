# make help lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.9

# Debian libraries WeasyPrint needs (Pango >= 1.44 and HarfBuzz subset).
SYSTEM_LIBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0

.PHONY: help venv system-deps test bench demo-data clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock \
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

test: venv system-deps  ## run the whole test suite
	$(PY) -m pytest

bench: venv  ## time every stage at one LA and at national size (prints numbers)
	$(PY) -m pipeline.bench

demo-data: venv system-deps  ## write the synthetic demo inbox to data/inbox (and install the PDF libraries)
	$(PY) -m pipeline synthetic --out data/inbox

clean:  ## remove generated data (never the lock or the code)
	rm -rf data .pytest_airflow_home .pytest_cache
