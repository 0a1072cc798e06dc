# Lantern: set-up, demo and tests. On a fresh machine (python3, make, git) these two are enough:
#
#   make demo    Python runtime + front-end assets, then `lantern demo` (http://127.0.0.1:8000)
#   make test    + test tools + Debian packages (chromium, ...), then ruff and pytest
#
# Every step is idempotent and keyed on the contents of its lockfile: the stamp file's name carries
# a hash of requirements/*.txt + pyproject.toml (or package-lock.json), so a changed lock reinstalls
# and an unchanged one costs nothing (a stamp with the wrong hash is simply not found).
# Pass-throughs: DEMO_ARGS="--no-serve", PYTEST_ARGS="-k orders -x".

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

# The lockfiles are compiled for Python 3.11: prefer a python3.11 if there is one.
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null || echo python3)
UV_VERSION := 0.13.9
VENV := .venv
VPY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
VENV_STAMP := $(VENV)/.lantern-venv
UV_STAMP := $(VENV)/.lantern-uv-$(UV_VERSION)
# Empty when .venv/bin/python is missing or does not run.
VENV_OK := $(shell "$(VPY)" -c '' >/dev/null 2>&1 && echo ok)
VENDOR := src/lantern/web/static/vendor
DEMO_ARGS ?=
PYTEST_ARGS ?=
# uv only ever uses the venv's own interpreter; never let it fetch one.
export UV_PYTHON_DOWNLOADS ?= never
# Lint only the folders that exist (an empty folder is not in a git clone).
LINT_PATHS := $(wildcard src tests benchmarks)

# $(call key,FILES): a short hash of the files' contents.
key = $(shell cat $(1) 2>/dev/null | sha256sum | cut -c1-16)

BASE_STAMP := $(VENV)/.lantern-base-$(call key,requirements/base.txt pyproject.toml)
DEV_STAMP := $(VENV)/.lantern-dev-$(call key,requirements/base.txt requirements/dev.txt pyproject.toml)
NPM_STAMP := node_modules/.lantern-$(call key,package.json package-lock.json)
VENDOR_STAMP := $(VENDOR)/.lantern-$(call key,package-lock.json scripts/vendor-assets.sh)

.PHONY: FORCE help venv venv-base venv-dev assets system-packages demo test lint format clean distclean

help:
	@echo "make demo             set up (runtime only) and run the demo at http://127.0.0.1:8000"
	@echo "                      DEMO_ARGS='--no-serve --seed 7 --scale small' are passed to 'lantern demo'"
	@echo "make test             set up (runtime + test tools + Debian packages), ruff, then pytest"
	@echo "                      PYTEST_ARGS='-k orders -x' are passed to pytest;"
	@echo "                      DATABASE_URL=postgres://postgres@127.0.0.1:5432/DB runs on PostgreSQL"
	@echo "make venv             .venv with the runtime and test tools (venv-base: runtime only)"
	@echo "make assets           npm ci, then copy leaflet/htmx/cytoscape/axe-core into $(VENDOR)"
	@echo "make system-packages  apt-get install chromium chromium-driver poppler-utils pango postgresql-client nginx (+ a JRE)"
	@echo "make lint             ruff check + ruff format --check"
	@echo "make clean            remove var/ and $(VENDOR) (keeps .venv and node_modules)"
	@echo "make distclean        clean, and remove .venv, node_modules and caches"

# ---------------------------------------------------------------- Python environment

venv: venv-dev
venv-base: $(BASE_STAMP)
venv-dev: $(DEV_STAMP)

# The venv itself. A missing or broken interpreter (say, a .venv from another machine or Python)
# forces a fresh one; a working venv is kept, whoever made it.
$(VENV_STAMP): $(if $(VENV_OK),,FORCE)
	@if ! "$(VPY)" -c '' 2>/dev/null; then \
	  echo "Creating $(VENV) with $(PYTHON) ($$("$(PYTHON)" --version 2>&1))"; \
	  "$(PYTHON)" -m venv --clear "$(VENV)"; \
	fi
	@"$(VPY)" -c 'import sys; sys.version_info[:2] == (3, 11) or print("warning: the lockfiles are for Python 3.11; $(VENV) has " + sys.version.split()[0])'
	@touch "$@"

# uv, pinned, installed into the venv with pip. pip may warn about local package indexes that this
# machine lacks; that is harmless. (`uv pip sync` leaves uv, pip and setuptools alone.)
$(UV_STAMP): $(VENV_STAMP)
	@if [[ "$$("$(UV)" --version 2>/dev/null)" != "uv $(UV_VERSION)"* ]]; then \
	  echo "Installing uv $(UV_VERSION) into $(VENV)"; \
	  "$(VPY)" -m pip install --disable-pip-version-check --quiet "uv==$(UV_VERSION)"; \
	fi
	@rm -f $(VENV)/.lantern-uv-*
	@touch "$@"

# Runtime only (demo). `uv pip sync` removes whatever the lock does not list, so this also drops
# the test tools; a full (dev) install counts as a base install, so `make demo` after
# `make test` changes nothing.
$(BASE_STAMP): $(UV_STAMP)
	"$(UV)" pip sync --python "$(VPY)" requirements/base.txt
	"$(UV)" pip install --python "$(VPY)" --no-deps -e .
	@rm -f $(VENV)/.lantern-base-* $(VENV)/.lantern-dev-*
	@touch "$@"

# Runtime + test tools, synced in one go (syncing them one at a time would undo the first).
$(DEV_STAMP): $(UV_STAMP)
	"$(UV)" pip sync --python "$(VPY)" requirements/base.txt requirements/dev.txt
	"$(UV)" pip install --python "$(VPY)" --no-deps -e .
	@rm -f $(VENV)/.lantern-base-* $(VENV)/.lantern-dev-*
	@touch "$@" "$(BASE_STAMP)"

# ---------------------------------------------------------------- front-end assets

assets: $(VENDOR_STAMP)

# `npm ci` installs exactly package-lock.json (emptying node_modules first, old stamp included);
# it is skipped when node_modules already matches the lock. With the vendor folder up to date,
# nothing runs at all, not even npm.
$(VENDOR_STAMP):
	@if [[ ! -f "$(NPM_STAMP)" ]]; then \
	  command -v npm >/dev/null 2>&1 || bash scripts/install-system-packages.sh node; \
	  echo "npm ci --ignore-scripts --no-audit --no-fund"; \
	  npm ci --ignore-scripts --no-audit --no-fund; \
	  touch "$(NPM_STAMP)"; \
	fi
	bash scripts/vendor-assets.sh
	@touch "$@"

# ---------------------------------------------------------------- Debian packages for the tests

system-packages:
	@bash scripts/install-system-packages.sh

# ---------------------------------------------------------------- run

demo: venv-base assets
	"$(VENV)/bin/lantern" demo $(DEMO_ARGS)

test: venv-dev assets system-packages
	"$(VENV)/bin/ruff" check $(LINT_PATHS)
	"$(VPY)" -m pytest $(PYTEST_ARGS)

lint: venv-dev
	"$(VENV)/bin/ruff" check $(LINT_PATHS)
	"$(VENV)/bin/ruff" format --check $(LINT_PATHS)

format: venv-dev
	"$(VENV)/bin/ruff" check --fix $(LINT_PATHS)
	"$(VENV)/bin/ruff" format $(LINT_PATHS)

FORCE:

# ---------------------------------------------------------------- tidy

clean:
	rm -rf var "$(VENDOR)"

distclean: clean
	rm -rf "$(VENV)" node_modules .pytest_cache .ruff_cache .hypothesis artifacts build dist
	find src tests benchmarks -name __pycache__ -type d -prune -exec rm -rf {} + 2>/dev/null || true
	find src -maxdepth 1 -name '*.egg-info' -type d -prune -exec rm -rf {} + 2>/dev/null || true
