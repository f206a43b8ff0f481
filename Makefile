# Parley's build and test entry points. `make test` runs every test.
.PHONY: run build test test-go test-web test-browser bench

run:
	go run ./cmd/parley serve

build:
	go build -o parley ./cmd/parley

# Every test: Go (unit, store conformance on SQLite and, when
# PARLEY_TEST_POSTGRES_URL is set, PostgreSQL; end-to-end), the web app's
# component tests and committed-build check, and the browser tests.
test: test-go test-web test-browser

test-go:
	go vet ./...
	go test -count=1 ./...

test-web:
	cd web && npm ci --no-audit --no-fund --loglevel=error && npm test && npm run build
	@git diff --exit-code --stat -- web/dist && test -z "$$(git status --porcelain -- web/dist)" \
		|| (echo "web/dist differs from the committed build: run 'cd web && npm run build' and commit web/dist" && exit 1)

test-browser:
	e2e/browser/run.sh

bench:
	go run ./bench ingest
