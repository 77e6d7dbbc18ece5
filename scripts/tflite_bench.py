#!/usr/bin/env python3
"""Engine-only latency of the TFLite runtime (ai-edge-litert) on a model, as JSON lines.

usage: tflite_bench.py MODEL --kernels xnnpack|builtin|ref --threads N --runs N
                       [--xnnpack-max-isa avx2|avx512skx] [--keep-postprocess]

Feeds seeded uniform noise, as `ssd-detect bench` does, warms up with 3 invocations, then times invoke() only.
Times the network as `ssd-detect bench` does: without a trailing TFLite_Detection_PostProcess op, whose box decoding
and NMS `ssd-detect bench` times apart (the op is about 0.3 ms of a 7 ms invoke on noise, so leaving it in would
flatter the other engine). The model is cut in memory (scripts/tflite_model.py).
`--keep-postprocess` times the whole model.
"xnnpack" is the runtime's default (XNNPACK delegate), "builtin" its optimized kernels without delegates, "ref"
its reference kernels (the oracle our reference backend matches bit for bit). `--xnnpack-max-isa avx2` makes
XNNPACK see a CPU without AVX-512 and AVX-VNNI, so that it runs the kernels an AVX2-only host would
(scripts/xnnpack_isa.py); the engine is then named "tflite-xnnpack (AVX2 kernels)". `--xnnpack-max-isa avx512skx`
does the same for a host with AVX-512 but without VNNI (Skylake-SP): "tflite-xnnpack (AVX-512 kernels, no VNNI)".
"""
import argparse, json, statistics, sys, time

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType

from tflite_model import without_postprocess

RESOLVERS = {"xnnpack": OpResolverType.AUTO, "builtin": OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
             "ref": OpResolverType.BUILTIN_REF}
KERNEL_NAMES = {"avx2": "AVX2 kernels", "avx512skx": "AVX-512 kernels, no VNNI"}

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("model")
    parser.add_argument("--kernels", choices=RESOLVERS, default="xnnpack")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--xnnpack-max-isa", choices=KERNEL_NAMES)
    parser.add_argument("--keep-postprocess", action="store_true")
    args = parser.parse_args()
    engine = "tflite-" + args.kernels
    if args.xnnpack_max_isa:
        import xnnpack_isa
        xnnpack_isa.limit_to(args.xnnpack_max_isa)
        engine += f" ({KERNEL_NAMES[args.xnnpack_max_isa]})"
    with open(args.model, "rb") as file:
        model = file.read()
    if args.keep_postprocess:
        engine += " (with postprocess)"
    elif (network := without_postprocess(model)) is model:
        print("no trailing TFLite_Detection_PostProcess op: timing the whole model", file=sys.stderr)
    else:
        model = network
    interpreter = Interpreter(model_content=model, num_threads=args.threads,
                              experimental_op_resolver_type=RESOLVERS[args.kernels])
    interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    noise = np.random.default_rng(0).integers(0, 256, size=detail["shape"], dtype=np.uint8)
    if detail["dtype"] == np.float32:
        noise = noise.astype(np.float32) / 127.5 - 1
    interpreter.set_tensor(detail["index"], noise)
    for _ in range(3):
        interpreter.invoke()
    samples = []
    for _ in range(args.runs):
        start = time.perf_counter()
        interpreter.invoke()
        samples.append((time.perf_counter() - start) * 1e3)
    samples.sort()
    rank = lambda q: samples[min(len(samples) - 1, max(0, int(np.ceil(q * len(samples))) - 1))]
    print(json.dumps({"engine": engine, "threads": args.threads, "iterations": args.runs,
                      "p50_ms": round(statistics.median(samples), 3), "p90_ms": round(rank(0.9), 3),
                      "p99_ms": round(rank(0.99), 3), "min_ms": round(samples[0], 3)}))

if __name__ == "__main__":
    main()
