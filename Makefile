# Parley's build and test entry points. `make test` runs every test.
.PHONY: run build test test-go test-web test-browser bench gen-api

run:
	go run ./cmd/parley serve

build:
	go build -o parley ./cmd/parley

# Every test: Go (unit, store conformance on SQLite and, when
# PARLEY_TEST_POSTGRES_URL is set, PostgreSQL; end-to-end), the web app's
# component tests and committed-build check, and the browser tests.
test: test-go test-web test-browser

# Without PARLEY_TEST_POSTGRES_URL the store tests look for PostgreSQL where
# .ci/run finds it (127.0.0.1:5432, database test) and say so either way.
PG_DEFAULT_URL := postgres://127.0.0.1:5432/test?sslmode=disable

# Parley's packages: everything in the module except what npm put under
# node_modules (some npm packages ship Go sources, which are not ours).
GO_PKGS = $$(go list ./... | grep -v /node_modules/)

test-go:
	go vet $(GO_PKGS)
	@if [ -n "$$PARLEY_TEST_POSTGRES_URL" ]; then \
		echo "test-go: store tests run on SQLite and on PostgreSQL ($$PARLEY_TEST_POSTGRES_URL)"; \
		go test -count=1 -timeout 25m $(GO_PKGS); \
	elif command -v pg_isready >/dev/null && pg_isready -q -h 127.0.0.1 -p 5432; then \
		echo "test-go: PARLEY_TEST_POSTGRES_URL is not set; using the local PostgreSQL at $(PG_DEFAULT_URL)"; \
		PARLEY_TEST_POSTGRES_URL='$(PG_DEFAULT_URL)' go test -count=1 -timeout 25m $(GO_PKGS); \
	else \
		echo "test-go: SKIPPING the PostgreSQL half of the store tests: no PARLEY_TEST_POSTGRES_URL and nothing answers on 127.0.0.1:5432."; \
		echo "test-go: to run it, start PostgreSQL and set PARLEY_TEST_POSTGRES_URL='$(PG_DEFAULT_URL)'"; \
		go test -count=1 -timeout 25m $(GO_PKGS); \
	fi

# The web app's API types (web/src/api/schema.d.ts) are generated from the
# server's OpenAPI document (web/openapi.json) with openapi-typescript.
gen-api:
	go run ./cmd/parley openapi > web/openapi.json
	cd web && npm run --silent gen:api

test-web:
	cd web && npm ci --no-audit --no-fund --loglevel=error
	$(MAKE) --no-print-directory gen-api
	@git diff --exit-code --stat -- web/openapi.json web/src/api/schema.d.ts \
		|| (echo "the API types differ from the server's OpenAPI document: run 'make gen-api' and commit web/openapi.json and web/src/api/schema.d.ts" && exit 1)
	cd web && npm test && npm run build
	@git diff --exit-code --stat -- web/dist && test -z "$$(git status --porcelain -- web/dist)" \
		|| (echo "web/dist differs from the committed build: run 'cd web && npm run build' and commit web/dist" && exit 1)

test-browser:
	e2e/browser/run.sh

bench:
	go run ./bench ingest
