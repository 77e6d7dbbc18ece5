#!/usr/bin/env python3
"""Writes Pillow's decodes and resizes of the test photos to .assets/pil/, for the Swift tests to compare with.

Pillow is the independent reference: the TFLite reference outputs in ../shared/reference were made with
PIL Image.open(...).convert("RGB").resize((W, H), Image.BILINEAR). For every photo this writes
  NAME.rgb          Pillow's decode (RGB8, row-major)
  NAME.WxH.rgb      Pillow's BILINEAR resize of that decode, for each size in SIZES
and JPEG variants made by Pillow from one photo (progressive, grayscale, Adobe CMYK), each with its decode.
index.json describes all of it. Usage: scripts/pil_reference.py ASSETS_DIR
"""
import json
import os
import sys

import PIL
from PIL import Image

SIZES = [(300, 300)]
EXTRA_SIZES = {"darknet_dog.jpg": [(224, 224), (320, 240), (1000, 700), (300, 800)]}
VARIANT_SOURCE = "darknet_person.jpg"


def write(img, path):
    with open(path, "wb") as f:
        f.write(img.tobytes())


def main(assets):
    images = os.path.join(assets, "images")
    out = os.path.join(assets, "pil")
    os.makedirs(out, exist_ok=True)
    index = {"pillow": PIL.__version__, "photos": [], "variants": []}
    for name in sorted(os.listdir(images)):
        if not name.endswith(".jpg"):
            continue
        stem = os.path.splitext(name)[0]
        rgb = Image.open(os.path.join(images, name)).convert("RGB")
        write(rgb, os.path.join(out, stem + ".rgb"))
        sizes = SIZES + EXTRA_SIZES.get(name, [])
        for w, h in sizes:
            write(rgb.resize((w, h), Image.BILINEAR), os.path.join(out, f"{stem}.{w}x{h}.rgb"))
        index["photos"].append({"file": name, "width": rgb.width, "height": rgb.height,
                                "sizes": [[w, h] for w, h in sizes]})

    source = Image.open(os.path.join(images, VARIANT_SOURCE)).convert("RGB")
    variants = {
        "progressive": (source, dict(quality=90, progressive=True)),
        "grayscale": (source.convert("L"), dict(quality=90)),
        "cmyk": (source.convert("CMYK"), dict(quality=90)),  # Pillow writes Adobe-style inverted CMYK
    }
    for kind, (img, options) in variants.items():
        path = os.path.join(out, f"variant_{kind}.jpg")
        img.save(path, "JPEG", **options)
        decoded = Image.open(path)
        index["variants"].append({"kind": kind, "file": os.path.basename(path), "mode": decoded.mode,
                                  "width": decoded.width, "height": decoded.height})
        write(decoded.convert("RGB"), os.path.join(out, f"variant_{kind}.rgb"))

    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump(index, f, indent=1)
    print(f"Pillow {PIL.__version__}: references for {len(index['photos'])} photos in {out}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".assets")
