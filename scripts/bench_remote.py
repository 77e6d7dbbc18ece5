#!/usr/bin/env python3
"""The remote backend's cost, side by side in one run on 127.0.0.1 (both ends share this machine's cores).

usage: bench_remote.py [--tool .build/release/ssd-detect] [--rounds 3] [--iterations 200] [--duration 10]
                       [--json .out/bench-remote.json]

1. Latency: `ssd-detect bench --threads 1` on the CPU backend (the network pass alone, as a worker with one
   single-threaded network runs it) and `ssd-detect bench --threads 1 --backend remote` against such a worker,
   alternated for --rounds rounds. The remote's overhead is the remote bench's `remote_overhead_p50_ms`: each
   call's round trip minus the compute time the worker reported for it (its Server-Timing header), p50, which is
   the overhead over the worker's own network time; the difference of the two benches' p50s is printed too (it
   also holds how much slower the same pass runs in the worker than in a tight loop). Medians over the rounds.
2. Throughput at c=4 (wrk, darknet_dog.jpg as base64 JSON, as scripts/load-test.py posts it): `ssd-detect serve`
   with its defaults, then a front end (`serve --backend remote`) with a worker (`ssd-detect worker`, its defaults
   but --no-all-cores-when-idle: its all-cores network, spinning its second thread between kernels, would take the
   core the front end decodes on, which a worker on its own host does not share).
Prints a table and writes the numbers as JSON.
"""
import argparse, base64, importlib.util, json, os, socket, statistics, subprocess, tempfile, time

spec = importlib.util.spec_from_file_location("load_test", os.path.join(os.path.dirname(__file__), "load-test.py"))
load_test = importlib.util.module_from_spec(spec)
spec.loader.exec_module(load_test)

IMAGE = ".assets/images/darknet_dog.jpg"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(command, port, path):
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    import http.client
    for _ in range(1200):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return process
        except OSError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"{command[1]} on port {port} did not become ready")


def stop(*processes):
    for process in processes:
        process.terminate()
        process.wait(60)


def bench(tool, iterations, *backend):
    run = subprocess.run([tool, "bench", "--threads", "1", "--iterations", str(iterations), "--json", *backend],
                         capture_output=True, text=True, check=True)
    if backend and " 0 run locally" not in run.stderr:
        raise SystemExit(f"the remote bench fell back to the CPU: {run.stderr.strip()}")
    return json.loads(run.stdout)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tool", default=os.environ.get("SSD_DETECT", ".build/release/ssd-detect"))
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--json", default=".out/bench-remote.json")
    parser.add_argument("--worker-option", action="append", default=["--no-all-cores-when-idle"],
                        help="an option for the worker")
    parser.add_argument("--front-option", action="append", default=[], help="an option for the front end")
    parser.add_argument("--skip-latency", action="store_true")
    args = parser.parse_args()
    tool = args.tool

    worker_port = free_port()
    worker = start([tool, "worker", "--host", "127.0.0.1", "--port", str(worker_port), "--workers", "1",
                    "--threads-per-worker", "1", "--no-all-cores-when-idle"], worker_port, "/v2/health/ready")
    remote_flags = ["--backend", "remote", "--remote", f"http://127.0.0.1:{worker_port}"]
    local_p50, remote_p50, overheads = [], [], []
    for _ in range(0 if args.skip_latency else args.rounds):
        local_p50.append(bench(tool, args.iterations)["p50_ms"])
        remote = bench(tool, args.iterations, *remote_flags)
        remote_p50.append(remote["p50_ms"])
        overheads.append(remote["remote_overhead_p50_ms"])
    stop(worker)
    differences = [r - l for l, r in zip(local_p50, remote_p50)]

    body = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"image": base64.b64encode(open(IMAGE, "rb").read()).decode()}, body)
    body.close()
    port = free_port()
    server = start([tool, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error"], port, "/ping")
    load_test.run_wrk(f"http://127.0.0.1:{port}", body.name, 4, 3)
    local = load_test.run_wrk(f"http://127.0.0.1:{port}", body.name, 4, args.duration)
    stop(server)
    worker = start([tool, "worker", "--host", "127.0.0.1", "--port", str(worker_port), "--log-level", "error",
                    *args.worker_option], worker_port, "/v2/health/ready")
    front = start([tool, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "error", *remote_flags,
                   *args.front_option], port, "/ping")
    load_test.run_wrk(f"http://127.0.0.1:{port}", body.name, 4, 3)
    split = load_test.run_wrk(f"http://127.0.0.1:{port}", body.name, 4, args.duration)
    stop(front, worker)
    os.unlink(body.name)

    result = {"network_p50_ms": {"local": local_p50, "remote": remote_p50, "difference": differences,
                                 "overhead_over_worker_compute": overheads},
              "overhead_p50_ms": statistics.median(overheads) if overheads else None,
              "difference_p50_ms": statistics.median(differences) if differences else None,
              "throughput_c4": {"local": local, "front_end_and_worker": split,
                                "ratio": split["requests_per_s"] / local["requests_per_s"]}}
    print(f"{'network pass, 1 thread':38} {'p50 ms per round':>30}")
    print(f"{'cpu (the worker own network time)':38} {'  '.join(f'{v:7.2f}' for v in local_p50):>30}")
    print(f"{'remote (front end -> worker)':38} {'  '.join(f'{v:7.2f}' for v in remote_p50):>30}")
    print(f"{'remote overhead over worker compute':38} {'  '.join(f'{v:7.2f}' for v in overheads):>30}")
    if overheads:
        print(f"remote overhead p50: {result['overhead_p50_ms']:.2f} ms (round trip minus the worker's compute, "
              f"median of the rounds); remote p50 - cpu p50: {result['difference_p50_ms']:.2f} ms")
    print(f"\n{'throughput at c=4':38} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, row in (("serve (local CPU)", local), ("serve --backend remote + worker", split)):
        print(f"{name:38} {row['requests_per_s']:>8.1f} {row['p50_ms']:>8.1f} {row['p99_ms']:>8.1f} {row['errors']:>7}")
    print(f"front end + worker / local: {result['throughput_c4']['ratio']:.2f}x")
    os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
    json.dump(result, open(args.json, "w"), indent=1)


if __name__ == "__main__":
    main()
