#!/usr/bin/env bash
# ONNX engine latency side by side, in one run: ssd-detect's CPU backend and onnxruntime on the same catalog model
# (default ultraface_rfb_320), same threads, interleaved round by round so that the noise of a shared machine
# falls on both; onnxruntime twice, on the file as it is and with its initializers made constants (onnx_bench.py).
# Prints a table with the ratio to onnxruntime on the file as it is, and writes .out/bench-onnx.json.
#
# usage: scripts/bench-onnx.sh [MODEL] [ITERATIONS] [ROUNDS]   (after `make build-release` and `make deps`)
set -euo pipefail
cd "$(dirname "$0")/.."
model=${1:-ultraface_rfb_320}
iterations=${2:-200}
rounds=${3:-3}
ours=${SSD_DETECT:-.build/release/ssd-detect}
python=.venv/bin/python
file=models/$model/$("$python" -c 'import json, sys; print(json.load(open(sys.argv[1]))["file"])' "models/$model/model.json")
mkdir -p .out
results=.out/bench-onnx.jsonl
: > "$results"
for round in $(seq "$rounds"); do
    for threads in 1 2; do
        "$ours" bench --model "$model" --threads "$threads" --iterations "$iterations" --json >> "$results"
        "$python" scripts/onnx_bench.py "$file" --threads "$threads" --runs "$iterations" 2>/dev/null >> "$results"
        "$python" scripts/onnx_bench.py "$file" --threads "$threads" --runs "$iterations" --initializers-as-constants \
            2>/dev/null >> "$results"
    done
done
"$python" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for row in rows:
    row.setdefault("engine", "ssd-detect " + row.get("detail", row.get("backend", "")))
print(f"{'engine':40} {'threads':>7} {'rounds':>6} {'p50 ms':>8} {'min ms':>8} {'p50 / onnxruntime':>18}")
keys = sorted({(r["engine"], r["threads"]) for r in rows}, key=lambda k: (k[1], k[0]))
summary = []
for engine, threads in keys:
    mine = [r for r in rows if (r["engine"], r["threads"]) == (engine, threads)]
    p50 = statistics.median(r["p50_ms"] for r in mine)
    reference = statistics.median(r["p50_ms"] for r in rows if r["engine"].startswith("onnxruntime")
                                  and "constants" not in r["engine"] and r["threads"] == threads)
    summary.append({"engine": engine, "threads": threads, "rounds": len(mine), "p50_ms": p50,
                    "min_ms": min(r["min_ms"] for r in mine), "ratio_to_onnxruntime": p50 / reference})
    s = summary[-1]
    print(f"{engine:40} {threads:>7} {len(mine):>6} {p50:>8.2f} {s['min_ms']:>8.2f} {s['ratio_to_onnxruntime']:>17.2f}x")
json.dump({"rows": rows, "summary": summary}, open(sys.argv[1].replace(".jsonl", ".json"), "w"), indent=1)
PY
