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
# Three pytest runs side by side: the two suites that keep a core busy in-process (tests/infra,
# Pulumi's mocks; tests/service, the app over PostgreSQL) each get a run, beside a third for the
# rest, which mostly waits on the servers it starts. Two runs left the CPU-bound half a core
# short while the other waited (1.46 of 2 cores busy in the CI rehearsal). Each run keeps its own
# coverage data, combined into one report; each prints its 25 slowest tests, so the budget has a
# profile; the runs' closing lines come last.
PYTEST_GROUPS := infra service
PYTEST_OTHERS := $(PYTEST_GROUPS:%=--ignore=tests/%)
PYTEST_LOGS := var/pytest
PYTEST_RUN = $(PY) -m pytest --cov-report= --durations=25
test-python: venv client-build
	@mkdir -p $(PYTEST_LOGS)
	@COVERAGE_FILE=.coverage.run-infra $(PYTEST_RUN) tests/infra > $(PYTEST_LOGS)/infra.log 2>&1 & infra=$$!; \
	COVERAGE_FILE=.coverage.run-service $(PYTEST_RUN) tests/service > $(PYTEST_LOGS)/service.log 2>&1 & service=$$!; \
	COVERAGE_FILE=.coverage.run-others $(PYTEST_RUN) $(PYTEST_OTHERS) > $(PYTEST_LOGS)/others.log 2>&1; others=$$?; \
	wait $$infra; infra=$$?; wait $$service; service=$$?; \
	cat $(PYTEST_LOGS)/infra.log $(PYTEST_LOGS)/service.log $(PYTEST_LOGS)/others.log; \
	$(VENV_BIN)/coverage combine --quiet .coverage.run-infra .coverage.run-service .coverage.run-others \
		&& $(VENV_BIN)/coverage report; \
	echo "tests/infra: $$(tail -n1 $(PYTEST_LOGS)/infra.log)"; \
	echo "tests/service: $$(tail -n1 $(PYTEST_LOGS)/service.log)"; \
	echo "the other suites: $$(tail -n1 $(PYTEST_LOGS)/others.log)"; \
	[ $$infra -eq 0 ] && [ $$service -eq 0 ] && [ $$others -eq 0 ]

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
