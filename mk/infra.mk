# The Pulumi program in infra/: its mock tests over both stacks, and the GitHub workflows' lint.
# Included by the Makefile.
WORKFLOWS := $(wildcard .github/workflows/*.yml)

.PHONY: test-infra lint-workflows

# The real program under pulumi.runtime.set_mocks, once per stack file (dev, prod).
test-infra: venv
	$(PY) -m pytest tests/infra --no-cov

# actionlint also runs shellcheck on `run:` steps when shellcheck is on PATH.
lint-workflows: venv
	$(VENV_BIN)/actionlint -color $(WORKFLOWS)
