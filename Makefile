# Vouch — `make run` sets up and starts the demo; `make test` runs every test.
SHELL := /bin/bash
UV_VERSION := 0.13.9
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
VOUCH := $(VENV)/bin/vouch
export UV_PROJECT_ENVIRONMENT := $(VENV)
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
# The console (web/) is built into the package; rebuilt only when a file under web/ changed.
CONSOLE := src/vouch/static/console
WEB_SOURCES := $(shell find web -path web/node_modules -prune -o -type f -print 2>/dev/null)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run setup console browser test test-deep bench lint clean

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

# The virtual environment, installed exactly from the committed lock file.
$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python python3
	touch $@

setup: $(VENV)/.synced

# npm ci only when the lock file changed (it empties node_modules/, stamp included).
web/node_modules/.vouch-ci: web/package-lock.json web/package.json
	cd web && npm ci --no-audit --no-fund
	touch $@

$(CONSOLE)/index.html: $(WEB_SOURCES) web/node_modules/.vouch-ci
	cd web && npm run build

console: $(CONSOLE)/index.html

# The browser tests drive Debian's chromium; CJK fonts so that Chinese renders (and shows
# in the screenshots) instead of boxes.
browser:
	@command -v chromium >/dev/null && fc-list | grep -qi "noto.*cjk" || \
	  { $(SUDO) apt-get update -qq && \
	    $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk; }

run: setup console
	$(VOUCH) migrate
	$(VOUCH) demo --if-empty $(if $(DEMO_PASSWORD),--password "$(DEMO_PASSWORD)",)
	@pw="$${DEMO_PASSWORD:-$$($(PY) -c 'from vouch.demo import DEFAULT_DEMO_PASSWORD as p; print(p)')}"; \
	url="http://$${VOUCH_HOST:-127.0.0.1}:$${VOUCH_PORT:-8000}"; \
	echo; \
	echo "Vouch demo database: $${VOUCH_DATABASE_URL:-var/vouch.db}; demo password (demo only): $$pw"; \
	echo "Open the console at $$url and sign in, e.g. as hanmeimei (sales rep), zhaomin"; \
	echo "(finance) or wangfang (administrator), with the demo password."; \
	echo "The API is at $$url/api/v1 (OpenAPI document: $$url/api/v1/openapi.json)."; \
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

test: setup console browser
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
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .hypothesis web/node_modules $(CONSOLE) \
	  test-artifacts
