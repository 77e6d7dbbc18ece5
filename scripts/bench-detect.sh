#!/usr/bin/env bash
# End-to-end latency of `ssd-detect` on darknet_dog.jpg: whole-process wall time cold (load, plan, warm-up, one
# image), and per-image time given 50 images at once, with the decode / preprocess / network / postprocess
# breakdown from --json. Prints a table; writes .out/bench-detect.json.
#
# usage: scripts/bench-detect.sh [RUNS]   (after `make build-release assets`)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
mkdir -p .out
.venv/bin/python - "$runs" <<'PY'
import json, statistics, subprocess, sys, time
runs = int(sys.argv[1])
tool, image = ".build/release/ssd-detect", ".assets/images/darknet_dog.jpg"
rows = []
for threads in (2, 1):
    cold = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([tool, image, "--threads", str(threads)], check=True, capture_output=True)
        cold.append((time.perf_counter() - start) * 1e3)
    start = time.perf_counter()
    out = subprocess.run([tool, "--json", "--threads", str(threads)] + [image] * 50, check=True,
                         capture_output=True, text=True).stdout
    batch_wall = (time.perf_counter() - start) * 1e3
    images = json.loads(out)["images"]
    stages = {k: statistics.median(i["timing_ms"][k] for i in images)
              for k in ("decode", "preprocess", "network", "postprocess", "total")}
    rows.append({"threads": threads, "cold_process_ms": round(statistics.median(cold), 1),
                 "batch_50_wall_ms": round(batch_wall, 1), "per_image_ms": {k: round(v, 3) for k, v in stages.items()}})
print(f"{'threads':>7} {'cold process':>13} {'50 images':>10} {'per image':>10} {'decode':>7} {'preproc':>8} "
      f"{'network':>8} {'postproc':>9}")
for r in rows:
    s = r["per_image_ms"]
    print(f"{r['threads']:>7} {r['cold_process_ms']:>10.1f} ms {r['batch_50_wall_ms']:>7.0f} ms {s['total']:>7.2f} ms "
          f"{s['decode']:>7.2f} {s['preprocess']:>8.2f} {s['network']:>8.2f} {s['postprocess']:>9.3f}")
json.dump(rows, open(".out/bench-detect.json", "w"), indent=1)
PY
