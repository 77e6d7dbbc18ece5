#!/usr/bin/env python3
"""Conformance of `ssd-detect` with the TFLite runtime, run live.

usage: conformance.py [--regular-nms] SSD_DETECT MODEL LABELS IMAGE...

Runs the TFLite runtime's reference kernels (ai-edge-litert, BUILTIN_REF) on every image with PIL's
preprocessing (convert('RGB').resize(input size, BILINEAR)), runs `SSD_DETECT --json --threshold 0.2` on the
same files, and checks both ways: every detection with score >= 0.5 on one side is matched on the other by one
with the same label, IoU >= 0.7 and |score difference| <= 0.1. Prints a table per image and a summary line;
exits 1 on any miss. `--regular-nms` checks both on a copy of the model folder whose TFLite_Detection_PostProcess
op is set to regular (per-class) NMS (scripts/tflite_model.py), a mode the shipped model does not use.
"""
import json, os, shutil, subprocess, sys, tempfile

import numpy as np
from PIL import Image
from ai_edge_litert.interpreter import Interpreter, OpResolverType

from tflite_model import with_postprocess_options

SCORE, IOU, SCORE_DIFFERENCE = 0.5, 0.7, 0.1

def reference_detections(model, labels, path):
    interpreter = Interpreter(model_path=model, num_threads=1,
                              experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interpreter.allocate_tensors()
    detail = interpreter.get_input_details()[0]
    _, height, width, _ = detail["shape"]
    image = Image.open(path).convert("RGB")
    pixels = np.asarray(image.resize((int(width), int(height)), Image.BILINEAR), dtype=np.uint8)[None]
    interpreter.set_tensor(detail["index"], pixels)
    interpreter.invoke()
    outputs = interpreter.get_output_details()
    boxes, classes, scores, count = (interpreter.get_tensor(outputs[i]["index"]) for i in range(4))
    detections = []
    for i in range(int(count[0])):
        c = int(classes[0][i])
        ymin, xmin, ymax, xmax = (float(min(max(v, 0), 1)) for v in boxes[0][i])
        detections.append({"label": labels[c + 1] if c + 1 < len(labels) else str(c),
                           "score": float(scores[0][i]), "box": [xmin, ymin, xmax, ymax]})
    return detections

def iou(a, b):
    width = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    height = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    intersection = width * height
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - intersection
    return intersection / union if union > 0 else 0.0

def matched(detection, others):
    return any(o["label"] == detection["label"] and iou(o["box"], detection["box"]) >= IOU
               and abs(o["score"] - detection["score"]) <= SCORE_DIFFERENCE for o in others)

def regular_nms_copy(model, folder):
    """A copy of the model's folder (labels, manifest) in `folder`, its .tflite set to regular NMS."""
    copy = os.path.join(folder, "model")
    shutil.copytree(os.path.dirname(os.path.abspath(model)), copy)
    path = os.path.join(copy, os.path.basename(model))
    with open(model, "rb") as original:
        content = with_postprocess_options(original.read(), use_regular_nms=True)
    with open(path, "wb") as patched:
        patched.write(content)
    return path

def main():
    arguments = sys.argv[1:]
    regular = "--regular-nms" in arguments
    arguments = [a for a in arguments if a != "--regular-nms"]
    if len(arguments) < 4:
        sys.exit(__doc__)
    tool, model, labels_path, images = arguments[0], arguments[1], arguments[2], arguments[3:]
    with tempfile.TemporaryDirectory() as folder:
        check(tool, regular_nms_copy(model, folder) if regular else model, labels_path, images, regular)

def check(tool, model, labels_path, images, regular):
    labels = [line.rstrip("\n") for line in open(labels_path)]
    run = subprocess.run([tool, "--model", model, "--json", "--threshold", "0.2", *images],
                         capture_output=True, text=True)
    if run.returncode != 0:
        sys.exit(f"ssd-detect failed ({run.returncode}): {run.stderr.strip()}")
    ours = {os.path.basename(entry["path"]): entry for entry in json.loads(run.stdout)["images"]}
    misses = 0
    print(f"{'image':22} {'reference >= 0.5':>16} {'ours >= 0.5':>11} {'missed':>7} {'extra':>6}")
    for path in images:
        name = os.path.basename(path)
        reference = [d for d in reference_detections(model, labels, path)]
        entry = ours[name]
        if "error" in entry:
            print(f"{name:22} error: {entry['error']['message']}")
            misses += 1
            continue
        mine = [{"label": d["label"], "score": d["score"], "box": d["box_normalized"]} for d in entry["detections"]]
        confident_reference = [d for d in reference if d["score"] >= SCORE]
        confident_ours = [d for d in mine if d["score"] >= SCORE]
        missed = [d for d in confident_reference if not matched(d, mine)]
        extra = [d for d in confident_ours if not matched(d, reference)]
        misses += len(missed) + len(extra)
        print(f"{name:22} {len(confident_reference):>16} {len(confident_ours):>11} {len(missed):>7} {len(extra):>6}")
        for d in missed:
            print(f"  missed {d['label']} {d['score']:.3f} {d['box']}")
        for d in extra:
            print(f"  extra  {d['label']} {d['score']:.3f} {d['box']}")
    verdict = "PASS" if misses == 0 else "FAIL"
    mode = " (regular NMS)" if regular else ""
    print(f"conformance{mode}: {verdict}: {len(images)} images, {misses} misses "
          f"(rule: same label, IoU >= {IOU}, |score difference| <= {SCORE_DIFFERENCE}, both ways at {SCORE})")
    sys.exit(0 if misses == 0 else 1)

if __name__ == "__main__":
    main()
