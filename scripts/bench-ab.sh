#!/usr/bin/env bash
# Two builds of ssd-detect side by side on one machine: `bench` of each, interleaved round by round so that the
# noise of a shared machine falls on both, with 8-bit and float convolutions; prints medians and the ratio B/A.
#
# usage: [THREADS=2] [CONVOLUTIONS="int8 float"] [SSD_CPU_ISA=...] \
#        scripts/bench-ab.sh A_BINARY B_BINARY [ROUNDS] [ITERATIONS]
#   e.g. build the older commit in another clone with `swift build -c release --product ssd-detect`, then
#   scripts/bench-ab.sh ../old/.build/release/ssd-detect .build/release/ssd-detect
#   THREADS: `bench --threads`; CONVOLUTIONS: which of int8 and float to run; SSD_CPU_ISA picks the 8-bit variant.
set -euo pipefail
cd "$(dirname "$0")/.."
a=$1 b=$2 rounds=${3:-6} iterations=${4:-200} threads=${THREADS:-2} kinds=${CONVOLUTIONS:-int8 float}
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for _ in $(seq "$rounds"); do
    for convolutions in $kinds; do
        flags=(); [ "$convolutions" = float ] && flags=(--float-convolutions)
        for side in A B; do
            binary=$a; [ "$side" = B ] && binary=$b
            "$binary" bench --threads "$threads" --iterations "$iterations" --json "${flags[@]}" 2>/dev/null |
                python3 -c "import json, sys; d = json.load(sys.stdin); d.update(side='$side', convolutions='$convolutions'); print(json.dumps(d))" \
                >> "$results"
        done
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
print(f"{'convolutions':>12} {'metric':>14} {'A':>9} {'B':>9} {'B/A':>7}  (medians; B/A the median of the rounds' ratios)")
for convolutions in dict.fromkeys(r["convolutions"] for r in rows):
    for key in ("p50_ms", "end_to_end_ms", "load_plan_ms", "peak_rss_mb"):
        a = [r[key] for r in rows if r["convolutions"] == convolutions and r["side"] == "A"]
        b = [r[key] for r in rows if r["convolutions"] == convolutions and r["side"] == "B"]
        ratio = statistics.median(y / x for x, y in zip(a, b))
        print(f"{convolutions:>12} {key:>14} {statistics.median(a):>9.2f} {statistics.median(b):>9.2f} {ratio:>7.3f}")
PY
