# The React site in client/: install its packages, build it, test it, develop it with Vite.
# Targets: client-deps, client-build, test-client, client-dev. Included by the Makefile.
CLIENT := client
CLIENT_DEPS_STAMP := $(CLIENT)/node_modules/.package-lock.json
CLIENT_DIST_INDEX := $(CLIENT)/dist/index.html
CLIENT_SOURCES := $(shell find $(CLIENT)/src $(CLIENT)/public -type f 2>/dev/null) \
	$(CLIENT)/index.html $(CLIENT)/vite.config.ts $(CLIENT)/tsconfig.json $(CLIENT)/package.json

.PHONY: client-deps client-build test-client client-dev

# npm ci rewrites node_modules/.package-lock.json, so it reruns only when the lock file changes.
$(CLIENT_DEPS_STAMP): $(CLIENT)/package-lock.json
	cd $(CLIENT) && npm ci --no-audit --no-fund
	@touch $@

client-deps: $(CLIENT_DEPS_STAMP)

$(CLIENT_DIST_INDEX): $(CLIENT_DEPS_STAMP) $(CLIENT_SOURCES)
	cd $(CLIENT) && npm run build

client-build: $(CLIENT_DIST_INDEX)

# Stale generated API types fail first; then types, ESLint and Prettier; then the suite with a
# v8 coverage summary.
test-client: client-deps
	cd $(CLIENT) && npm run check:api
	cd $(CLIENT) && npm run typecheck
	cd $(CLIENT) && npm run lint
	cd $(CLIENT) && npm test

# Vite on http://127.0.0.1:5173, proxying /api to the service on 127.0.0.1:8080.
client-dev: client-deps
	cd $(CLIENT) && npm run dev
