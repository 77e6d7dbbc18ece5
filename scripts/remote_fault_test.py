#!/usr/bin/env python3
"""Fault test of the remote backend, live on 127.0.0.1: a front end (`ssd-detect serve --backend remote`) under
load while its worker (`ssd-detect worker`) is killed and restarted.

usage: remote_fault_test.py SSD_DETECT IMAGE [--concurrency 4] [--kill-at 3] [--restart-at 7] [--duration 12]

Posts IMAGE (raw JPEG) to /invocations on `--concurrency` keep-alive connections, closed loop, for `--duration`
seconds; kills the worker with SIGKILL at `--kill-at` s and starts it again on the same port at `--restart-at` s.
Checks: every request answered 200 (zero failed); /metrics counts fallbacks while the worker is away; remote
inferences succeed again after the restart (traffic returns); /ping stays 200 throughout. Prints the requests per
phase and the metrics; exits 1 on any failed check.
"""
import argparse, http.client, os, re, signal, socket, subprocess, sys, threading, time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port, path, process, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            sys.exit(f"the process on port {port} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    sys.exit(f"port {port} not ready within {seconds} s")


def metrics(port):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    connection.request("GET", "/metrics")
    text = connection.getresponse().read().decode()
    def total(pattern):
        return sum(float(v) for v in re.findall(pattern + r"[^\n]* (\d+(?:\.\d+)?)\n", text))
    return {"remote_ok": total(r'ssd_remote_requests_total\{[^}]*outcome="ok"\}'),
            "remote_failed": total(r'ssd_remote_requests_total\{[^}]*outcome="(?:connection|timeout|status|malformed)"\}'),
            "fallbacks": total(r"ssd_remote_fallbacks_total\{[^}]*\}")}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("tool")
    parser.add_argument("image")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--kill-at", type=float, default=3)
    parser.add_argument("--restart-at", type=float, default=7)
    parser.add_argument("--duration", type=float, default=12)
    args = parser.parse_args()
    body = open(args.image, "rb").read()
    worker_port, front_port = free_port(), free_port()
    worker_command = [args.tool, "worker", "--host", "127.0.0.1", "--port", str(worker_port), "--workers", "1",
                      "--log-level", "error"]
    worker = subprocess.Popen(worker_command)
    wait_for(worker_port, "/v2/health/ready", worker)
    front = subprocess.Popen([args.tool, "serve", "--host", "127.0.0.1", "--port", str(front_port),
                              "--backend", "remote", "--remote", f"http://127.0.0.1:{worker_port}",
                              "--log-level", "error"])
    wait_for(front_port, "/ping", front)

    start = time.time()
    stop = threading.Event()
    lock = threading.Lock()
    answers = []  # (time since start, status or error text)
    pings = []

    def client():
        connection = None
        while not stop.is_set():
            try:
                if connection is None:
                    connection = http.client.HTTPConnection("127.0.0.1", front_port, timeout=30)
                connection.request("POST", "/invocations", body, {"Content-Type": "image/jpeg"})
                response = connection.getresponse()
                response.read()
                outcome = response.status
            except (OSError, http.client.HTTPException) as error:
                outcome = f"{type(error).__name__}: {error}"
                connection = None
            with lock:
                answers.append((time.time() - start, outcome))

    def pinger():
        while not stop.is_set():
            try:
                connection = http.client.HTTPConnection("127.0.0.1", front_port, timeout=5)
                connection.request("GET", "/ping")
                pings.append(connection.getresponse().status)
            except OSError as error:
                pings.append(str(error))
            time.sleep(0.1)

    threads = [threading.Thread(target=client) for _ in range(args.concurrency)] + [threading.Thread(target=pinger)]
    for thread in threads:
        thread.start()
    time.sleep(args.kill_at)
    before = metrics(front_port)
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    time.sleep(args.restart_at - args.kill_at)
    during = metrics(front_port)
    worker = subprocess.Popen(worker_command)
    time.sleep(args.duration - args.restart_at)
    stop.set()
    for thread in threads:
        thread.join()
    after = metrics(front_port)
    worker.terminate()
    front.terminate()
    worker.wait(30)
    front.wait(30)

    failed = [a for a in answers if a[1] != 200]
    phases = [("worker up", 0, args.kill_at), ("worker killed", args.kill_at, args.restart_at),
              ("worker restarted", args.restart_at, args.duration)]
    print(f"{'phase':18} {'requests':>8} {'per s':>7} {'failed':>6}")
    for name, begin, end in phases:
        inside = [a for a in answers if begin <= a[0] < end]
        print(f"{name:18} {len(inside):>8} {len(inside) / (end - begin):>7.1f} "
              f"{sum(1 for a in inside if a[1] != 200):>6}")
    print(f"metrics at the kill:    {before}")
    print(f"metrics at the restart: {during}")
    print(f"metrics at the end:     {after}")
    checks = [
        (not failed, f"zero failed requests ({len(failed)} of {len(answers)} failed: {failed[:3]})"),
        (during["fallbacks"] > before["fallbacks"], "fallbacks counted while the worker was away"),
        (after["remote_ok"] > during["remote_ok"], "remote inferences again after the restart"),
        (all(p == 200 for p in pings), f"/ping 200 throughout ({len(pings)} probes)"),
    ]
    for ok, message in checks:
        print(("ok    " if ok else "FAIL  ") + message)
    sys.exit(0 if all(ok for ok, _ in checks) else 1)


if __name__ == "__main__":
    main()
