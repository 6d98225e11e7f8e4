# Load and faults on the local production-like stack: `make soak` prints req/s, p50/p99 and
# error counts through nginx, then kills a service worker and stops PostgreSQL under load.
# Exits non-zero when a target is missed. Included by the Makefile.

.PHONY: soak test-faults

soak: venv client-build /usr/bin/wrk $(NGINX_BIN)
	$(PY) -m soak

# The short fault checks that `make test` also runs.
test-faults: venv client-build
	$(PY) -m pytest tests/soak --no-cov
