#!/usr/bin/env bash
# Talking to `ssd-detect serve` with curl. Start the server first: `make serve` (port 8080).
set -euo pipefail
url=${URL:-http://127.0.0.1:8080}
image=${1:-.assets/images/darknet_dog.jpg}

curl -s "$url/ping"; echo

# JSON with a base64 image, and per-request settings.
printf '{"image": "%s", "threshold": 0.4, "max_detections": 5}' "$(base64 -w0 "$image")" |
    curl -s -H 'Content-Type: application/json' --data-binary @- "$url/invocations"; echo

# The raw JPEG, answered in SageMaker's built-in object-detection format.
curl -s -H 'Content-Type: image/jpeg' -H 'Accept: application/json; format=sagemaker' \
    --data-binary @"$image" "$url/invocations"; echo

# A batch, TF Serving style, keeping only people.
printf '{"instances": [{"b64": "%s"}, {"b64": "%s"}], "classes": ["person"]}' \
    "$(base64 -w0 "$image")" "$(base64 -w0 "$image")" |
    curl -s -H 'Content-Type: application/json' --data-binary @- "$url/invocations"; echo
