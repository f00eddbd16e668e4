# paymentaudit: the two commands are `make demo` and `make test`.
# Each creates .venv when missing and installs the project from pyproject.toml.
# A second run reinstalls only when pyproject.toml changed (the stamp files below).

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
PIP    := $(PY) -m pip --disable-pip-version-check -q
CHECKOV_VENV := $(VENV)/tools/checkov
CHECKOV := $(CHECKOV_VENV)/bin/checkov
# checkov pins old shared libraries (urllib3 1.x, networkx 2.x): it lives in its own venv.
CHECKOV_VERSION ?= 3.3.30
ZIZMOR_VENV := $(VENV)/tools/zizmor
ZIZMOR := $(ZIZMOR_VENV)/bin/zizmor
# zizmor, the GitHub Actions security lint, run over .github/workflows/: its own venv too.
ZIZMOR_VERSION ?= 1.32.0
# parliament (duo-labs), the IAM policy linter run on `iam-policy --scope`: it imports
# pkg_resources (setuptools<81) and pins old libraries, so it lives in its own venv too.
PARLIAMENT_VENV := $(VENV)/tools/parliament
PARLIAMENT_PY := $(PARLIAMENT_VENV)/bin/python
PARLIAMENT_VERSION ?= 1.6.4
# Headless Chromium for the report check (tests/browser): @sparticuz/chromium ships the browser
# inside its npm package (no download from a browser CDN), driven by puppeteer-core.
CHROMIUM_TOOLS := $(VENV)/tools/chromium
CHROMIUM_PACKAGES ?= @sparticuz/chromium@133.0.0 puppeteer-core@24.2.1
# CDK Terrain, the maintained fork of CDKTF, in its own venv: the tests synthesize the stack with it too.
CDKTN_VENV := $(VENV)/tools/cdktn
CDKTN_PY := $(CDKTN_VENV)/bin/python

.PHONY: demo test lint format bench clean help

help:
	@echo "make demo   validate prod-abc123 against the embedded sandbox AWS account"
	@echo "make test   ruff, lint-imports, mypy, zizmor, pytest (stack synth + checkov included)"
	@echo "make bench  the benchmark suite (bench/, not part of the tests)"

$(PY):
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "paymentaudit needs Python 3.11+, found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --upgrade pip setuptools wheel

# Runtime + the embedded sandbox (moto): enough for `make demo`.
$(VENV)/.stamp-demo: pyproject.toml | $(PY)
	$(PIP) install -e '.[sandbox]'
	@touch $@

# Everything: dev tools and the CDKTF stack.
$(VENV)/.stamp-dev: pyproject.toml | $(PY)
	$(PIP) install -e '.[dev,stack,sandbox]'
	@touch $@ $(VENV)/.stamp-demo

$(CHECKOV):
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip --disable-pip-version-check -q install 'checkov==$(CHECKOV_VERSION)'

$(ZIZMOR):
	$(PYTHON) -m venv $(ZIZMOR_VENV)
	$(ZIZMOR_VENV)/bin/python -m pip --disable-pip-version-check -q install 'zizmor==$(ZIZMOR_VERSION)'

$(CHROMIUM_TOOLS)/.stamp:
	mkdir -p $(CHROMIUM_TOOLS)
	cd $(CHROMIUM_TOOLS) && npm init -y >/dev/null && npm install --no-audit --no-fund --loglevel=error $(CHROMIUM_PACKAGES)
	@touch $@

$(PARLIAMENT_VENV)/.stamp:
	$(PYTHON) -m venv $(PARLIAMENT_VENV)
	$(PARLIAMENT_PY) -m pip --disable-pip-version-check -q install 'parliament==$(PARLIAMENT_VERSION)' 'setuptools<81'
	@touch $@

$(CDKTN_VENV)/.stamp: pyproject.toml
	$(PYTHON) -m venv $(CDKTN_VENV)
	$(CDKTN_PY) -m pip --disable-pip-version-check -q install 'cdktn>=0.22' 'cdktn-provider-aws>=23' 'constructs>=10.3'
	@touch $@

demo: $(VENV)/.stamp-demo
	@# Exit 1 means NOT READY, which is the expected verdict: the sandbox plants drifts in prod.
	@$(PY) -m paymentaudit validate prod-abc123 --sandbox; rc=$$?; \
	  if [ $$rc -eq 1 ]; then echo "(exit 1 = NOT READY: the sandbox plants drifts in prod-abc123 on purpose)"; exit 0; fi; exit $$rc

# ruff, the import contracts of the one-way pipeline ([tool.importlinter] in pyproject.toml)
# and the type checker ([tool.mypy]).
lint: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

format: $(VENV)/.stamp-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

test: $(VENV)/.stamp-dev $(CHECKOV) $(ZIZMOR) $(CDKTN_VENV)/.stamp $(PARLIAMENT_VENV)/.stamp $(CHROMIUM_TOOLS)/.stamp lint
	$(ZIZMOR) --offline --strict-collection .github/workflows/
	CHECKOV_BIN=$(abspath $(CHECKOV)) CHROMIUM_TOOLS=$(abspath $(CHROMIUM_TOOLS)) PARLIAMENT_PYTHON=$(abspath $(PARLIAMENT_PY)) ZIZMOR_BIN=$(abspath $(ZIZMOR)) CDKTN_PYTHON=$(abspath $(CDKTN_PY)) $(PY) -m pytest

bench: $(VENV)/.stamp-dev
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache stack/cdktf.out
