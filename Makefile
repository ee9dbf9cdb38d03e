# Tributary — every entry point a developer, CI and the Dockerfile use.
SWIFT ?= swift
RELEASE_FLAGS := -c release
BENCH_DIR ?= $(CURDIR)/.bench-data

.PHONY: all deps build build-release test test-swift bench run clean

all: build

deps:
	@scripts/install-deps.sh

build: deps
	$(SWIFT) build

build-release: deps
	$(SWIFT) build $(RELEASE_FLAGS)

## test: everything CI runs. Installs what is missing, builds, runs every test.
test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

## bench: the benchmarks, printed as Markdown tables.
bench: build-release
	mkdir -p $(BENCH_DIR)
	.build/release/logstore-bench --directory $(BENCH_DIR)
	rm -rf $(BENCH_DIR)

## run: the local stack (tributaryd on 9092, report-service on 8081).
run: build
	@echo "make run: tributaryd and report-service land with their issues; nothing to start yet." >&2
	@exit 1

clean:
	rm -rf .build .build-* .venv .bench-data
