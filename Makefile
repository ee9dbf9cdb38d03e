# Tributary — every entry point a developer, CI and the Dockerfile use.
SWIFT ?= swift
RELEASE_FLAGS := -c release
BENCH_DIR ?= $(CURDIR)/.bench-data

.PHONY: all deps deps-python build build-release test test-clients crashtest bench run clean

all: build

deps:
	@scripts/install-deps.sh

deps-python:
	@scripts/install-deps.sh --python

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## test: everything CI runs. Installs what is missing, builds, runs every test.
test: deps deps-python
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build
	$(MAKE) test-clients

## test-clients: real Kafka clients (kcat, kafka-python, confluent-kafka, aiokafka) against tributaryd.
test-clients: deps-python
	$(SWIFT) build --product tributaryd
	$(SWIFT) build --product tributary
	$(SWIFT) build --product carshop
	$(SWIFT) build --product report-service
	cd tests/python && ../../.venv/bin/python -m pytest -q

## crashtest: CYCLES (default 20) rounds of kill -9 under load, checking every acknowledged record.
CYCLES ?= 20
crashtest: deps-python
	$(SWIFT) build --product tributaryd
	cd tests/python && CYCLES=$(CYCLES) ../../.venv/bin/python crashtest.py

## bench: tributaryd vs librdkafka's mock cluster and the raw limits, into docs/benchmarks.md.
bench: build-release deps-python
	mkdir -p $(BENCH_DIR)
	BENCH_DIR=$(BENCH_DIR) scripts/bench.sh
	rm -rf $(BENCH_DIR)

## run: the local stack of SPEC.md: tributaryd on 9092 (./data, topics.json) and
## report-service on 8081. Ctrl-C stops both cleanly.
run: build
	scripts/run-stack.sh

clean:
	rm -rf .build .build-* .venv .bench-data
