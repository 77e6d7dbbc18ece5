#!/usr/bin/env python3
"""KServe v2 interoperability of `ssd-detect worker` and `--backend remote` with code not written here, run live.

usage: kserve_interop.py SSD_DETECT MODEL_DIR IMAGE...

1. tritonclient[http] (Triton's client, from PyPI) calls `ssd-detect worker`: server and model readiness and
   metadata, then for every image (preprocessed with Pillow as scripts/conformance.py does) an inference with JSON
   tensors and one with binary tensors. The two must be identical, and equal to the TFLite runtime's reference
   kernels' heads (the tensors that feed TFLite_Detection_PostProcess) within the engine's bound (at most 6 steps,
   95% within one; exact where the 8-bit kernel runs). A malformed request must get a 400 that tritonclient raises.
2. `ssd-detect --backend remote` against the kserve package's model server around the TFLite runtime
   (scripts/kserve_tflite_server.py): the same detections, boxes and scores as the local backend.
Prints a line per check; exits 1 on any failure.
"""
import json, os, socket, subprocess, sys, time

import numpy as np
import tritonclient.http as triton
from PIL import Image
from ai_edge_litert.interpreter import Interpreter, OpResolverType

failures = 0


def check(ok, message):
    global failures
    print(("ok    " if ok else "FAIL  ") + message)
    failures += 0 if ok else 1


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, process, seconds=120):
    client = triton.InferenceServerClient(url)
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server at {url} exited with {process.returncode}")
        try:
            if client.is_server_ready():
                return client
        except Exception:
            pass
        time.sleep(0.2)
    sys.exit(f"the server at {url} was not ready within {seconds} s")


def reference_heads(interpreter, heads, pixels):
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], pixels)
    interpreter.invoke()
    return [interpreter.get_tensor(head["index"]) for head in heads]


def worker_against_tritonclient(tool, model_dir, images):
    name = os.path.basename(os.path.normpath(model_dir))
    port = free_port()
    worker = subprocess.Popen([tool, "worker", "--model", model_dir, "--host", "127.0.0.1", "--port", str(port),
                               "--log-level", "warning"])
    try:
        client = wait_ready(f"127.0.0.1:{port}", worker)
        check(client.is_server_live() and client.is_model_ready(name), f"worker: live and model '{name}' ready")
        metadata = client.get_model_metadata(name)
        interpreter = Interpreter(model_path=os.path.join(model_dir, "detect.tflite"),
                                  experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                                  experimental_preserve_all_tensors=True)
        interpreter.allocate_tensors()
        tensors = {t["name"]: t for t in interpreter.get_tensor_details()}
        source = interpreter.get_input_details()[0]
        described = [(t["name"], t["datatype"], t["shape"]) for t in metadata["inputs"] + metadata["outputs"]]
        expected = [(t["name"], "UINT8", [int(d) for d in t["shape"]])
                    for t in [source] + [tensors[o["name"]] for o in metadata["outputs"]]]
        check(described == expected, f"worker: metadata names the TFLite model's tensors {described}")
        heads = [tensors[o["name"]] for o in metadata["outputs"]]
        _, height, width, _ = source["shape"]
        for path in images:
            pixels = np.asarray(Image.open(path).convert("RGB").resize((int(width), int(height)), Image.BILINEAR),
                                dtype=np.uint8)[None]
            answers = []
            for binary in (False, True):
                tensor = triton.InferInput(metadata["inputs"][0]["name"], list(pixels.shape), "UINT8")
                tensor.set_data_from_numpy(pixels, binary_data=binary)
                outputs = [triton.InferRequestedOutput(o["name"], binary_data=binary) for o in metadata["outputs"]]
                result = client.infer(name, [tensor], outputs=outputs, request_id=os.path.basename(path))
                answers.append([result.as_numpy(o["name"]) for o in metadata["outputs"]])
            same = all(np.array_equal(a, b) for a, b in zip(*answers))
            reference = reference_heads(interpreter, heads, pixels)
            stats = []
            within = True
            for ours, theirs in zip(answers[1], reference):
                difference = np.abs(ours.astype(int) - theirs.astype(int))
                stats.append(f"max {difference.max()}, {100 * (difference <= 1).mean():.1f}% within 1")
                within &= difference.max() <= 6 and (difference <= 1).mean() >= 0.95
            check(same and within,
                  f"worker: {os.path.basename(path)}: JSON and binary heads {'identical' if same else 'DIFFER'}; "
                  f"vs TFLite reference kernels: {'; '.join(stats)}")
        try:
            wrong = triton.InferInput(metadata["inputs"][0]["name"], [1, 2], "UINT8")
            wrong.set_data_from_numpy(np.zeros((1, 2), dtype=np.uint8))
            client.infer(name, [wrong])
            check(False, "worker: a wrongly shaped input was accepted")
        except triton.InferenceServerException as error:
            check("the model takes UINT8" in str(error), f"worker: a wrongly shaped input is refused: {error}")
    finally:
        worker.terminate()
        worker.wait(30)


def remote_against_kserve(tool, model_dir, images):
    name = os.path.basename(os.path.normpath(model_dir))
    port = free_port()
    server = subprocess.Popen([sys.executable, os.path.join(os.path.dirname(__file__), "kserve_tflite_server.py"),
                               os.path.join(model_dir, "detect.tflite"), "--name", name,
                               "--heads", "Squeeze", "convert_scores", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"127.0.0.1:{port}", server)

        def detections(*backend):
            run = subprocess.run([tool, "--model", model_dir, "--json", "--threshold", "0.2", *backend, *images],
                                 capture_output=True, text=True)
            if run.returncode != 0:
                sys.exit(f"ssd-detect {' '.join(backend)} failed: {run.stderr.strip()}")
            return {os.path.basename(e["path"]): e["detections"] for e in json.loads(run.stdout)["images"]}, run.stderr

        local, _ = detections()
        remote, summary = detections("--backend", "remote", "--remote", f"http://127.0.0.1:{port}")
        check(f"remote: {len(images)} inferences on remotes, 0 failed, 0 run locally" in summary,
              f"remote (kserve + TFLite): every inference ran on the kserve server ({summary.strip()})")
        for image in local:
            ours, theirs = local[image], remote[image]
            same = len(ours) == len(theirs) and all(
                a["label"] == b["label"] and abs(a["score"] - b["score"]) <= 1 / 128
                and max(abs(x - y) for x, y in zip(a["box"], b["box"])) <= 1 for a, b in zip(ours, theirs))
            exact = ours == theirs
            check(same, f"remote (kserve + TFLite): {image}: {len(theirs)} detections vs {len(ours)} local, "
                        f"{'identical' if exact else 'within 1 px and 1/128'}")
    finally:
        server.terminate()
        server.wait(30)


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    tool, model_dir, images = sys.argv[1], sys.argv[2], sys.argv[3:]
    worker_against_tritonclient(tool, model_dir, images)
    remote_against_kserve(tool, model_dir, images)
    print(f"kserve interop: {failures} failure(s)")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
