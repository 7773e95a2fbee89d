# Two commands matter: `make run` (the whole system with a demo organisation) and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell sha1sum pyproject.toml | cut -c1-12)
export PYTHONPATH := $(CURDIR)
# psycopg's C implementation, waiting through select(), which eventlet makes cooperative (ic_platform/green.py)
export PSYCOPG_IMPL := binary
export PSYCOPG_WAIT_FUNC := wait_select

.PHONY: run test unit integration lint bench fuzz catalogue install infra clean clients clients-test

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "Python 3.11 is required (nameko 2.14 stack)"'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

infra:
	@bash scripts/ensure-infra.sh

# The web (/) and phone (/m/) clients: npm packages from the lockfile, a Vite build into clients/web/dist,
# redone only when a source changed (the stamp is older than one of them).
WEB := clients/web
WEB_SRC := $(shell find $(WEB)/src $(WEB)/m $(WEB)/public -type f 2>/dev/null) \
	$(wildcard $(WEB)/index.html $(WEB)/vite.config.ts $(WEB)/tsconfig.json $(WEB)/package-lock.json)
WEB_DEPS := $(WEB)/node_modules/.installed
WEB_STAMP := $(WEB)/dist/.built

clients: $(WEB_STAMP)

$(WEB_DEPS): $(WEB)/package-lock.json
	@bash scripts/ensure-browser.sh node
	cd $(WEB) && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_STAMP): $(WEB_DEPS) $(WEB_SRC)
	cd $(WEB) && npx vite build --logLevel warn
	@touch $@

# Type check, then Vitest: the clients' form rules
clients-test: $(WEB_DEPS)
	cd $(WEB) && npx vue-tsc --noEmit && npx vitest run

run: install infra clients
	@mkdir -p var/log
	$(PY) -m deploy.run

test: install infra lint clients clients-test
	@bash scripts/ensure-browser.sh browser
	$(PY) -m pytest -q -p no:cacheprovider --durations=25

unit: install
	$(PY) -m pytest -q tests/unit

integration: install infra
	$(PY) -m pytest -q tests/integration

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: install infra clients
	$(PY) -m bench
	$(PY) -m bench.drills
	$(MAKE) fuzz

# schemathesis against a throwaway stack, as two users of different units, all phases (bench/fuzz.py)
fuzz: install infra
	$(PY) -m bench.fuzz

catalogue: install
	$(PY) -m ic_platform.cli catalogue

clean:
	rm -rf var .pytest_cache
