# Production front (issue 4): nginx config tests, Dockerfile lint, local production-like stack.
# Included by the Makefile, which defines VENV_BIN, PY and the venv target.
VENV_BIN ?= .venv/bin
PY ?= $(VENV_BIN)/python
NGINX_BIN ?= /usr/sbin/nginx
DOCKERFILES := service/Dockerfile nginx/Dockerfile

.PHONY: nginx-install test-nginx lint-docker stack stack-stop

# Debian's nginx, installed only when missing (needs root, as in CI).
$(NGINX_BIN):
	apt-get update -q
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends nginx

nginx-install: $(NGINX_BIN)

test-nginx: venv $(NGINX_BIN)
	$(PY) -m pytest tests/nginx --no-cov

lint-docker: venv
	$(VENV_BIN)/hadolint $(DOCKERFILES)

# Foreground: prints the URL; Ctrl-C stops everything. STACK_PORT picks the public port.
stack: venv client-build $(NGINX_BIN)
	$(PY) -m localplatform.stack_command run

stack-stop:
	$(PY) -m localplatform.stack_command stop
