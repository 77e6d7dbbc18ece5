#!/usr/bin/env bash
# Packs what a GPU host without a Swift toolchain needs to run and check the CUDA backend into one archive,
# .gpu/ssd-detect-gpu.tar.xz (git-ignored; small enough to carry to a lent GPU machine):
#   bin/ssd-detect    built with the Swift runtime linked in (--static-swift-stdlib)
#   lib/              the shared libraries it needs beyond glibc (libjpeg-turbo, libpng, OpenBLAS, ...;
#                     the C++ runtime apart, in lib/compat)
#   nvrtc/            NVRTC 12.2 from PyPI, used only where the host has no NVRTC of its own
#   model/, images/   the default model and the photos
#   check.sh          the checks of docs/GPU.md, writing their output to $OUT (default ./gpu-results)
#
# usage: scripts/package-gpu.sh            (after `make assets`)
# then, on the GPU host: tar xJf ssd-detect-gpu.tar.xz -C /tmp && /tmp/ssd-detect-gpu/check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

# NVRTC 12.2 emits PTX 8.2, which drivers from r535 on load: older than any the H100/H200 hosts we meet run.
nvrtc_wheel="nvidia-cuda-nvrtc-cu12==12.2.140"
scratch=.build-static
stage=.gpu/ssd-detect-gpu
model=models/ssd_mobilenet_v1_coco_quant

[[ -f $model/detect.tflite ]] || { echo "no model in $model: run 'make assets' first" >&2; exit 1; }

swift build -c release --static-swift-stdlib --product ssd-detect --scratch-path "$scratch"
binary="$scratch/release/ssd-detect"

rm -rf "$stage"
mkdir -p "$stage"/{bin,lib/compat,nvrtc,model,images}
cp "$binary" "$stage/bin/"
strip "$stage/bin/ssd-detect"

# Every resolved dependency except glibc's own libraries and the loader, which the host provides (the binary
# needs glibc 2.35: Ubuntu 22.04, Debian 12 or newer). The C++ runtime goes to lib/compat, used only where the
# host's is missing or too old: ours needs glibc 2.36, which would refuse to load on an Ubuntu 22.04 host.
ldd "$binary" | awk '$3 ~ /^\// { print $3 }' | while read -r library; do
    case "$(basename "$library")" in
        libc.so.*|libm.so.*|libpthread.so.*|libdl.so.*|librt.so.*|ld-linux*) ;;
        libstdc++.so.*|libgcc_s.so.*) cp -L "$library" "$stage/lib/compat/" ;;
        *) cp -L "$library" "$stage/lib/" ;;
    esac
done

cache=.gpu/cache
mkdir -p "$cache"
if ! ls "$cache"/nvidia_cuda_nvrtc_cu12-12.2.140-*.whl >/dev/null 2>&1; then
    python3 -m pip download --quiet --no-deps --only-binary=:all: --platform manylinux2014_x86_64 \
        "$nvrtc_wheel" -d "$cache"
fi
python3 - "$cache" "$stage/nvrtc" <<'PY'
import glob, os, sys, zipfile
wheel = glob.glob(os.path.join(sys.argv[1], "nvidia_cuda_nvrtc_cu12-12.2.140-*.whl"))[0]
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if "/lib/libnvrtc" in name:
            with open(os.path.join(sys.argv[2], os.path.basename(name)), "wb") as out:
                out.write(archive.read(name))
PY

cp "$model"/model.json "$model"/detect.tflite "$model"/labelmap.txt "$stage/model/"
cp .assets/images/*.jpg "$stage/images/"

cat > "$stage/check.sh" <<'SH'
#!/usr/bin/env bash
# The GPU checks of docs/GPU.md, on the host this archive was unpacked on. Output in $OUT (default ./gpu-results).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$PWD/gpu-results}
mkdir -p "$out"
export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
tool="$here/bin/ssd-detect"
"$tool" --help >/dev/null 2>&1 || export LD_LIBRARY_PATH="$here/lib/compat:$LD_LIBRARY_PATH"
model="$here/model"
status=0
step() { echo "== $*" | tee -a "$out/summary.txt"; "$@" 2>&1 | tee -a "$out/summary.txt"; local s=${PIPESTATUS[0]}; [[ $s == 0 ]] || status=$s; }

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv \
    | tee "$out/nvidia-smi.txt"
# The host's own NVRTC when it has one (newest first); else the one packed here.
if ! "$tool" bench --backend accelerator --model "$model" --iterations 1 >/dev/null 2>&1; then
    export SSD_CUDA_LIBRARY_PATH="$here/nvrtc"
    echo "using the packed NVRTC 12.2" | tee -a "$out/summary.txt"
fi
step "$tool" inspect "$model"
# Speed of every backend side by side, and the accelerator's agreement with the CPU on the photo.
step "$tool" bench --backend all --model "$model" --image "$here/images/darknet_dog.jpg" --iterations 500
"$tool" bench --backend all --model "$model" --image "$here/images/darknet_dog.jpg" --iterations 500 --json \
    > "$out/bench.json" 2>>"$out/summary.txt" || status=1
# The same detections on every photo, as a user sees them.
for backend in cpu accelerator; do
    "$tool" --model "$model" --backend "$backend" --json "$here"/images/*.jpg > "$out/detect-$backend.json" \
        2>>"$out/summary.txt" || { status=1; echo "== exit 1 (detect --backend $backend failed)"; exit 1; }
done
command -v python3 >/dev/null || { echo "no python3 here: compare $out/detect-*.json by hand"; exit $status; }
python3 - "$out" <<'PY' 2>&1 | tee -a "$out/summary.txt" || status=1
# The rule of DetectorAgreement (Sources/SSD): same class, IoU >= 0.95, scores within 0.02, both ways.
import json, sys
folder = sys.argv[1]
cpu, gpu = (json.load(open(f"{folder}/detect-{b}.json"))["images"] for b in ("cpu", "accelerator"))
def iou(a, b):
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0])); h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - w * h
    return w * h / union if union > 0 else 0.0
def found(d, others):
    return any(o["class_id"] == d["class_id"] and abs(o["score"] - d["score"]) <= 0.02
               and iou(o["box_normalized"], d["box_normalized"]) >= 0.95 for o in others)
different = [c["path"] for c, g in zip(cpu, gpu)
             if not all(found(d, g["detections"]) for d in c["detections"])
             or not all(found(d, c["detections"]) for d in g["detections"])]
print(f"detections on {len(cpu)} photos: " + ("the same on both backends" if not different else f"differ on {different}"))
sys.exit(1 if different else 0)
PY
echo "== exit $status" | tee -a "$out/summary.txt"
exit $status
SH
chmod +x "$stage/check.sh"

tar -C .gpu -I "xz -T0" -cf .gpu/ssd-detect-gpu.tar.xz ssd-detect-gpu
du -sh "$stage" .gpu/ssd-detect-gpu.tar.xz
