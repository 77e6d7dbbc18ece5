#!/usr/bin/env python3
"""Bounded load test of `ssd-detect serve` on 127.0.0.1: wrk at fixed concurrencies, then an overload phase.

usage: load-test.py [--duration SECONDS] [--workers N] [--threads-per-worker N] [--concurrency 1,4,8] [--json OUT]
                    [--server-option=OPTION ...] [--max-queue N] [--no-overload] [--phases c=64,fit,burst]
                    [--overload-duration SECONDS] [--overload-concurrency 64] [--fit-connections 8]
                    [--burst-requests 16] [--burst-connections 16] [--burst-min-seconds 2] [--burst-timeout 30]
                    [--retry-delay-ms 0]
                    [--rss-abort-mb 8192]  (--help lists them all)

Starts the server with its defaults (`--max-queue`, `--workers`, `--threads-per-worker`, `--server-option` change
them) on 127.0.0.1, warms it up at the highest concurrency, posts darknet_dog.jpg as base64 JSON at each
concurrency for a fixed time, and prints requests/s, p50/p90/p99 latency, errors, and the server's RSS when ready,
before and after the timed run. For the targets it also measures,
in the same run, the CLI's per-image time and the engine's own throughput on all cores (`ssd-detect bench`).

Overload (on by default; `--no-overload` skips it), after the runs above, on the same server:
- steady state: the median of the server's RSS during the wrk runs (the baseline of the RSS ratios), and 1 s idle
  after them: RSS and /ping latency;
- c=64: the same darknet_dog.jpg body on 64 connections for `--overload-duration` seconds (default `--duration`);
- fitting batches: {"instances": [16 x a 2 MP PNG]} on 8 connections for the same time;
- large-batch burst: {"instances": [16 x a 40 MP PNG]} (16384x2441, solid colour: about 120 KB each, 2.6 MB a body,
  1.9 GB of pixels once decoded) on 16 connections: 16 requests, or more where they are answered within 2 s
  (`--burst-min-seconds`), for enough /ping and RSS samples; cut off after `--burst-timeout` seconds.
  Last, because it may exhaust memory: the server is killed (and the phase reported as aborted) if its RSS
  passes `--rss-abort-mb` or half the memory available at start.
The PNGs are made with Pillow at start-up, in memory. `--phases` picks some of the three. With the default durations
(10 s) the whole run takes about 100 s, the burst at most `--burst-timeout`.

Overload client: Python asyncio, HTTP/1.1 keep-alive, one request outstanding per connection (closed loop), since
wrk cannot time requests by status. Each connection sends its next request as soon as the previous one is answered,
whatever the status: a 503 is retried at once (as a new request; Retry-After is not honoured, which would hide the
overload; `--retry-delay-ms` pauses a connection that long after a 503 instead). The server holds a request that
finds it full for up to its admission wait (100 ms) before the 503, so each connection retries at most that often. It reconnects after `Connection: close`, or when the server closed the connection, or after a
connection error (counted under "errors"). In the timed phases, only responses received within the phase count
(requests in flight at its end are let finish, up to 10 s, and reported as "late"). The client's own CPU use
(client cores) is reported next to the server's: both share the machine's cores.

During each overload phase:
- /ping sampler: a separate process with its own keep-alive connection issues GET /ping every 50 ms; a probe not
  answered 200 within 1 s is a failure. Percentiles are over all probes, failures counting as infinitely slow.
- RSS: the server's VmRSS every 50 ms, and its VmHWM (peak) reset at the start of each phase (/proc/PID/clear_refs).

Targets (issue 11), PASS/FAIL from the same run: goodput (200s/s) at c=64 >= 90% of wrk's c=4 throughput; p99 of
the 200s at c=64 <= 4x wrk's c=4 p99; /ping p95 < 100 ms in each overload phase; peak RSS <= 1.5x the steady state
at c=64, and < 1 GiB in the large-batch burst. They do not change the exit status: it is 1 when
a wrk run had errors or the server died (including being killed at --rss-abort-mb).
"""
import argparse, asyncio, base64, io, json, os, re, resource, signal, socket, subprocess, sys, tempfile, threading
import time, urllib.request
from collections import Counter

TOOL = ".build/release/ssd-detect"
IMAGE = ".assets/images/darknet_dog.jpg"
PROBE_TIMEOUT_S = 1.0
SAMPLE_INTERVAL_S = 0.05
LATE_GRACE_S = 10.0
RETRY_DELAY_S = 0.0  # --retry-delay-ms

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def proc_status_mb(pid, field):
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0

def rss_mb(pid):
    return proc_status_mb(pid, "VmRSS")

def wait_ready(url, seconds=60):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            if urllib.request.urlopen(url + "/ping", timeout=1).status == 200:
                return
        except Exception:
            time.sleep(0.05)
    sys.exit("the server did not become ready")

def cpu_seconds(pid):
    """User + system CPU time of a process and all its threads."""
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def milliseconds(text):
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 1e-3, "ms": 1, "s": 1e3}[unit]

def percentile(values, p):
    """Linear interpolation between closest ranks; None for no values."""
    if not values:
        return None
    v = sorted(values)
    k = (len(v) - 1) * p / 100
    lo = int(k)
    hi = min(lo + 1, len(v) - 1)
    if k == lo or v[hi] == v[lo]:
        return v[lo]
    return v[lo] + (v[hi] - v[lo]) * (k - lo)  # inf when v[hi] is (a failed probe)

def run_wrk(url, body_path, concurrency, duration):
    script = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)
    script.write(f'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                 f'local f = io.open("{body_path}", "rb")\nwrk.body = f:read("*all")\nf:close()\n'
                 'function response(status, headers, body)\n  if status ~= 200 then bad = (bad or 0) + 1 end\nend\n'
                 'done = function(summary, latency, requests)\n'
                 '  io.write(string.format("non2xx %d\\n", summary.errors.status))\nend\n')
    script.close()
    out = subprocess.run(["wrk", "-t", str(min(concurrency, 2)), "-c", str(concurrency), "-d", f"{duration}s",
                          "--latency", "-s", script.name, url + "/invocations"],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(script.name)
    percentiles = {p: milliseconds(v) for p, v in re.findall(r"^\s+(50|90|99)%\s+(\S+)", out, re.M)}
    socket_errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non2xx = int(re.search(r"non2xx (\d+)", out).group(1))
    return {"concurrency": concurrency, "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": percentiles["50"], "p90_ms": percentiles["90"], "p99_ms": percentiles["99"],
            "requests": int(re.search(r"(\d+) requests in", out).group(1)), "errors": socket_errors + non2xx}

def cli_per_image_ms(threads):
    out = subprocess.run([TOOL, "--json", "--threads", str(threads)] + [IMAGE] * 30, capture_output=True, text=True,
                         check=True).stdout
    totals = sorted(i["timing_ms"]["total"] for i in json.loads(out)["images"][5:])
    return totals[len(totals) // 2]

def engine_images_per_s(cores):
    best = 0.0
    for threads in sorted({1, cores}):
        report = json.loads(subprocess.run([TOOL, "bench", "--json", "--threads", str(threads), "--iterations", "200"],
                                           capture_output=True, text=True, check=True).stdout)
        # With t threads per network, cores / t networks can run side by side.
        best = max(best, report["images_per_s"] * (cores // threads))
    return best

# ---------------------------------------------------------------------------------------------------------------
# Overload: RSS sampler (a thread), /ping sampler (a process), asyncio HTTP/1.1 client.

class RssSampler(threading.Thread):
    """Samples the server's VmRSS every 50 ms for the whole run, in segments (phases). `begin` resets the kernel's
    VmHWM so that `end` also gets the exact peak of the segment, whatever fell between samples. Kills the server
    (SIGKILL) if its RSS passes `abort_mb`."""

    def __init__(self, server, abort_mb):
        super().__init__(daemon=True)
        self.server, self.abort_mb = server, abort_mb
        self.lock = threading.Lock()
        self.samples = []
        self.stop_event = threading.Event()
        self.aborted = None  # (phase, MB) once the server was killed

    def run(self):
        while not self.stop_event.wait(SAMPLE_INTERVAL_S):
            if self.server.poll() is not None:
                continue
            value = rss_mb(self.server.pid)
            with self.lock:
                self.samples.append(value)
                phase = getattr(self, "phase", None)
            if value > self.abort_mb and self.aborted is None:
                self.aborted = (phase, value)
                self.server.kill()

    def begin(self, phase):
        self.hwm_reset = False
        try:
            with open(f"/proc/{self.server.pid}/clear_refs", "w") as f:
                f.write("5")
            self.hwm_reset = True
        except OSError:
            pass
        with self.lock:
            self.samples = [rss_mb(self.server.pid)]
            self.phase = phase

    def end(self):
        hwm = proc_status_mb(self.server.pid, "VmHWM") if self.hwm_reset and self.server.poll() is None else None
        with self.lock:
            samples, self.samples = self.samples + [rss_mb(self.server.pid)], []
            self.phase = None
        samples = [s for s in samples if s > 0]
        self.last_samples = samples
        peak = max(samples) if samples else None
        return {"rss_peak_sampled_mb": round(peak, 1) if peak else None,
                "rss_hwm_mb": round(hwm, 1) if hwm else None,
                "rss_peak_mb": round(max(peak or 0, hwm or 0), 1) or None,
                "rss_median_mb": round(percentile(samples, 50), 1) if samples else None,
                "rss_samples": len(samples)}

def ping_sampler_main(port, limit_s):
    """Child process: GET /ping on one keep-alive connection every 50 ms until SIGTERM (or limit_s); prints JSON."""
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    latencies, failures = [], Counter()
    sock, buffer = None, b""
    print("ready", flush=True)
    end = time.perf_counter() + limit_s
    tick = time.perf_counter()
    while not stop and time.perf_counter() < end:
        delay = tick - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        if stop:
            break
        t0 = time.perf_counter()
        deadline = t0 + PROBE_TIMEOUT_S
        try:
            if sock is None:
                sock = socket.create_connection(("127.0.0.1", port), timeout=PROBE_TIMEOUT_S)
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                buffer = b""
            sock.sendall(b"GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            while b"\r\n\r\n" not in buffer:
                sock.settimeout(max(deadline - time.perf_counter(), 0.001))
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                buffer += chunk
            head, buffer = buffer.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            status = int(lines[0].split()[1])
            headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
            length = int(headers.get("content-length", "0"))
            while len(buffer) < length:
                sock.settimeout(max(deadline - time.perf_counter(), 0.001))
                chunk = sock.recv(65536)
                if not chunk:
                    raise ConnectionError("closed")
                buffer += chunk
            buffer = buffer[length:]
            latency = time.perf_counter() - t0
            if headers.get("connection", "").lower() == "close":
                sock.close()
                sock = None
            if latency > PROBE_TIMEOUT_S:
                failures["timeout"] += 1
            elif status == 200:
                latencies.append(latency * 1e3)
            else:
                failures[str(status)] += 1
        except socket.timeout:
            failures["timeout"] += 1
            sock.close() if sock else None
            sock = None
        except (OSError, ValueError, IndexError) as error:
            failures[type(error).__name__] += 1
            sock.close() if sock else None
            sock = None
        tick = max(tick + SAMPLE_INTERVAL_S, time.perf_counter())
    print(json.dumps({"latencies_ms": latencies, "failures": failures}), flush=True)

class PingSampler:
    def __init__(self, port, limit_s):
        self.process = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--ping-sampler", str(port),
                                         str(limit_s)], stdout=subprocess.PIPE, text=True)
        self.process.stdout.readline()  # "ready"

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            out, _ = self.process.communicate(timeout=PROBE_TIMEOUT_S + 5)
            data = json.loads(out.strip().splitlines()[-1])
        except (subprocess.TimeoutExpired, ValueError, IndexError) as error:
            self.process.kill()
            self.process.wait()
            data = {"latencies_ms": [], "failures": {f"sampler failed: {error!r}": 1}}
        ok, failures = data["latencies_ms"], sum(data["failures"].values())
        everything = ok + [float("inf")] * failures  # a failure counts as infinitely slow
        return {"ping_probes": len(everything), "ping_failures": failures, "ping_failure_kinds": data["failures"],
                "ping_p50_ms": rounded(percentile(everything, 50)), "ping_p95_ms": rounded(percentile(everything, 95)),
                "ping_max_ms": rounded(max(everything)) if everything else None}

def rounded(value, digits=2):
    if value is None:
        return None
    if value == float("inf"):
        return "inf"  # JSON has no infinity
    return round(value, digits)

class ResponseReader(asyncio.Protocol):
    """Collects what the server sends. Unlike asyncio's streams it keeps a response that arrived before a reset
    readable (a server that answers 413 early and closes resets the connection if the body was still coming)."""

    def __init__(self):
        self.buffer = bytearray()
        self.closed = False
        self.waiter = None

    def data_received(self, data):
        self.buffer += data
        self.wake()

    def eof_received(self):
        self.closed = True
        self.wake()

    def connection_lost(self, error):
        self.closed = True
        self.wake()

    def wake(self):
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_result(None)

    async def more(self):
        """Waits for more data; raises ConnectionError once the connection closed with nothing more."""
        if self.closed:
            raise ConnectionError("closed by the server")
        self.waiter = asyncio.get_running_loop().create_future()
        await self.waiter

class Connection:
    """One HTTP/1.1 keep-alive connection, one request at a time."""

    def __init__(self, port):
        self.port = port
        self.transport = None

    async def open(self):
        self.transport, self.reader = await asyncio.get_running_loop().create_connection(
            ResponseReader, "127.0.0.1", self.port)

    def abort(self):
        if self.transport is not None:
            self.transport.abort()
            self.transport = None

    @property
    def usable(self):
        return self.transport is not None and not self.reader.closed and not self.transport.is_closing()

    async def exchange(self, request):
        """Sends `request` (bytes), reads the response; returns (status, reusable). The transport sends what the
        socket does not take at once as the server reads, while the response is awaited: a server may answer
        before it has read the body (and then must discard the rest, or close)."""
        self.transport.write(request)
        buffer = self.reader.buffer
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            await self.reader.more()
        lines = buffer[:end].decode("latin-1").split("\r\n")
        del buffer[:end + 4]
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:] if l)}
        reusable = headers.get("connection", "").lower() != "close" and not lines[0].startswith("HTTP/1.0")
        if "content-length" in headers:
            length = int(headers["content-length"])
            while len(buffer) < length:
                await self.reader.more()
            del buffer[:length]
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            while True:
                while (eol := buffer.find(b"\r\n")) < 0:
                    await self.reader.more()
                size = int(bytes(buffer[:eol]).split(b";")[0], 16)
                if size == 0:
                    while (end := buffer.find(b"\r\n\r\n", eol)) < 0:  # trailers, then an empty line
                        await self.reader.more()
                    del buffer[:end + 4]
                    break
                while len(buffer) < eol + 2 + size + 2:
                    await self.reader.more()
                del buffer[:eol + 2 + size + 2]
        else:
            while not self.reader.closed:
                await self.reader.more()
            reusable = False
        return status, reusable and self.usable

async def drive(port, request, connections, duration=None, total=None, timeout=None, min_duration=0.0,
                retry_delay=0.0, snapshot=lambda: None):
    """Closed-loop load: `connections` connections, each with one request outstanding, until `duration` seconds
    have passed (then in-flight requests may finish, as "late", for LATE_GRACE_S), or until `total` requests were
    sent and `min_duration` seconds have passed, both (cut off at `timeout`). Calls `snapshot` at the end of the
    timed window (before the late responses), or of the burst."""
    latencies = {}  # status -> [ms]
    errors, state = Counter(), {"late": 0, "connects": 0, "tickets": total, "last": None}
    start = time.perf_counter()
    deadline = start + (duration if duration is not None else timeout)

    async def user():
        conn = None
        try:
            while time.perf_counter() < deadline:
                if total is not None:
                    if state["tickets"] == 0 and time.perf_counter() - start >= min_duration:
                        break
                    state["tickets"] = max(state["tickets"] - 1, 0)
                try:
                    if conn is not None and not conn.usable:  # closed by the server since its last response
                        conn.abort()
                        conn = None
                    if conn is None:
                        conn = Connection(port)
                        await conn.open()
                        state["connects"] += 1
                    t0 = time.perf_counter()
                    status, reusable = await conn.exchange(request)
                    t1 = time.perf_counter()
                except (OSError, ValueError, IndexError) as e:
                    errors[type(e).__name__] += 1
                    if conn is not None:
                        conn.abort()
                    conn = None
                    await asyncio.sleep(0.01)  # no busy loop on a dead server
                    continue
                if t1 <= deadline:
                    latencies.setdefault(status, []).append((t1 - t0) * 1e3)
                    state["last"] = t1
                else:
                    state["late"] += 1
                if not reusable:
                    conn.abort()
                    conn = None
                if status == 503 and retry_delay:
                    await asyncio.sleep(retry_delay)
        finally:
            if conn is not None:
                conn.abort()

    tasks = [asyncio.create_task(user()) for _ in range(connections)]
    if duration is not None:
        await asyncio.wait(tasks, timeout=max(deadline - time.perf_counter(), 0))
        snapshot()
        _, pending = await asyncio.wait(tasks, timeout=max(deadline - time.perf_counter(), 0) + LATE_GRACE_S)
    else:
        _, pending = await asyncio.wait(tasks, timeout=max(deadline - time.perf_counter(), 0))
        snapshot()
    for task in pending:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    if duration is not None:
        elapsed = duration
    elif pending or state["last"] is None:
        elapsed = time.perf_counter() - start  # cut off
    else:
        elapsed = state["last"] - start
    return {"elapsed_s": round(elapsed, 2), "latencies": latencies, "errors": dict(errors), "late": state["late"],
            "unfinished": len(pending), "connects": state["connects"]}

def summarize(result, batch=1):
    statuses = {}
    answered = sum(len(v) for v in result["latencies"].values())
    for status, values in sorted(result["latencies"].items()):
        statuses[str(status)] = {"count": len(values), "per_s": round(len(values) / result["elapsed_s"], 2),
                                 "share": round(len(values) / answered, 4) if answered else None,
                                 "p50_ms": rounded(percentile(values, 50)), "p99_ms": rounded(percentile(values, 99)),
                                 "max_ms": rounded(max(values))}
    ok = statuses.get("200", {}).get("count", 0)
    return {"elapsed_s": result["elapsed_s"], "answered": answered, "statuses": statuses,
            "goodput_per_s": round(ok / result["elapsed_s"], 2), "goodput_images_per_s": round(ok * batch / result["elapsed_s"], 2),
            "errors": result["errors"], "late": result["late"], "unfinished": result["unfinished"],
            "connects": result["connects"]}

def post(body, port):
    return (f"POST /invocations HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body

def png_batch_body(width, height, count):
    from PIL import Image
    image = Image.new("RGB", (width, height), (118, 128, 138))
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=9)
    del image
    b64 = base64.b64encode(buffer.getvalue()).decode()
    return json.dumps({"instances": [{"b64": b64}] * count}).encode(), len(buffer.getvalue())

def note(text):
    print(f"load-test {time.strftime('%H:%M:%S')}: {text}", file=sys.stderr, flush=True)

def overload_phase(name, server, port, rss, request, connections, batch=1, duration=None, total=None, timeout=None,
                   min_duration=0.0):
    note(f"{name}: {connections} connections, " + (f"{duration} s" if duration else
         f"at least {total} requests and {min_duration:g} s, cut off at {timeout} s"))
    ping = PingSampler(port, (duration or timeout) + LATE_GRACE_S + 30)
    rss.begin(name)
    def cpu():
        own = resource.getrusage(resource.RUSAGE_SELF)
        # This process (load and RSS sampler) and the /ping sampler.
        client = own.ru_utime + own.ru_stime + cpu_seconds(ping.process.pid)
        return time.perf_counter(), cpu_seconds(server.pid) if server.poll() is None else None, client
    start = cpu()
    end = []
    result = asyncio.run(drive(port, request, connections, duration=duration, total=total, timeout=timeout,
                               min_duration=min_duration, retry_delay=RETRY_DELAY_S,
                               snapshot=lambda: end.append(cpu())))
    row = {"phase": name, "connections": connections, "batch": batch, "requests_limit": total}
    row.update(summarize(result, batch))
    row.update(rss.end())
    row.update(ping.stop())
    # CPU over the timed window (the burst: until its end), not the late responses after it.
    wall = end[0][0] - start[0]
    row["wall_s"] = round(wall, 2)
    row["client_cores_busy"] = round((end[0][2] - start[2]) / wall, 2)
    row["server_cores_busy"] = round((end[0][1] - start[1]) / wall, 2) if end[0][1] is not None else None
    row["server_died"] = server.poll() is not None
    if rss.aborted and rss.aborted[0] == name:
        row["aborted"] = f"server killed at {rss.aborted[1]:.0f} MB RSS (--rss-abort-mb)"
    return row

def steady_state(server, port, rss, loaded_samples):
    """The RSS baseline: the median of the samples taken during the wrk runs (after the warm-up), else of 1 s
    idle after them; and /ping latency in that idle second."""
    ping = PingSampler(port, 30)
    rss.begin("idle")
    time.sleep(1)
    idle = rss.end()
    row = {"rss_idle_mb": idle["rss_median_mb"], "rss_wrk_median_mb": rounded(percentile(loaded_samples, 50), 1),
           "rss_wrk_peak_mb": rounded(max(loaded_samples), 1) if loaded_samples else None}
    row["rss_steady_mb"] = row["rss_wrk_median_mb"] or row["rss_idle_mb"]
    row.update(ping.stop())
    return row

def make_bodies(args):
    """The batch bodies, made before the server starts (Pillow holds the 120 MB image for a second)."""
    small_body, small_png = png_batch_body(*args.fit_size, args.batch)
    large_body, large_png = png_batch_body(*args.burst_size, args.batch)
    return {"fit": small_body, "burst": large_body,
            "sizes": {"fit_body_bytes": len(small_body), "fit_png_bytes": small_png, "fit_size": args.fit_size,
                      "burst_body_bytes": len(large_body), "burst_png_bytes": large_png, "burst_size": args.burst_size}}

def run_overload(args, server, port, rss, dog_body, bodies, loaded_samples):
    phases = {"bodies": dict(bodies["sizes"], c64_body_bytes=len(dog_body))}
    small_body, large_body = bodies["fit"], bodies["burst"]
    phases["steady"] = steady_state(server, port, rss, loaded_samples)
    duration = args.overload_duration or args.duration
    plan = [("c=64", lambda: overload_phase(f"c={args.overload_concurrency}", server, port, rss, post(dog_body, port),
                                            args.overload_concurrency, duration=duration)),
            ("fit", lambda: overload_phase("fitting batches", server, port, rss, post(small_body, port),
                                           args.fit_connections, batch=args.batch, duration=duration)),
            ("burst", lambda: overload_phase("large-batch burst", server, port, rss, post(large_body, port),
                                             args.burst_connections, batch=args.batch, total=args.burst_requests,
                                             timeout=args.burst_timeout, min_duration=args.burst_min_seconds))]
    for key, phase in plan:
        if key not in args.phases:
            continue
        if server.poll() is not None:
            phases[key] = {"skipped": "the server is not running"}
            continue
        time.sleep(1)  # let the previous phase's leftovers drain
        phases[key] = phase()
    return phases

def overload_targets(phases, rows):
    c4 = next((r for r in rows if r["concurrency"] == 4), None)
    steady = phases["steady"].get("rss_steady_mb")
    targets = []

    def add(name, value, limit, passed, unit="", phase=None):
        if passed is not None and phase and (phase.get("aborted") or phase.get("server_died")):
            passed = False  # whatever was measured before the server went
        targets.append({"target": name, "value": value, "limit": limit, "unit": unit,
                        "result": "n/a" if passed is None else ("PASS" if passed else "FAIL")})

    c64 = phases.get("c=64", {})
    name = c64.get("phase", "c=64")
    if c4 and "goodput_per_s" in c64:
        ratio = c64["goodput_per_s"] / c4["requests_per_s"] if not c64.get("aborted") else 0.0
        add(f"{name} goodput / c=4 throughput", round(ratio, 3), ">= 0.9", ratio >= 0.9, phase=c64)
        p99 = c64["statuses"].get("200", {}).get("p99_ms")
        ratio = p99 / c4["p99_ms"] if p99 is not None else None
        add(f"{name} p99 of 200s / c=4 p99", rounded(ratio, 2), "<= 4", ratio is not None and ratio <= 4, phase=c64)
    else:
        add(f"{name} goodput / c=4 throughput", None, ">= 0.9", None)
        add(f"{name} p99 of 200s / c=4 p99", None, "<= 4", None)
    for key in ("c=64", "fit", "burst"):
        phase = phases.get(key, {})
        p95 = phase.get("ping_p95_ms")
        value = float("inf") if p95 == "inf" else p95
        add(f"/ping p95 during {phase.get('phase', key)}", p95, "< 100", None if p95 is None else value < 100, "ms",
            phase)
    # The two RSS targets answer its two findings: RSS doubling at c=64 (at most 1.5x the steady state),
    # and gigabytes for one batch of 40 MP PNGs (under 1 GiB in the burst). The burst's ratio is in the table: its
    # 16 bodies of 2.6 MB alone are half the steady state.
    c64 = phases.get("c=64", {})
    peak = c64.get("rss_peak_mb")
    ratio = peak / steady if peak and steady else None
    add(f"peak RSS / steady during {c64.get('phase', 'c=64')}", rounded(ratio, 2), "<= 1.5",
        None if ratio is None else ratio <= 1.5, phase=c64)
    burst = phases.get("burst", {})
    peak = burst.get("rss_peak_mb")
    add("peak RSS during the large-batch burst", peak, "< 1024", None if peak is None else peak < 1024, "MB",
        burst)
    return targets

def print_overload(phases, targets):
    steady = phases["steady"]
    print(f"\noverload; steady state: RSS {steady['rss_steady_mb']} MB (median during the wrk runs; peak "
          f"{steady['rss_wrk_peak_mb']} MB, idle after them {steady['rss_idle_mb']} MB); idle /ping p50 "
          f"{steady['ping_p50_ms']} ms, p95 {steady['ping_p95_ms']} ms, {steady['ping_failures']} failed of "
          f"{steady['ping_probes']}")
    print(f"{'phase':>24} {'conns':>5} {'secs':>6} {'status':>7} {'count':>6} {'per s':>7} {'share':>6} "
          f"{'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    keys = [k for k in ("c=64", "fit", "burst") if k in phases]
    for key in keys:
        p = phases[key]
        if "skipped" in p:
            print(f"{key:>24} skipped: {p['skipped']}")
            continue
        label = p["phase"] + (f" ({p['batch']} img)" if p["batch"] > 1 else "")
        statuses = p["statuses"] or {"-": None}
        for i, (status, s) in enumerate(statuses.items()):
            head = f"{label if i == 0 else '':>24} {p['connections'] if i == 0 else '':>5} " \
                   f"{p['elapsed_s'] if i == 0 else '':>6}"
            if s is None:
                print(f"{head} {'none':>7}")
                continue
            print(f"{head} {status:>7} {s['count']:>6} {s['per_s']:>7.1f} {s['share'] * 100:>5.0f}% "
                  f"{s['p50_ms']:>8.1f} {s['p99_ms']:>8.1f} {s['max_ms']:>8.1f}")
        extra = []
        if p["errors"]:
            extra.append("connection errors " + ", ".join(f"{k} {v}" for k, v in p["errors"].items()))
        if p["late"]:
            extra.append(f"{p['late']} answered after the phase")
        if p["unfinished"]:
            extra.append(f"{p['unfinished']} unanswered at the cut-off")
        if p.get("aborted"):
            extra.append(p["aborted"])
        elif p["server_died"]:
            extra.append("the server DIED")
        if extra:
            print(f"{'':>24}   " + "; ".join(extra))
    print(f"\n{'phase':>24} {'goodput/s':>9} {'img/s':>7} {'ping p50':>8} {'p95':>6} {'max':>6} {'fail/probes':>11} "
          f"{'RSS peak MB':>11} {'x steady':>8} {'server cores':>12} {'client cores':>12} {'conns opened':>12}")
    for key in keys:
        p = phases[key]
        if "skipped" in p:
            continue
        ratio = (p["rss_peak_mb"] or 0) / steady["rss_steady_mb"] if steady["rss_steady_mb"] else 0
        print(f"{p['phase']:>24} {p['goodput_per_s']:>9.1f} {p['goodput_images_per_s']:>7.1f} "
              f"{str(p['ping_p50_ms']):>8} {str(p['ping_p95_ms']):>6} {str(p['ping_max_ms']):>6} "
              f"{str(p['ping_failures']) + '/' + str(p['ping_probes']):>11} {p['rss_peak_mb'] or 0:>11.0f} {ratio:>8.2f} {fmt(p['server_cores_busy']):>12} "
              f"{p['client_cores_busy']:>12.2f} {p['connects']:>12}")
    print("\ntargets (issue 11):")
    for t in targets:
        value = "-" if t["value"] is None else f"{t['value']}{(' ' + t['unit']) if t['unit'] else ''}"
        print(f"  {t['result']:>4}  {t['target']}: {value} (target {t['limit']}{(' ' + t['unit']) if t['unit'] else ''})")

def fmt(value, digits=2):
    return "-" if value is None else f"{value:.{digits}f}"

def size(text):
    width, height = map(int, text.lower().split("x"))
    return width, height

def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--ping-sampler":
        return ping_sampler_main(int(sys.argv[2]), float(sys.argv[3]))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 2)[2],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run (default 10)")
    parser.add_argument("--workers", type=int)
    parser.add_argument("--threads-per-worker", type=int)
    # Around the server's default admission (2 workers + 4 queued on 2 cores): past it, requests wait in line up to
    # the admission wait; 503s after it are the design, which the overload phase measures.
    parser.add_argument("--concurrency", default="1,4,8")
    parser.add_argument("--json")
    parser.add_argument("--server-option", action="append", default=[],
                        help="passed to ssd-detect serve (repeat for several), e.g. --server-option=--no-all-cores-when-idle")
    parser.add_argument("--max-queue", type=int, default=-1,
                        help="passed to the server as --max-queue (default: none, the server's own; this script "
                             "used to pass 64, under which c=64 never overflows the queue)")
    overload = parser.add_argument_group("overload (after the wrk runs; see the docstring)")
    overload.add_argument("--no-overload", dest="overload", action="store_false", help="skip the overload phases")
    overload.add_argument("--overload-duration", type=int, help="seconds of the c=64 and fitting-batch phases "
                                                                "(default: --duration)")
    overload.add_argument("--phases", type=lambda t: t.split(","), default=["c=64", "fit", "burst"],
                          help="overload phases to run, in this order: c=64,fit,burst (default all)")
    overload.add_argument("--overload-concurrency", type=int, default=64)
    overload.add_argument("--batch", type=int, default=16, help="images per batch request (default 16)")
    overload.add_argument("--fit-connections", type=int, default=8)
    overload.add_argument("--fit-size", type=size, default=(1732, 1155), help="WxH of the fitting PNGs (2 MP)")
    overload.add_argument("--burst-connections", type=int, default=16)
    overload.add_argument("--burst-requests", type=int, default=16, help="requests in the large-batch burst, at least (default 16)")
    overload.add_argument("--burst-min-seconds", type=float, default=2,
                          help="the burst goes on at least this long, for /ping and RSS samples, where the server "
                               "answers its requests faster (default 2)")
    overload.add_argument("--burst-timeout", type=int, default=30, help="cut-off of the burst, seconds (default 30)")
    overload.add_argument("--burst-size", type=size, default=(16384, 2441), help="WxH of the large PNGs (40 MP)")
    overload.add_argument("--retry-delay-ms", type=float, default=0,
                          help="pause of a connection after a 503 before its next request (default 0: at once; "
                               "Retry-After is never honoured)")
    overload.add_argument("--rss-abort-mb", type=int, default=8192,
                          help="kill the server when its RSS passes this (or half of MemAvailable at start)")
    args = parser.parse_args()
    if not set(args.phases) <= {"c=64", "fit", "burst"}:
        parser.error(f"--phases takes c=64, fit and burst, not {args.phases}")
    global RETRY_DELAY_S
    RETRY_DELAY_S = args.retry_delay_ms / 1e3
    cores = os.cpu_count() or 1
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [TOOL, "serve", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]
    if args.max_queue >= 0:
        command += ["--max-queue", str(args.max_queue)]
    if args.workers:
        command += ["--workers", str(args.workers)]
    if args.threads_per_worker:
        command += ["--threads-per-worker", str(args.threads_per_worker)]
    command += args.server_option
    abort_mb = min(args.rss_abort_mb, meminfo_mb("MemAvailable") / 2)
    bodies = make_bodies(args) if args.overload else None
    dog_body = json.dumps({"image": base64.b64encode(open(IMAGE, "rb").read()).decode()}).encode()
    body = tempfile.NamedTemporaryFile("wb", suffix=".json", delete=False)
    body.write(dog_body)
    body.close()
    # The server's log (a warning per 503 under overload) goes to a file; its tail is shown if the server dies.
    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    server = subprocess.Popen(command, stderr=log)
    rss = RssSampler(server, abort_mb)
    phases, died = None, False
    try:
        wait_ready(url)
        rss_cold = rss_mb(server.pid)
        rss.start()
        # Warm-up at the highest concurrency, not reported: the allocator settles at the working set of that many
        # requests at once, so that the RSS comparison below shows growth per request (a leak), not the first peak.
        concurrency = list(map(int, args.concurrency.split(",")))
        run_wrk(url, body.name, max(concurrency), 3)
        rss_before = rss_mb(server.pid)
        rows, loaded_samples = [], []
        for c in concurrency:
            cpu_start = cpu_seconds(server.pid)
            rss.begin(f"wrk c={c}")
            row = run_wrk(url, body.name, c, args.duration)
            row["rss_peak_mb"] = rss.end()["rss_peak_mb"]
            loaded_samples += rss.last_samples
            cpu = cpu_seconds(server.pid) - cpu_start
            # How busy the server kept the cores, and what each request cost it: where the cores are all busy,
            # throughput can only rise by making requests cheaper.
            row["server_cores_busy"] = round(cpu / args.duration, 2)
            row["server_cpu_ms_per_request"] = round(cpu * 1e3 / max(row["requests"], 1), 2)
            rows.append(row)
        rss_after = rss_mb(server.pid)
        if args.overload:
            phases = run_overload(args, server, port, rss, dog_body, bodies, loaded_samples)
    finally:
        rss.stop_event.set()
        died = server.poll() is not None
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:  # still draining an overload after its grace period
            server.kill()
            server.wait()
        os.unlink(body.name)
        log.seek(0)
        lines = [l for l in log.read().splitlines() if "failed to suspend thread" not in l]
        log.close()
        if died:
            print(f"the server exited ({server.returncode}); its log is kept in {log.name}" +
                  ("; its end:" if lines else ", empty"), *lines[-25:], sep="\n  ", file=sys.stderr)
        else:
            os.unlink(log.name)
    cli = cli_per_image_ms(args.threads_per_worker or cores)
    engine = engine_images_per_s(cores)
    print(f"server: {' '.join(command[1:])}")
    print(f"{'concurrency':>11} {'req/s':>8} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'requests':>9} {'errors':>7}"
          f" {'server cores busy':>18} {'server CPU ms/req':>18}")
    for r in rows:
        print(f"{r['concurrency']:>11} {r['requests_per_s']:>8.1f} {r['p50_ms']:>8.2f} {r['p90_ms']:>8.2f} "
              f"{r['p99_ms']:>8.2f} {r['requests']:>9} {r['errors']:>7} {r['server_cores_busy']:>18.2f}"
              f" {r['server_cpu_ms_per_request']:>18.2f}")
    growth = (rss_after - rss_before) / rss_before * 100 if rss_before else 0
    print(f"RSS {rss_cold:.1f} MB once ready, {rss_before:.1f} MB after warm-up, {rss_after:.1f} MB after the run "
          f"({growth:+.1f}%; target under 10%)")
    c1 = next((r for r in rows if r["concurrency"] == 1), None)
    c4 = next((r for r in rows if r["concurrency"] == 4), None)
    if c1:
        print(f"p50 at concurrency 1: {c1['p50_ms']:.2f} ms vs the CLI's per-image {cli:.2f} ms "
              f"({c1['p50_ms'] - cli:+.2f} ms; target within 5 ms)")
    if c4:
        print(f"throughput at concurrency 4: {c4['requests_per_s']:.1f}/s vs the engine alone on {cores} cores "
              f"{engine:.1f}/s ({c4['requests_per_s'] / engine * 100:.0f}%; target at least 80%)")
        # The engine's CPU time per image against the server's per request: with every core busy, the server's
        # throughput is at most that fraction of the engine's, whatever the HTTP layer does.
        network_ms = cores * 1e3 / engine
        print(f"  server CPU per request {c4['server_cpu_ms_per_request']:.2f} ms, of which the network "
              f"{network_ms:.2f} ms: with all {cores} cores busy, at most "
              f"{network_ms / c4['server_cpu_ms_per_request'] * 100:.0f}% of the engine alone")
    report = {"command": command, "rows": rows, "rss_ready_mb": rss_cold, "rss_before_mb": rss_before,
              "rss_after_mb": rss_after, "cli_per_image_ms": cli, "engine_images_per_s": engine}
    if phases:
        targets = overload_targets(phases, rows)
        print_overload(phases, targets)
        report["overload"] = phases
        report["overload_targets"] = targets
    if args.json:
        os.makedirs(os.path.dirname(args.json) or ".", exist_ok=True)
        json.dump(report, open(args.json, "w"), indent=1)
    sys.exit(1 if any(r["errors"] for r in rows) or died else 0)

def meminfo_mb(field):
    for line in open("/proc/meminfo"):
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("inf")

if __name__ == "__main__":
    main()
