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
	@pw="$${DEMO_PASSWORD:-$$($(PY) -c 'from vouch.demo import DEFAULT_DEMO_PASSWORD as p; print(p)')}"; \
	url="http://$${VOUCH_HOST:-127.0.0.1}:$${VOUCH_PORT:-8000}"; \
	echo; \
	echo "Vouch demo database: $${VOUCH_DATABASE_URL:-var/vouch.db}; demo password (demo only): $$pw"; \
	echo "Serving the API at $$url/api/v1 (OpenAPI document: $$url/api/v1/openapi.json)."; \
	echo "In another terminal, sign in as a sales rep and list her customers:"; \
	echo "  TOKEN=\$$(curl -s -X POST $$url/api/v1/auth/token -H 'content-type: application/json' \\"; \
	echo "    -d '{\"username\":\"hanmeimei\",\"password\":\"$$pw\"}' \\"; \
	echo "    | python3 -c 'import json,sys; print(json.load(sys.stdin)[\"access_token\"])')"; \
	echo "  curl -s '$$url/api/v1/customers?limit=5' -H \"authorization: Bearer \$$TOKEN\""; \
	echo "  curl -s $$url/api/v1/me -H \"authorization: Bearer \$$TOKEN\""; \
	echo "The CLI works beside it: $(VOUCH) records list customer --as hanmeimei"; \
	echo "Ctrl+C stops the server."; \
	echo
	$(VOUCH) serve

test: setup
	$(PY) -m pytest -q -p no:cacheprovider

test-deep: setup
	VOUCH_DEEP=1 $(PY) -m pytest -q -p no:cacheprovider tests/property

bench: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)  # O8
	$(PY) -m bench.run $(BENCH_ARGS)

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .hypothesis
