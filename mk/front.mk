# The nginx front and the local production-like stack: install nginx, test its config, lint the
# Dockerfiles, run the stack (localplatform/stack.py) in the foreground or stop it. Included by the Makefile.
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
