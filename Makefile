# The two commands a newcomer needs: `make demo` and `make test`. Everything else is what they call.
SWIFT ?= swift
DEMO_IMAGE ?= .assets/images/darknet_dog.jpg

.PHONY: deps assets assets-runtime build build-release test lint conformance demo serve bench package-gpu clean

## Install the C libraries (apt, sudo only when not root) and the Python reference tools (.venv).
deps:
	scripts/install-deps.sh

## Fetch the models' weights (into models/NAME/), the photos and reference outputs (into .assets/), from
## $$SSD_ASSETS (default ../shared) else public URLs, and compute Pillow's decodes and resizes, OpenCV's resizes
## of those decodes, and onnxruntime's outputs of small graphs of every ONNX op variant, for the tests.
assets: deps
	scripts/fetch-assets.sh
	$(MAKE) .assets/pil/index.json .assets/opencv/index.json .assets/onnx-ops/index.json

.assets/pil/index.json: scripts/pil_reference.py scripts/requirements.txt .assets/images/darknet_dog.jpg
	.venv/bin/python scripts/pil_reference.py .assets

.assets/onnx-ops/index.json: scripts/onnx_op_reference.py scripts/requirements.txt
	.venv/bin/python scripts/onnx_op_reference.py .assets

.assets/opencv/index.json: scripts/opencv_reference.py scripts/requirements.txt .assets/pil/index.json
	.venv/bin/python scripts/opencv_reference.py .assets

## Only what the demo needs: the default model's weights and the photos.
assets-runtime:
	scripts/fetch-assets.sh runtime

build: deps
	$(SWIFT) build

## The test suite, after installing and fetching everything it needs, then the conformance check against the
## TFLite runtime. Built optimized: the reference kernels are plain loops over 728M multiply-accumulates per
## image, minutes in a debug build, seconds optimized.
test: assets lint
	$(SWIFT) test -c release -Xswiftc -enable-testing
	$(MAKE) fuzz-smoke
	$(MAKE) conformance

MODEL_DIR ?= models/ssd_mobilenet_v1_coco_quant
## The photos the TFLite runtime is compared on (the face photos are for the face models).
CONFORMANCE_IMAGES ?= .assets/images/darknet_*.jpg .assets/images/voc_*.jpg
FACE_IMAGES ?= .assets/images/faces_*.jpg

## The project's .swift-format, every finding an error (`swift format format -i -r ...` fixes most).
LINT_PATHS = Package.swift Sources Tests samples Benchmarks Fuzz/Package.swift Fuzz/Sources
lint:
	$(SWIFT) format lint --strict -r $(LINT_PATHS)

## ssd-detect against the TFLite runtime's reference kernels, run live on every COCO photo (scripts/conformance.py),
## with the model's fast NMS and again set to regular NMS,
## and against onnxruntime on the face photos, the model authors' pipeline, for both UltraFace entries
## (scripts/conformance_onnx.py); the KServe v2 worker and remote backend against tritonclient and the kserve
## package's server (scripts/kserve_interop.py), and the remote backend's fallback under load while its worker is
## killed and restarted (scripts/remote_fault_test.py).
conformance: build-release assets
	.venv/bin/python scripts/conformance.py .build/release/ssd-detect $(MODEL_DIR)/detect.tflite \
		$(MODEL_DIR)/labelmap.txt $(CONFORMANCE_IMAGES)
	.venv/bin/python scripts/conformance.py --regular-nms .build/release/ssd-detect $(MODEL_DIR)/detect.tflite \
		$(MODEL_DIR)/labelmap.txt $(CONFORMANCE_IMAGES)
	.venv/bin/python scripts/conformance_onnx.py .build/release/ssd-detect models/ultraface_rfb_320 $(FACE_IMAGES)
	.venv/bin/python scripts/conformance_onnx.py .build/release/ssd-detect models/ultraface_rfb_320_decoded \
		$(FACE_IMAGES)
	.venv/bin/python scripts/kserve_interop.py .build/release/ssd-detect $(MODEL_DIR) $(CONFORMANCE_IMAGES)
	.venv/bin/python scripts/remote_fault_test.py .build/release/ssd-detect $(DEMO_IMAGE)

## Serve on port 8080 (SageMaker's contract: GET /ping, POST /invocations); see docs/HTTP-API.md.
serve: assets-runtime build-release
	.build/release/ssd-detect serve

## Detect objects in a sample photo: a table of detections, and the annotated picture in .out/.
demo: deps assets-runtime build-release
	@mkdir -p .out
	.build/release/ssd-detect $(DEMO_IMAGE) --draw .out/demo-detections.png
	@echo "annotated picture: .out/demo-detections.png"

build-release: deps
	$(SWIFT) build -c release --product ssd-detect

## One archive to run and check the CUDA backend on a GPU host without Swift (docs/GPU.md).
package-gpu: assets
	scripts/package-gpu.sh

## Benchmarks (tables; add ARGS=--json for JSON), recorded in docs/PERFORMANCE.md: image I/O, then the engine
## side by side with the TFLite runtime and with onnxruntime (UltraFace).
bench: assets build-release
	$(SWIFT) build -c release --product ssd-io-bench
	.build/release/ssd-io-bench $(ARGS)
	scripts/bench-engine.sh
	scripts/bench-onnx.sh
	scripts/bench-detect.sh
	.venv/bin/python scripts/load-test.py --json .out/load-test.json
	.venv/bin/python scripts/bench_remote.py

.PHONY: fuzz fuzz-smoke
FUZZ_RUNS ?= 1000000
FUZZ_SECONDS ?= 600
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TARGETS ?=

## Fuzz every parser (or FUZZ_TARGETS, e.g. "jpeg tflite") with libFuzzer and AddressSanitizer (docs/FUZZING.md):
## each from fresh seeds until FUZZ_RUNS executions or FUZZ_SECONDS seconds, whichever comes first; fails on any
## crash, leak or hang.
fuzz: deps
	scripts/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_RUNS) $(FUZZ_TARGETS)

## The same for CI, FUZZ_SMOKE_SECONDS a target (a minute in all).
fuzz-smoke: deps
	scripts/fuzz.sh $(FUZZ_SMOKE_SECONDS) -1 $(FUZZ_TARGETS)

clean:
	rm -rf .build .build-fuzz .out
