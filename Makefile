# Switchyard. `make run` and `make test` do all the set-up a fresh machine needs.
SHELL := /bin/bash
.DEFAULT_GOAL := build
NPX := npx --no-install

INSTALLED := node_modules/.installed
GENERATED := services/generated/.stamp
WASM := build/switchyard-core.wasm
DESCRIPTORS := build/switchyard.binpb
DIST := dist/.stamp

TS_SOURCES := $(shell find services -name '*.ts' -not -path 'services/generated/*' 2>/dev/null)
AS_SOURCES := $(wildcard assembly/*.ts) asconfig.json
PROTOS := $(wildcard proto/switchyard/v1/*.proto)

.PHONY: install build run test bench lint train clean system-deps

$(INSTALLED): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

install: $(INSTALLED)

$(GENERATED): $(PROTOS) scripts/gen-proto-types.sh $(INSTALLED)
	./scripts/gen-proto-types.sh
	@touch $@

# The protos' descriptors as protoc would make them, for server reflection.
$(DESCRIPTORS): $(PROTOS) buf.yaml $(INSTALLED)
	@mkdir -p $(dir $@)
	$(NPX) buf build --as-file-descriptor-set -o $@

$(WASM): $(AS_SOURCES) $(INSTALLED)
	$(NPX) asc --config asconfig.json --target release
	$(NPX) asc --config asconfig.json --target debug

$(DIST): $(TS_SOURCES) $(GENERATED) tsconfig.json $(INSTALLED)
	$(NPX) tsc -p tsconfig.json
	@touch $@

## build: install dependencies, generate proto types and descriptors, compile the WASM core and the services
build: $(INSTALLED) $(GENERATED) $(DESCRIPTORS) $(WASM) $(DIST)

## run: start Switchyard on 127.0.0.1:50051 with the built-in configuration
run: build
	node bin/switchyard.js serve

## test: install what the tests need and run every suite
test: build system-deps lint
	$(NPX) vitest run

## system-deps: system packages the tests and benchmarks use, installed when missing
system-deps:
	@./scripts/ensure-system-deps.sh

## bench: measure the service, print the report, write .bench/latest.json (BENCH_ARGS=--quick for a short run)
bench: build system-deps
	node bin/switchyard.js bench $(BENCH_ARGS)

## lint: proto lint (buf STANDARD), breaking changes against the last release, Biome's linter, and a type check of services and tests
lint: $(INSTALLED) $(GENERATED)
	$(NPX) buf lint
	$(NPX) buf breaking --against $(lastword $(sort $(wildcard proto-releases/v*.binpb)))
	$(NPX) biome lint --error-on-warnings
	$(NPX) tsc -p tsconfig.test.json

## train: reproduce the shipped router model from the committed data
train: build
	node bin/switchyard.js train --shipped

clean:
	rm -rf dist build services/generated
