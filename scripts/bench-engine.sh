#!/usr/bin/env bash
# Engine latency side by side, in one run: ssd-detect's CPU backend (one row per 8-bit variant this CPU runs,
# SSD_CPU_ISA=avx512vnni|avxvnni|avx512bw|avx2, then float convolutions) and the TFLite runtime (XNNPACK, its optimized
# built-in kernels, its reference kernels) on the same model and machine, interleaved round by round so that the noise
# of a shared machine falls on all. Each row is the median of the rounds (p50, p90, min, first inference); prints a
# table with ratios to XNNPACK and writes .out/bench-engine.json (every round's rows). A variant this CPU lacks is named
# on stderr, not timed. "tflite-xnnpack (AVX2 kernels)" is XNNPACK made to see a CPU without AVX-512 and AVX-VNNI
# (scripts/xnnpack_isa.py): what it runs on an AVX2-only host, the AVX2 variant's rival there; "tflite-xnnpack
# (AVX-512 kernels, no VNNI)" the same for a Skylake-SP host, the AVX-512BW variant's.
#
# usage: scripts/bench-engine.sh [ITERATIONS] [ROUNDS]   (after `make build-release` and `make deps`)
#        SSD_DETECT=path/to/ssd-detect scripts/bench-engine.sh   (another build)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-200}
rounds=${2:-3}
model=models/ssd_mobilenet_v1_coco_quant/detect.tflite
ours=${SSD_DETECT:-.build/release/ssd-detect}
python=.venv/bin/python
mkdir -p .out
results=.out/bench-engine.jsonl
: > "$results"
for round in $(seq "$rounds"); do
    for threads in 2 1; do
        for isa in avx512vnni avxvnni avx512bw avx2 float; do
            if ! row=$(SSD_CPU_ISA=$isa "$ours" bench --model "$model" --threads "$threads" \
                --iterations "$iterations" --json 2>.out/bench-engine.err); then
                [ "$round" = 1 ] && [ "$threads" = 2 ] &&
                    echo "SSD_CPU_ISA=$isa not timed: $(cat .out/bench-engine.err)" >&2
                continue
            fi
            echo "$row" >> "$results"
        done
        for kernels in xnnpack builtin; do
            "$python" scripts/tflite_bench.py "$model" --kernels "$kernels" --threads "$threads" \
                --runs "$iterations" 2>/dev/null >> "$results"
        done
        for max_isa in avx512skx avx2; do
            if ! "$python" scripts/tflite_bench.py "$model" --threads "$threads" --runs "$iterations" \
                --xnnpack-max-isa "$max_isa" 2>.out/bench-engine.err >> "$results"; then
                [ "$round" = 1 ] && [ "$threads" = 2 ] &&
                    echo "XNNPACK as on $max_isa not timed: $(tail -1 .out/bench-engine.err)" >&2
            fi
        done
    done
done
"$python" scripts/tflite_bench.py "$model" --kernels ref --threads 1 --runs 10 2>/dev/null >> "$results"
"$python" - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for row in rows:
    row.setdefault("engine", "ssd-detect " + row.get("detail", row.get("backend", "")))
# One summary per engine and thread count, in first-seen order: the median of its rounds.
groups = {}
for row in rows:
    groups.setdefault((row["engine"], row["threads"]), []).append(row)
summary = []
for (engine, threads), group in groups.items():
    median = lambda key: statistics.median(r[key] for r in group)
    entry = {"engine": engine, "threads": threads, "rounds": len(group), "isa": group[0].get("isa"),
             "p50_ms": median("p50_ms"), "p90_ms": median("p90_ms"), "min_ms": median("min_ms")}
    if "first_ms" in group[0]:
        entry["first_ratio"] = statistics.median(r["first_ms"] / r["p50_ms"] for r in group)
        entry["load_plan_ms"] = median("load_plan_ms")
        entry["peak_rss_mb"] = median("peak_rss_mb")
    summary.append(entry)
# Ratios to XNNPACK as it runs here (the headline), and to the kernels it runs on a host without VNNI (AVX-512BW's
# rival) and on an AVX2-only host (AVX2's).
baseline = lambda engine: {s["threads"]: s["p50_ms"] for s in summary if s["engine"] == engine}
xnnpack = baseline("tflite-xnnpack")
xnnpack_skx = baseline("tflite-xnnpack (AVX-512 kernels, no VNNI)")
xnnpack_avx2 = baseline("tflite-xnnpack (AVX2 kernels)")
# A baseline this CPU could not time (XNNPACK as on a Skylake-SP, on a CPU without AVX-512) prints as "-".
ratio = lambda s, base: f"{s['p50_ms'] / base[s['threads']]:.2f}x" if s["threads"] in base else "-"
print(f"{'engine':50} {'threads':>7} {'rounds':>6} {'p50 ms':>8} {'p90 ms':>8} {'min ms':>8} {'p50 / XNNPACK':>14} "
      f"{'/ no VNNI':>10} {'/ XNNPACK AVX2':>15}")
for s in summary:
    print(f"{s['engine']:50} {s['threads']:>7} {s['rounds']:>6} {s['p50_ms']:>8.2f} {s['p90_ms']:>8.2f} "
          f"{s['min_ms']:>8.2f} {ratio(s, xnnpack):>14} {ratio(s, xnnpack_skx):>10} {ratio(s, xnnpack_avx2):>15}")
for s in summary:
    if "first_ratio" in s:
        print(f"{s['engine']}: load + plan {s['load_plan_ms']:.1f} ms, first inference {s['first_ratio']:.2f}x p50, "
              f"peak RSS {s['peak_rss_mb']:.1f} MB")
# The same engine with 2 threads and with 1: ssd-detect rows by instruction set, the runtime's by kernels. The
# minima's ratio too: on a host whose other tenants come and go, p50s move by a fifth from round to round, minima less.
by_engine = {}
for s in summary:
    by_engine.setdefault(s["isa"] or s["engine"], {})[s["threads"]] = s
for name, by_threads in by_engine.items():
    if 1 in by_threads and 2 in by_threads:
        one, two = by_threads[1], by_threads[2]
        print(f"{name}: 2 threads {one['p50_ms'] / two['p50_ms']:.2f}x as fast as 1 "
              f"(minima {one['min_ms'] / two['min_ms']:.2f}x)")
json.dump(rows, open(sys.argv[1].replace(".jsonl", ".json"), "w"), indent=1)
PY
