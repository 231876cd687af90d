# Vouch — `make run` sets up and starts the demo; `make test` runs every test.
SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
VOUCH := $(VENV)/bin/vouch
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: run setup test test-deep bench lint clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# The virtual environment, installed exactly from the committed lock file.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python python3
	touch $@

setup: $(VENV)/.synced

run: setup
	$(VOUCH) migrate
	$(VOUCH) demo --if-empty $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)",)
	@echo
	@echo "Vouch demo database: $${VOUCH_DATABASE_URL:-var/vouch.db}. Try:"
	@echo "  $(VOUCH) records list customer --as hanmeimei"
	@echo "  $(VOUCH) check hanmeimei delete customer 1 --explain"
	@echo "  $(VOUCH) matrix zhaomin"
	@echo "(The HTTP API and the console arrive with the API and console issues.)"

test: setup
	$(PY) -m pytest -q -p no:cacheprovider

test-deep: setup
	VOUCH_DEEP=1 $(PY) -m pytest -q -p no:cacheprovider tests/property

bench: setup
	$(PY) -m bench.run $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .hypothesis
