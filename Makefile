# The two commands a newcomer needs: `make demo` and `make test`. Everything else is what they call.
SWIFT ?= swift
DEMO_IMAGE ?= .assets/images/darknet_dog.jpg

.PHONY: deps assets assets-runtime build test demo bench clean

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

## The test suite, after installing and fetching everything it needs.
test: assets
	$(SWIFT) test

## Decode and preprocess a sample photo into the model's 300x300 input, written to .out/.
demo: deps assets-runtime
	$(SWIFT) build -c release --product ssd-detect
	.build/release/ssd-detect preprocess $(DEMO_IMAGE) --out .out

## Benchmarks (tables; add ARGS=--json for JSON), recorded in docs/PERFORMANCE.md.
bench: assets
	$(SWIFT) build -c release --product ssd-io-bench
	.build/release/ssd-io-bench $(ARGS)

clean:
	rm -rf .build .out
