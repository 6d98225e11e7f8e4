# The two commands:   make run   (the platform on http://127.0.0.1:8080)
#                     make test  (every test suite, with coverage)
SHELL := /bin/bash
BOOTSTRAP_PYTHON ?= python3
# Declared here once; the files in mk/ use them.
VENV := .venv
VENV_BIN := $(VENV)/bin
PY := $(VENV_BIN)/python
REQUIREMENTS := requirements.txt service/requirements.txt $(wildcard requirements-*.txt)
VENV_STAMP := $(VENV)/.installed

.DEFAULT_GOAL := help
.PHONY: help venv run admin test test-python lint lint-python bench clean

help:
	@echo "make run     serve the API and site on http://127.0.0.1:8080 (embedded PostgreSQL in var/)"
	@echo "make admin   create an admin for make run (USERNAME=, EMAIL=; password prompted)"
	@echo "make test    run every test suite and print coverage"
	@echo "make bench   load-test the API with wrk and print req/s, p50, p99"
	@echo "make stack   the production-like stack: nginx + granian + PostgreSQL on 127.0.0.1"
	@echo "make clean   remove var/ (local database and logs) and build outputs"

# The virtualenv is rebuilt from the pinned files whenever one of them changes.
$(VENV_STAMP): $(REQUIREMENTS)
	@test -x $(PY) || $(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

venv: $(VENV_STAMP)

run: venv client-build
	$(PY) -m localplatform.dev_server

# An admin for `make run`'s database, hashed with its password pepper. USERNAME and EMAIL override the defaults.
admin: venv
	$(PY) -m localplatform.dev_server create-admin --username "$(or $(USERNAME),admin)" --email "$(or $(EMAIL),admin@example.com)"

# Every suite runs even when another fails (-k); the exit code reports any failure. The Python
# suite spends most of its time waiting on servers it started, so the client suite and the lint
# run beside it (-j2), each one's output printed whole when it ends (--output-sync).
test: venv client-deps
	@$(MAKE) --no-print-directory -k -j2 --output-sync=target test-python test-client lint

# The e2e, fuzz and fault suites serve the built client through nginx.
# Two pytest runs side by side: the suites that keep a core busy in-process (Pulumi's mocks, the
# app over PostgreSQL) beside the rest, which mostly wait on the servers they start. Each keeps its
# own coverage data; they are combined into one report, then both runs' closing lines come last.
PYTEST_IN_PROCESS := tests/infra tests/service
PYTEST_OTHERS := $(PYTEST_IN_PROCESS:%=--ignore=%)
PYTEST_LOGS := var/pytest
test-python: venv client-build
	@mkdir -p $(PYTEST_LOGS)
	@COVERAGE_FILE=.coverage.in-process $(PY) -m pytest --cov-report= $(PYTEST_IN_PROCESS) \
		> $(PYTEST_LOGS)/in-process.log 2>&1 & in_process=$$!; \
	COVERAGE_FILE=.coverage.servers $(PY) -m pytest --cov-report= $(PYTEST_OTHERS) \
		> $(PYTEST_LOGS)/servers.log 2>&1; servers=$$?; \
	wait $$in_process; in_process=$$?; \
	cat $(PYTEST_LOGS)/in-process.log $(PYTEST_LOGS)/servers.log; \
	$(VENV_BIN)/coverage combine --quiet .coverage.in-process .coverage.servers && $(VENV_BIN)/coverage report; \
	echo "$(PYTEST_IN_PROCESS): $$(tail -n1 $(PYTEST_LOGS)/in-process.log)"; \
	echo "the other suites: $$(tail -n1 $(PYTEST_LOGS)/servers.log)"; \
	[ $$in_process -eq 0 ] && [ $$servers -eq 0 ]

lint: lint-python lint-docker lint-workflows

lint-python: venv
	$(VENV_BIN)/ruff check .

# Options go through ARGS, e.g. make bench ARGS="--users 1000000" (python -m bench --help lists them).
bench: venv /usr/bin/wrk
	$(PY) -m bench $(ARGS)

/usr/bin/wrk:
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends wrk

clean:
	rm -rf var client/dist .coverage htmlcov

include $(wildcard mk/*.mk)
