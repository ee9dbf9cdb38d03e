# Tributary — every entry point a developer, CI and the Dockerfile use.
SWIFT ?= swift
RELEASE_FLAGS := -c release --static-swift-stdlib
BENCH_DIR ?= $(CURDIR)/.bench-data

.PHONY: all deps deps-test build build-release test test-clients crashtest loadtest fuzz fuzz-replay bench run clean

all: build

## deps: what the build and `make run` need (librdkafka-dev, libsqlite3-dev, pkg-config, curl).
deps:
	@scripts/install-deps.sh

## deps-test: that, plus kcat, chromium and the Python venv of real Kafka clients.
deps-test:
	@scripts/install-deps.sh --test

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## test: everything CI runs. Installs what is missing, builds, runs every test.
test: deps-test
	$(SWIFT) build --build-tests
	SWIFT=$(SWIFT) scripts/swift-test-watchdog.sh
	$(MAKE) fuzz-replay
	$(MAKE) fuzz FUZZ_SECONDS=30 FUZZ_SEED=1
	$(MAKE) test-clients

## test-clients: real Kafka clients (kcat, kafka-python, confluent-kafka, aiokafka) against tributaryd.
test-clients: deps-test
	$(SWIFT) build --product tributaryd
	$(SWIFT) build --product tributary
	$(SWIFT) build --product carshop
	$(SWIFT) build --product report-service
	cd tests/python && ../../.venv/bin/python -m pytest -q

## crashtest: CYCLES (default 20) rounds of kill -9 under load, checking every acknowledged record.
CYCLES ?= 20
crashtest: deps-test
	$(SWIFT) build --product tributaryd
	cd tests/python && CYCLES=$(CYCLES) ../../.venv/bin/python crashtest.py

## loadtest: 1,000 idle connections, 50 producers, a 10-consumer group, a 1,000-partition
## topic and a stalled consumer for DURATION seconds; metadata must answer in < 100 ms (p99).
## Against the release build, as deployed: a debug build's event loops saturate here.
DURATION ?= 30
loadtest: deps-test
	$(SWIFT) build $(RELEASE_FLAGS) --product tributaryd
	cd tests/python && TRIBUTARYD=$(CURDIR)/.build/release/tributaryd DURATION=$(DURATION) ../../.venv/bin/python loadtest.py

## fuzz: libFuzzer on the request decoder and on segment recovery, FUZZ_SECONDS each.
## Crashes land in fuzz-out/; add each as a file under Fuzz/corpus/ so `make test` replays it.
FUZZ_SECONDS ?= 300
FUZZ_SEED ?= 0
FUZZ_FLAGS := --sanitize=fuzzer -Xswiftc -DFUZZING --scratch-path .build-fuzz
fuzz: deps
	$(SWIFT) build $(FUZZ_FLAGS) --product fuzz-requests
	$(SWIFT) build $(FUZZ_FLAGS) --product fuzz-segment
	mkdir -p fuzz-out/requests fuzz-out/segment
	.build-fuzz/debug/fuzz-requests -seed=$(FUZZ_SEED) -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -artifact_prefix=fuzz-out/ \
	  fuzz-out/requests Fuzz/corpus/requests > fuzz-out/requests.log 2>&1 || (tail -60 fuzz-out/requests.log; exit 1)
	@grep "^Done" fuzz-out/requests.log | sed 's/^/fuzz-requests: /'
	.build-fuzz/debug/fuzz-segment -seed=$(FUZZ_SEED) -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -max_len=65536 -artifact_prefix=fuzz-out/ \
	  fuzz-out/segment Fuzz/corpus/segment > fuzz-out/segment.log 2>&1 || (tail -60 fuzz-out/segment.log; exit 1)
	@grep "^Done" fuzz-out/segment.log | sed 's/^/fuzz-segment: /' 

## fuzz-replay: every corpus input through the non-fuzzing builds (part of make test).
fuzz-replay:
	$(SWIFT) build --product fuzz-requests
	$(SWIFT) build --product fuzz-segment
	.build/debug/fuzz-requests Fuzz/corpus/requests
	.build/debug/fuzz-segment Fuzz/corpus/segment

## bench: tributaryd vs librdkafka's mock cluster and the raw limits, into docs/benchmarks.md.
bench: build-release deps-test
	mkdir -p $(BENCH_DIR)
	BENCH_DIR=$(BENCH_DIR) scripts/bench.sh
	rm -rf $(BENCH_DIR)

## run: the local stack of SPEC.md: tributaryd on 9092 (./data, topics.json) and
## report-service on 8081. Ctrl-C stops both cleanly.
run: build
	scripts/run-stack.sh

clean:
	rm -rf .build .build-* .venv .bench-data
