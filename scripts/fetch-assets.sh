#!/usr/bin/env bash
# Fetches what the project needs but never commits, checking every file against scripts/assets.sha256:
#   - the models' weights, into their catalog folders models/NAME/ (beside the committed model.json, labels and
#     MODEL.md; git-ignored);
#   - the photos and the reference outputs, into .assets/ (git-ignored; $SSD_ASSETS_DIR to put them elsewhere).
# Each file comes from $SSD_ASSETS (default ../shared) when it is there, else from its public URL. The reference
# outputs have no public URL: they come only from $SSD_ASSETS.
#
#   scripts/fetch-assets.sh            everything; fails if anything is missing (tests need it all)
#   scripts/fetch-assets.sh runtime    only the default model and the photos (enough for the demo)
#
# A line of assets.sha256 is `SHA256  PATH [SOURCE]`: PATH under models/ is in the repository, any other under
# .assets/; SOURCE is its path under $SSD_ASSETS when that differs from PATH (one file in two catalog entries).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source_dir=${SSD_ASSETS:-$root/../shared}
dest=${SSD_ASSETS_DIR:-$root/.assets}
scope=${1:-all}
default_model=models/ssd_mobilenet_v1_coco_quant
coco_zip_url=https://storage.googleapis.com/download.tensorflow.org/models/tflite/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.zip
ultraface=https://raw.githubusercontent.com/Linzaer/Ultra-Light-Fast-Generic-Face-Detector-1MB/master

url_for() {
    case "$1" in
        images/darknet_*.jpg) echo "https://raw.githubusercontent.com/pjreddie/darknet/master/data/${1#images/darknet_}" ;;
        images/voc_*.jpg) echo "https://raw.githubusercontent.com/chuanqi305/MobileNet-SSD/master/images/${1#images/voc_}" ;;
        images/faces_*.jpg) echo "$ultraface/imgs/${1#images/faces_}" ;;
        "$default_model"/detect.tflite) echo "zip:$coco_zip_url" ;;
        models/ultraface_rfb_320*/*.onnx) echo "$ultraface/models/onnx/$(basename "$1")" ;;
    esac
}

target_for() {  # where PATH goes: the catalog folders are the repository's, the rest is .assets/
    case "$1" in
        models/*) echo "$root/$1" ;;
        *) echo "$dest/$1" ;;
    esac
}

sha_ok() { [ -f "$2" ] && [ "$(sha256sum "$2" | cut -d' ' -f1)" = "$1" ]; }

download() {  # download URL TARGET; a zip is fetched once and kept in .assets/.downloads for its other members
    local url=$1 target=$2
    if [[ $url == zip:* ]]; then
        local zip=$dest/.downloads/$(basename "${url#zip:}")
        mkdir -p "$(dirname "$zip")"
        [ -f "$zip" ] || curl -fsSL --retry 2 -o "$zip" "${url#zip:}" || { rm -f "$zip"; return 1; }
        unzip -p "$zip" "$(basename "$target")" > "$target" || { rm -f "$zip"; return 1; }
    else
        curl -fsSL --retry 2 -o "$target" "$url"
    fi
}

missing=()
fetched=0
while read -r sha path source; do
    [ -n "$sha" ] || continue
    if [ "$scope" = runtime ] && [[ $path != images/*.jpg && $path != "$default_model"/* ]]; then
        continue
    fi
    source=${source:-$path}
    target=$(target_for "$path")
    sha_ok "$sha" "$target" && continue
    mkdir -p "$(dirname "$target")"
    rm -f "$target"
    if [ -f "$source_dir/$source" ]; then
        cp "$source_dir/$source" "$target"
    elif url=$(url_for "$path") && [ -n "$url" ]; then
        echo "downloading $path" >&2
        download "$url" "$target" || true
    fi
    if ! sha_ok "$sha" "$target"; then
        [ -f "$target" ] && echo "checksum mismatch: $path" >&2
        rm -f "$target"
        missing+=("$path")
    else
        chmod u+w "$target"
        fetched=$((fetched + 1))
    fi
done < "$root/scripts/assets.sha256"

if [ ${#missing[@]} -gt 0 ]; then
    echo "error: ${#missing[@]} asset(s) could not be fetched from $source_dir or their URLs:" >&2
    printf '  %s\n' "${missing[@]}" >&2
    echo "Point SSD_ASSETS at a folder laid out like ../shared (models/, images/, reference/)." >&2
    exit 1
fi
echo "assets ready in models/ and $dest ($fetched fetched, the rest already there)" >&2
