#!/usr/bin/env bash
# Engine latency side by side, in one run: ssd-detect's CPU backend (one row per 8-bit variant this CPU runs,
# SSD_CPU_ISA=avx512vnni|avxvnni|avx2, then float convolutions) and the TFLite runtime (XNNPACK, its optimized
# built-in kernels, its reference kernels) on the same model and machine, interleaved so that the noise of a shared
# machine falls on all. Prints a table with ratios to XNNPACK, and writes .out/bench-engine.json. A variant this CPU
# lacks is named on stderr, not timed.
#
# usage: scripts/bench-engine.sh [ITERATIONS]   (after `make build-release` and `make deps`)
#        SSD_DETECT=path/to/ssd-detect scripts/bench-engine.sh   (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-200}
model=models/ssd_mobilenet_v1_coco_quant/detect.tflite
ours=${SSD_DETECT:-.build/release/ssd-detect}
python=.venv/bin/python
mkdir -p .out
results=.out/bench-engine.jsonl
: > "$results"
for threads in 2 1; do
    for isa in avx512vnni avxvnni avx2 float; do
        if ! row=$(SSD_CPU_ISA=$isa "$ours" bench --model "$model" --threads "$threads" --iterations "$iterations" \
            --json 2>.out/bench-engine.err); then
            echo "SSD_CPU_ISA=$isa not timed: $(cat .out/bench-engine.err)" >&2
            continue
        fi
        echo "$row" >> "$results"
    done
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
# The same engine with 2 threads and with 1: ssd-detect rows by instruction set, the runtime's by kernels.
by_engine = {}
for r in rows:
    by_engine.setdefault(r.get("isa", r["engine"]), {})[r["threads"]] = r["p50_ms"]
for name, times in by_engine.items():
    if 1 in times and 2 in times:
        print(f"{name}: 2 threads {times[1] / times[2]:.2f}x as fast as 1")
json.dump(rows, open(sys.argv[1].replace(".jsonl", ".json"), "w"), indent=1)
PY
