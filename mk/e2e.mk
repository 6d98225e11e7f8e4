# Browser journeys (Playwright, Debian's chromium) and API fuzzing (schemathesis) against the
# local production-like stack, and the README screenshots they take. `make test` runs both
# suites in its one pytest run over tests/; these targets run one alone. Included by the Makefile.
# The screenshots shown in the README that these journeys take (home and admin come from
# client/scripts/site_check.py).
README_SCREENSHOTS := register status docs

.PHONY: test-e2e test-fuzz screenshots

test-e2e: venv client-build
	$(PY) -m pytest tests/e2e --no-cov

test-fuzz: venv client-build
	$(PY) -m pytest tests/fuzz --no-cov

# Re-take the README's screenshots (artifacts/screenshots/ holds every page's).
screenshots: test-e2e
	cp $(foreach name,$(README_SCREENSHOTS),artifacts/screenshots/$(name).png) docs/screenshots/
