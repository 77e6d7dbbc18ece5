#!/usr/bin/env python3
"""A client for `ssd-detect serve` using only the standard library.

usage: client.py IMAGE [--url http://127.0.0.1:8080] [--threshold 0.5] [--sagemaker]
"""
import argparse, base64, json, sys, urllib.error, urllib.request

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("image")
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--sagemaker", action="store_true", help="ask for SageMaker's response format")
    args = parser.parse_args()
    with open(args.image, "rb") as f:
        payload = {"image": base64.b64encode(f.read()).decode("ascii"), "threshold": args.threshold}
    accept = "application/json; format=sagemaker" if args.sagemaker else "application/json"
    request = urllib.request.Request(args.url + "/invocations", data=json.dumps(payload).encode(),
                                     headers={"Content-Type": "application/json", "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            result = json.load(response)
    except urllib.error.HTTPError as error:
        detail = json.load(error).get("error", {})
        sys.exit(f"{error.code} {detail.get('code')}: {detail.get('message')}")
    if args.sagemaker:
        for class_id, score, xmin, ymin, xmax, ymax in result["prediction"]:
            print(f"class {int(class_id):3d}  {score:.3f}  [{xmin:.3f} {ymin:.3f} {xmax:.3f} {ymax:.3f}]")
        return
    print(f"{args.image}: {result['width']}x{result['height']}, {result['timing_ms']['total']:.1f} ms on the server")
    for d in result["detections"]:
        xmin, ymin, xmax, ymax = d["box"]
        print(f"  {d['label']:<14} {d['score']:.3f}  [{xmin:.0f} {ymin:.0f} {xmax:.0f} {ymax:.0f}]")

if __name__ == "__main__":
    main()
