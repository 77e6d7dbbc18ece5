#!/usr/bin/env bash
# Fuzzes every parser with libFuzzer and AddressSanitizer (docs/FUZZING.md):
#
#     scripts/fuzz.sh SECONDS RUNS [TARGET...]
#
# builds the targets of Fuzz/ into .build-fuzz, writes fresh seeds (scripts/fuzz_seeds.py), checks that every seed
# parses and that no kept crasher (Fuzz/Regressions) crashes, then fuzzes each TARGET (default: every
# Fuzz/Sources/fuzz-TARGET) from a fresh copy of its seeds until RUNS executions (-1: no limit) or SECONDS seconds,
# whichever comes first. Prints executions, exec/s and crashes per target; fails on any crash, leak, timeout or
# out-of-memory. Logs and the inputs that failed are left in .out/fuzz/TARGET/.
set -euo pipefail
export LC_NUMERIC=C  # a decimal point in $EPOCHREALTIME, for awk
cd "$(dirname "$0")/.."
seconds=${1:?seconds per target}
runs=${2:?executions per target (-1: no limit)}
shift 2
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    for source in Fuzz/Sources/fuzz-*; do targets+=("${source#Fuzz/Sources/fuzz-}"); done
fi

scratch=.build-fuzz
out=.out/fuzz
# Every module, the parsers included, gets coverage and ASan; gold fails to link libFuzzer into SwiftPM's
# executables (an internal error), so the toolchain's lld links them.
swift build --package-path Fuzz --scratch-path "$scratch" -c release \
    -Xswiftc -sanitize=fuzzer,address -Xswiftc -Xclang-linker -Xswiftc -fuse-ld=lld
bin=$(swift build --package-path Fuzz --scratch-path "$scratch" -c release --show-bin-path)
for target in "${targets[@]}"; do
    [ -x "$bin/fuzz-$target" ] || { echo "fuzz-$target was not built" >&2; exit 1; }
done

rm -rf "$scratch/seeds" "$scratch/corpus" "$out"
.venv/bin/python scripts/fuzz_seeds.py "$scratch/seeds" >/dev/null
# Swift's own crash backtracer would race libFuzzer's handler (and trip ASan); libFuzzer reports the trap.
export SWIFT_BACKTRACE=enable=no

failed=0
printf '%-18s %12s %9s %8s %8s  %s\n' target executions exec/s seconds crashes result
for target in "${targets[@]}"; do
    dir=$out/$target
    mkdir -p "$dir" "$scratch/corpus/$target"
    seeds=("$scratch/seeds/$target"/*)
    regressions=()
    [ -d "Fuzz/Regressions/$target" ] && regressions=("Fuzz/Regressions/$target"/*)
    result=ok
    elapsed=0
    # Seeds must parse (else the fuzzer only explores the first check); kept crashers must not crash.
    if ! FUZZ_STRICT=1 "$bin/fuzz-$target" "${seeds[@]}" >"$dir/seeds.log" 2>&1; then
        result="a seed does not parse: $dir/seeds.log"
    elif [ ${#regressions[@]} -gt 0 ] && ! "$bin/fuzz-$target" "${regressions[@]}" >"$dir/regressions.log" 2>&1; then
        result="a kept crasher crashes again: $dir/regressions.log"
    else
        cp "${seeds[@]}" "${regressions[@]}" "$scratch/corpus/$target/"
        start=$EPOCHREALTIME
        # -timeout: one input running 10 s is a hang. Leaks are reported by default (-detect_leaks=1).
        "$bin/fuzz-$target" -max_total_time="$seconds" -runs="$runs" -timeout=10 -rss_limit_mb=2048 \
            -print_final_stats=1 -artifact_prefix="$dir/" "$scratch/corpus/$target" >"$dir/fuzz.log" 2>&1 ||
            result="FAILED: $dir/fuzz.log"
        elapsed=$(awk "BEGIN { print $EPOCHREALTIME - $start }")
    fi
    executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" 2>/dev/null || true)
    crashes=$(find "$dir" -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' | wc -l)
    [ "$result" = ok ] || failed=1
    rate=-
    [ -n "$executions" ] && rate=$(awk "BEGIN { printf \"%d\", $executions / $elapsed }")
    printf '%-18s %12s %9s %8.0f %8s  %s\n' "fuzz-$target" "${executions:--}" "$rate" "$elapsed" "$crashes" \
        "$result"
done
exit $failed
