# The two commands a newcomer needs: `make demo` and `make test`. Everything else is what they call.
SWIFT ?= swift
DEMO_IMAGE ?= .assets/images/darknet_dog.jpg

.PHONY: deps assets assets-runtime build build-release test demo bench clean

## Install the C libraries (apt, sudo only when not root) and the Python reference tools (.venv).
deps:
	scripts/install-deps.sh

## Fetch the model, photos and reference outputs (from $$SSD_ASSETS, default ../shared, else public URLs),
## and compute Pillow's decodes and resizes for the tests to compare with.
assets: deps
	scripts/fetch-assets.sh
	$(MAKE) .assets/pil/index.json

.assets/pil/index.json: scripts/pil_reference.py scripts/requirements.txt .assets/images/darknet_dog.jpg
	.venv/bin/python scripts/pil_reference.py .assets

## Only what the demo needs: the model and photos.
assets-runtime:
	scripts/fetch-assets.sh runtime

build: deps
	$(SWIFT) build

## The test suite, after installing and fetching everything it needs. Built optimized: the reference kernels
## are plain loops over 728M multiply-accumulates per image, minutes in a debug build, seconds optimized.
test: assets
	$(SWIFT) test -c release -Xswiftc -enable-testing

## Decode and preprocess a sample photo into the model's 300x300 input (written to .out/), show the model the
## engine loads, and time it.
demo: deps assets-runtime build-release
	.build/release/ssd-detect preprocess $(DEMO_IMAGE) --out .out
	.build/release/ssd-detect inspect
	.build/release/ssd-detect bench --iterations 50

build-release: deps
	$(SWIFT) build -c release --product ssd-detect

## Benchmarks (tables; add ARGS=--json for JSON), recorded in docs/PERFORMANCE.md: image I/O, then the engine
## side by side with the TFLite runtime.
bench: assets build-release
	$(SWIFT) build -c release --product ssd-io-bench
	.build/release/ssd-io-bench $(ARGS)
	scripts/bench-engine.sh

clean:
	rm -rf .build .out
