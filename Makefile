# Livedesk. Two commands do everything on a fresh machine with Go and Node:
#   make run    build the UI and the server, start on http://127.0.0.1:8080 with demo data
#   make test   every test: Go (race), web type-check + unit, protocol, compatibility, browser
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

GO          ?= go
NPM         ?= npm
BIN         := bin/livedesk
LIVEDESK_ADDR ?= 127.0.0.1:8080
DEMO_DB     ?= livedesk-demo.db
STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2
GO_SOURCES  := $(shell find . -name '*.go' -not -path './web/node_modules/*' -not -path './test/*/node_modules/*' 2>/dev/null)
WEB_SOURCES := $(shell find web/src web/index.html web/package.json web/vite.config.ts -type f 2>/dev/null)

.PHONY: help run build ui server test test-go test-web test-e2e test-protocol test-compat test-realtime test-cluster lint bench fuzz soak clean

help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

run: build ## build everything and start the server with demo data
	@echo "Starting Livedesk on http://$(LIVEDESK_ADDR)  (demo login: admin@livedesk.local / livedesk-demo)"
	./$(BIN) serve --addr $(LIVEDESK_ADDR) --db sqlite:$(DEMO_DB) --demo

build: ui server ## build the UI and the server (binary at bin/livedesk)

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && $(NPM) ci --no-audit --no-fund

web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	cd web && $(NPM) run build

ui: web/dist/index.html ## build the dashboard into web/dist

server: ## build bin/livedesk with the UI embedded (when built)
	@mkdir -p bin
	$(GO) build -trimpath $(if $(wildcard web/dist/index.html),-tags ui) -o $(BIN) ./cmd/livedesk

test: test-go test-web test-protocol test-compat test-realtime test-e2e test-cluster ## run every test
	@echo "make test: all suites passed"

test-go: ## Go vet and tests with the race detector
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 15m ./...

test-web: web/node_modules/.package-lock.json ## web type-check and unit tests
	cd web && $(NPM) run typecheck && $(NPM) test

test-e2e: build ## browser tests in Chromium against a real server
	cd web && LIVEDESK_BIN=$(CURDIR)/$(BIN) $(NPM) run e2e

test-protocol: ## the Engine.IO and Socket.IO protocol test suites against cmd/conformance-server
	test/protocol/run.sh

test-compat: ## the official socket.io-client against our server
	test/compat/run.sh

test-cluster: build ## three instances on PostgreSQL + Redis, failover, nginx (deploy/nginx), the dashboard through it
	test/cluster/run.sh

test-realtime: ## the real-time event system end to end: livedesk serve and the official socket.io-client
	test/realtime/run.sh

lint: ## gofmt, go vet, staticcheck
	@out=$$(gofmt -l $(GO_SOURCES)); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...
	$(GO) run $(STATICCHECK) ./...

bench: ## benchmarks: go test -bench and the load harness against the Node reference (BENCH_QUICK=1: ~2 min smoke)
	$(GO) test -run '^$$' -bench . -benchmem $(if $(filter 1,$(BENCH_QUICK)),-benchtime=100ms) ./engineio/... ./socketio/...
	$(GO) run ./bench/runner

fuzz: ## run every fuzz target for a bounded time (FUZZTIME, default 60s each)
	scripts/fuzz.sh $${FUZZTIME:-60s}

soak: server ## soak test, not in make test: thousands of clients churn while writes continue, then leak checks (SOAK_DURATION, default 10m)
	$(GO) run ./bench/soak -bin $(BIN) -duration $${SOAK_DURATION:-10m}

clean: ## remove build outputs
	rm -rf bin web/dist
