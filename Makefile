# Two commands on a fresh machine: `make run` and `make test`. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install run test model demo clean

install: $(VENV)/.installed model

# Re-installs only when pyproject.toml changes. torch comes first, from the CPU build on disk.
$(VENV)/.installed: pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q "torch==2.13.0"
	$(PIP) install -q -e ".[test]"
	touch $@

# Exports the installed weights to an int8 ONNX model once (skipped when already there).
model: $(VENV)/.installed
	$(PY) manage.py prepare_model

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo

run: demo
	@echo "Serving http://127.0.0.1:$(PORT)/ (worker and server; Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(PY) manage.py db_worker --interval 0.5 & \
	  $(PY) manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
