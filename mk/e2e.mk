# Browser journeys and API fuzzing against the local production-like stack (issue 4).
# Included by the Makefile, which defines VENV_BIN, PY and the venv target; `make test`
# runs both suites as part of its one pytest run over tests/.
VENV_BIN ?= .venv/bin
PY ?= $(VENV_BIN)/python
# The screenshots shown in the README that these journeys take (home and admin come from
# client/scripts/site_check.py).
README_SCREENSHOTS := register status docs

.PHONY: test-e2e test-fuzz screenshots

# The suites serve the built client through nginx, so the Python tests need it built.
test-python: client-build

test-e2e: venv client-build
	$(PY) -m pytest tests/e2e --no-cov

test-fuzz: venv client-build
	$(PY) -m pytest tests/fuzz --no-cov

# Re-take the README's screenshots (artifacts/screenshots/ holds every page's).
screenshots: test-e2e
	cp $(foreach name,$(README_SCREENSHOTS),artifacts/screenshots/$(name).png) docs/screenshots/
