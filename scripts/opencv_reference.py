#!/usr/bin/env python3
"""Writes OpenCV's bilinear resizes of the test photos to .assets/opencv/, for the Swift tests to compare with.

OpenCV is the independent reference for models trained with `cv2.resize(img, (W, H))` (INTER_LINEAR, the
default). It resizes Pillow's decodes from .assets/pil/ (scripts/pil_reference.py; our decoder's output is
tested identical to them), so only the resize is compared. For every photo this writes
  NAME.WxH.rgb      cv2.resize(rgb, (W, H)) of Pillow's RGB8 decode, for each size in SIZES
plus, for one photo, the sizes that reach OpenCV's other code paths and edge cases (EXTRA_SIZES).
index.json describes all of it. Usage: scripts/opencv_reference.py ASSETS_DIR
"""
import json
import os
import sys

import cv2
import numpy as np

SIZES = [(320, 240), (300, 300)]
# darknet_dog is 768x576.
EXTRA_SIZES = {
    "darknet_dog.jpg": [
        (1000, 700),  # upscale
        (1536, 1152),  # exact 2x upscale
        (769, 575),  # up in one axis, down in the other
        (333, 77),  # odd sizes
        (299, 301),
        (384, 288),  # exact 2x downscale in both axes: cv2 does it as INTER_AREA
        (384, 300),  # exact 2x in one axis only: stays bilinear
        (256, 192),  # exact 3x downscale: stays bilinear
        (768, 576),  # same size: a copy
        (1, 300),  # 1-pixel-wide and -high outputs
        (300, 1),
        (1, 1),
        (1000, 1),
    ]
}


def main(assets):
    images = os.path.join(assets, "images")
    pil = os.path.join(assets, "pil")
    out = os.path.join(assets, "opencv")
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(pil, "index.json")) as f:
        decoded = {p["file"]: p for p in json.load(f)["photos"]}
    index = {"opencv": cv2.__version__, "interpolation": "INTER_LINEAR", "photos": []}
    for name in sorted(os.listdir(images)):
        if not name.endswith(".jpg"):
            continue
        stem = os.path.splitext(name)[0]
        photo = decoded[name]
        with open(os.path.join(pil, stem + ".rgb"), "rb") as f:
            rgb = np.frombuffer(f.read(), np.uint8).reshape(photo["height"], photo["width"], 3)
        sizes = SIZES + EXTRA_SIZES.get(name, [])
        for w, h in sizes:
            resized = cv2.resize(rgb, (w, h))  # interpolation defaults to INTER_LINEAR
            assert resized.shape == (h, w, 3) and resized.dtype == np.uint8
            with open(os.path.join(out, f"{stem}.{w}x{h}.rgb"), "wb") as f:
                f.write(resized.tobytes())
        index["photos"].append({"file": name, "width": photo["width"], "height": photo["height"],
                                "sizes": [[w, h] for w, h in sizes]})

    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    print(f"OpenCV {cv2.__version__}: references for {len(index['photos'])} photos in {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".assets")
