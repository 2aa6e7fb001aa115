# make help lists the targets.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
UV_VERSION := 0.13.9

.PHONY: help venv test bench demo-data clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION) \
	  && $(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock \
	  || $(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	@touch $@

venv: $(VENV)/.installed  ## create the virtual environment from requirements.lock

test: venv  ## run the whole test suite
	$(PY) -m pytest

bench: venv  ## time every stage at one LA and at national size (prints numbers)
	$(PY) -m pipeline.bench

demo-data: venv  ## write the synthetic demo inbox to data/inbox
	$(PY) -m pipeline synthetic --out data/inbox

clean:  ## remove generated data (never the lock or the code)
	rm -rf data .pytest_airflow_home .pytest_cache
