#!/usr/bin/env bash
# Engine latency side by side, in one run: ssd-detect's CPU backend (8-bit and float convolutions) and the TFLite runtime (XNNPACK, its
# optimized built-in kernels, its reference kernels) on the same model and machine, interleaved so that the noise
# of a shared machine falls on both. Prints a table with ratios to XNNPACK, and writes .out/bench-engine.json.
#
# usage: scripts/bench-engine.sh [ITERATIONS]   (after `make build-release` and `make deps`)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-200}
model=models/ssd_mobilenet_v1_coco_quant/detect.tflite
ours=.build/release/ssd-detect
python=.venv/bin/python
mkdir -p .out
results=.out/bench-engine.jsonl
: > "$results"
for threads in 2 1; do
    "$ours" bench --model "$model" --threads "$threads" --iterations "$iterations" --json >> "$results"
    "$ours" bench --model "$model" --threads "$threads" --iterations "$iterations" --json --float-convolutions \
        >> "$results"
    for kernels in xnnpack builtin; do
        "$python" scripts/tflite_bench.py "$model" --kernels "$kernels" --threads "$threads" --runs "$iterations" \
            2>/dev/null >> "$results"
    done
done
"$python" scripts/tflite_bench.py "$model" --kernels ref --threads 1 --runs 10 2>/dev/null >> "$results"
"$python" - "$results" <<'PY'
import json, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for row in rows:
    row.setdefault("engine", "ssd-detect " + row.get("detail", row.get("backend", "")))
xnnpack = {r["threads"]: r["p50_ms"] for r in rows if r["engine"] == "tflite-xnnpack"}
print(f"{'engine':50} {'threads':>7} {'p50 ms':>8} {'p90 ms':>8} {'min ms':>8} {'p50 / XNNPACK':>14}")
for r in rows:
    ratio = r["p50_ms"] / xnnpack[r["threads"]] if r["threads"] in xnnpack else float("nan")
    print(f"{r['engine']:50} {r['threads']:>7} {r['p50_ms']:>8.2f} {r['p90_ms']:>8.2f} {r['min_ms']:>8.2f} {ratio:>13.2f}x")
extra = [r for r in rows if "first_ms" in r]
for r in extra:
    print(f"{r['engine']}: load + plan {r['load_plan_ms']:.1f} ms, first inference "
          f"{r['first_ms']:.2f} ms ({r['first_ms'] / r['p50_ms']:.2f}x p50), peak RSS {r['peak_rss_mb']:.1f} MB")
json.dump(rows, open(sys.argv[1].replace(".jsonl", ".json"), "w"), indent=1)
PY
