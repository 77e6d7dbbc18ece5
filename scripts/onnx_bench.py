#!/usr/bin/env python3
"""Engine-only latency of onnxruntime (CPU execution provider, all graph optimizations) on a model, as JSON lines.

usage: onnx_bench.py MODEL --threads N --runs N [--initializers-as-constants]

Feeds seeded noise in [-1, 1], as `ssd-detect bench` and tflite_bench.py do, warms up with 3 runs, then times
run() only. --threads sets intra_op_num_threads (one inter-op thread, sequential execution): the same threads
ssd-detect's CPU backend gets. Old PyTorch exporters (UltraFace's) also list the weights as graph inputs, which
stops onnxruntime from folding constants; --initializers-as-constants removes them from the inputs first (as
onnxruntime's own remove_initializer_from_input.py does), to time onnxruntime at its best too.
"""
import argparse, json, statistics, time

import numpy as np
import onnxruntime as ort


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--initializers-as-constants", action="store_true")
    args = parser.parse_args()
    model, engine = args.model, "onnxruntime " + ort.__version__
    if args.initializers_as_constants:
        import onnx
        proto = onnx.load(args.model)
        initializers = {i.name for i in proto.graph.initializer}
        for value in [i for i in proto.graph.input if i.name in initializers]:
            proto.graph.input.remove(value)
        model, engine = proto.SerializeToString(), engine + " (initializers as constants)"
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.log_severity_level = 3
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    detail = session.get_inputs()[0]
    shape = [1 if not isinstance(d, int) else d for d in detail.shape]
    noise = np.random.default_rng(0).integers(0, 256, size=shape).astype(np.float32) / 127.5 - 1
    feed = {detail.name: noise}
    for _ in range(3):
        session.run(None, feed)
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        session.run(None, feed)
        samples.append((time.perf_counter() - start) * 1e3)
    samples.sort()
    rank = lambda q: samples[min(len(samples) - 1, max(0, int(np.ceil(q * len(samples))) - 1))]
    print(json.dumps({"engine": engine, "threads": args.threads,
                      "iterations": args.runs, "p50_ms": round(statistics.median(samples), 3),
                      "p90_ms": round(rank(0.9), 3), "p99_ms": round(rank(0.99), 3),
                      "min_ms": round(samples[0], 3)}))


if __name__ == "__main__":
    main()
