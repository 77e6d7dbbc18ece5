#!/usr/bin/env bash
# Fetches the model, the photos and the reference outputs into .assets/ (git-ignored), checking every file
# against scripts/assets.sha256. Each file comes from $SSD_ASSETS (default ../shared) when it is there, else
# from its public URL. The reference outputs have no public URL: they come only from $SSD_ASSETS.
#
#   scripts/fetch-assets.sh            everything; fails if anything is missing (tests need it all)
#   scripts/fetch-assets.sh runtime    only the model and photos (enough for the demo)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
source_dir=${SSD_ASSETS:-$root/../shared}
dest=${SSD_ASSETS_DIR:-$root/.assets}
scope=${1:-all}
model_zip_url=https://storage.googleapis.com/download.tensorflow.org/models/tflite/coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.zip
model_dir=models/ssd_mobilenet_v1_coco_quant

url_for() {
    case "$1" in
        images/darknet_*.jpg) echo "https://raw.githubusercontent.com/pjreddie/darknet/master/data/${1#images/darknet_}" ;;
        images/voc_*.jpg) echo "https://raw.githubusercontent.com/chuanqi305/MobileNet-SSD/master/images/${1#images/voc_}" ;;
        "$model_dir"/detect.tflite | "$model_dir"/labelmap.txt) echo "zip:$model_zip_url" ;;
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
while read -r sha path; do
    [ -n "$sha" ] || continue
    if [ "$scope" = runtime ] && [[ $path != images/*.jpg && $path != "$model_dir"/detect.tflite && $path != "$model_dir"/labelmap.txt ]]; then
        continue
    fi
    target=$dest/$path
    sha_ok "$sha" "$target" && continue
    mkdir -p "$(dirname "$target")"
    rm -f "$target"
    if [ -f "$source_dir/$path" ]; then
        cp "$source_dir/$path" "$target"
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
echo "assets ready in $dest ($fetched fetched, the rest already there)" >&2
