# Pulumi infrastructure (issue 5): mock tests of both stacks and the workflow lint.
# Included by the Makefile, which defines VENV_BIN, PY and the venv target.
VENV_BIN ?= .venv/bin
PY ?= $(VENV_BIN)/python
WORKFLOWS := $(wildcard .github/workflows/*.yml)

.PHONY: test-infra lint-workflows

# The real program under pulumi.runtime.set_mocks, once per stack file (dev, prod).
test-infra: venv
	$(PY) -m pytest tests/infra --no-cov

# actionlint also runs shellcheck on `run:` steps when shellcheck is on PATH.
lint-workflows: venv
	$(VENV_BIN)/actionlint -color $(WORKFLOWS)
