"""A bounded load test of ``dnqp serve``: ``python -m benchmarks.loadtest [--clients 16] [--seconds 60]``.

It starts ``dnqp serve`` on 127.0.0.1 and a free port (or targets one given with ``--url``, which must be
on this machine), computes the answer to each call of a fixed mix once, one call at a time, and then
lets ``--clients`` threads send the mix concurrently (custom-functions-call payloads built from
:func:`dnqp.sample.load_sample`: the entropy functions, OLS, a statistic, VIF, describe, impute, the
table, the version, and one call with a deliberate input error) until ``--seconds`` have passed or
``--max-calls`` calls were made, whichever comes first.

It reports the calls made, the errors (any answer other than the one-at-a-time answer, byte for byte,
or a failed connection: there must be none), p50/p99 latency, and the server's resident memory
(VmRSS from /proc/<pid>/status) before the load, after the warm-up period and at the end: memory must
not grow after the warm-up (beyond ``--rss-slack-mb``). The exit status is 0 if all holds, 1 if not.

Only the standard library is used (``http.client``, ``concurrent.futures``); nothing but 127.0.0.1 is
ever contacted. ``dnqp serve`` needs ``XLWINGS_LICENSE_KEY`` (see the README, Licence).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from urllib.parse import urlsplit

__all__ = ["Report", "mix", "run", "main", "start_server", "stop_server"]

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
CALL_PATH = "/xlwings/custom-functions-call"
#: Hard bounds, whatever is asked for.
MAX_CLIENTS, MAX_SECONDS, MAX_CALLS = 64, 600, 2_000_000


def _rows(df, year: bool = True) -> list[list]:
    """A DataFrame as Office.js sends a range: a header row, then the values (null for a blank)."""
    head = (["Year"] if year else []) + [str(c) for c in df.columns]
    body = [([int(i)] if year else []) + [None if v != v else float(v) for v in row]
            for i, row in zip(df.index, df.to_numpy(dtype=float).tolist())]
    return [head] + body


def _call(name: str, *args) -> dict:
    """The body Office.js sends: every argument a matrix ([[x]] for one cell), an omitted one null."""
    return {"client": "Office.js", "func_name": name,
            "args": [a if a is None or isinstance(a, list) else [[a]] for a in args],
            "caller_address": "[dnqp_loadtest.xlsx]Sheet1!A1", "session_id": "loadtest", "culture_info_name": "en-US",
            "date_format": "M/d/yyyy", "version": "0.37.8", "runtime": "1.4"}


def mix() -> list[tuple[str, bytes]]:
    """The calls of the load test: (label, JSON body), built from the shipped sample data."""
    from dnqp import impute
    from dnqp.engine.sample import DIMENSION_LABELS, load_sample

    s = load_sample()
    ind = s["indicators"]
    gaps = s["data"]
    data = impute(gaps, "mean").data
    directions = [list(ind["Direction"])]
    dims = [[DIMENSION_LABELS[d] for d in ind["Dimension"]]]
    v = s["variables"]
    y, X = _rows(v[["Upgrade"]]), _rows(v[["Port", "Struc", "Research", "Open", "Gov"]])
    calls = [
        ("ENTROPY_WEIGHTS", _call("ENTROPY_WEIGHTS", _rows(data), directions)),
        ("ENTROPY_WEIGHTS shift", _call("ENTROPY_WEIGHTS", _rows(data), directions, 0.01, "interval")),
        ("ENTROPY_STANDARDIZE", _call("ENTROPY_STANDARDIZE", _rows(data), directions)),
        ("ENTROPY_SCORES", _call("ENTROPY_SCORES", _rows(data), directions, dims, 0, "within")),
        ("DNQP_OLS", _call("DNQP_OLS", y, X)),
        ("DNQP_OLS HAC", _call("DNQP_OLS", y, X, "HAC", 2)),
        ("DNQP_STAT", _call("DNQP_STAT", y, X, "se:Port", "HC1")),
        ("DNQP_VIF", _call("DNQP_VIF", X)),
        ("DNQP_DESCRIBE", _call("DNQP_DESCRIBE", _rows(v))),
        ("DNQP_IMPUTE", _call("DNQP_IMPUTE", _rows(gaps), "linear")),
        ("DNQP_TABLE", _call("DNQP_TABLE", y, _rows(v[["Port", "Research"]]), _rows(v[["Struc", "Open", "Gov"]]),
                             "HC1")),
        ("DNQP_VERSION", _call("DNQP_VERSION")),
        ("bad input (400)", _call("ENTROPY_WEIGHTS", _rows(gaps), directions)),  # a gap: a one-line 400
    ]
    return [(label, json.dumps(body).encode()) for label, body in calls]


@dataclass
class Report:
    url: str
    clients: int
    seconds: float
    calls: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    calls_per_s: float = 0.0
    rss_start_mb: float | None = None
    rss_warm_mb: float | None = None
    rss_end_mb: float | None = None
    rss_max_mb: float | None = None
    rss_slack_mb: float = 20.0
    per_call: dict[str, int] = field(default_factory=dict)

    @property
    def rss_ok(self) -> bool:
        return self.rss_end_mb is None or self.rss_warm_mb is None or \
            self.rss_end_mb <= self.rss_warm_mb + self.rss_slack_mb

    @property
    def ok(self) -> bool:
        return self.calls > 0 and self.errors == 0 and self.rss_ok

    def text(self) -> str:
        def mb(x):
            return "n/a" if x is None else f"{x:.1f} MB"

        lines = [
            f"dnqp load test: {self.url}, {self.clients} clients, {self.seconds:.1f} s",
            f"  calls        {self.calls} ({self.calls_per_s:.0f}/s), each compared with its one-at-a-time answer",
            f"  errors       {self.errors}" + (f"  e.g. {self.error_samples[0]}" if self.error_samples else ""),
            f"  latency      p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, max {self.max_ms:.1f} ms",
            f"  server RSS   before {mb(self.rss_start_mb)}, after warm-up {mb(self.rss_warm_mb)}, "
            f"end {mb(self.rss_end_mb)}, max {mb(self.rss_max_mb)} "
            f"({'no growth after warm-up' if self.rss_ok else 'GREW after warm-up'}, "
            f"slack {self.rss_slack_mb:g} MB)",
            "  per call     " + ", ".join(f"{k} {n}" for k, n in self.per_call.items()),
            f"  result       {'OK' if self.ok else 'FAILED'}",
        ]
        return "\n".join(lines)


def rss_mb(pid: int | None) -> float | None:
    """The resident memory of process ``pid`` in MB (VmRSS in /proc/<pid>/status), None if unknown."""
    if pid is None:
        return None
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(env: dict | None = None, stderr=subprocess.PIPE, args=()) -> tuple[subprocess.Popen, str]:
    """``dnqp serve`` on 127.0.0.1 and a free port, in the environment ``env`` (default: this process's),
    with extra command-line ``args`` (e.g. ``["--processes", "2"]``); (process, base URL) once it answers."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "dnqp.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
                             *args],
                            env=os.environ.copy() if env is None else env, stdout=subprocess.DEVNULL, stderr=stderr,
                            text=True)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"dnqp serve exited: {proc.stderr.read().strip() if proc.stderr else proc.returncode}")
        try:
            if _request(base, "GET", "/", None, None)[0] == 200:
                return proc, base
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("dnqp serve did not answer within 60 s")


def stop_server(proc: subprocess.Popen) -> None:
    """Stop a server started by :func:`start_server`: politely, then for good after 10 s."""
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(10)


def _connection(base: str) -> http.client.HTTPConnection:
    u = urlsplit(base)
    if u.scheme != "http" or u.hostname not in LOCAL_HOSTS:
        raise ValueError(f"the load test only talks plain http to this machine (127.0.0.1), not {base}")
    return http.client.HTTPConnection(u.hostname, u.port or 80, timeout=60)


def _request(base, method, path, body, api_key, conn=None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or _connection(base)
    headers = {"Content-Type": "application/json"}
    if api_key:
        headers["Authorization"] = f"Bearer {api_key}"
    try:
        conn.request(method, path, body=body, headers=headers)
        r = conn.getresponse()
        return r.status, r.read()
    finally:
        if own:
            conn.close()


def _percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return 0.0
    k = min(len(sorted_values) - 1, max(0, round(q * (len(sorted_values) - 1))))
    return sorted_values[k]


def run(clients: int = 16, seconds: float = 60.0, warmup: float = 10.0, max_calls: int = 1_000_000,
        url: str | None = None, pid: int | None = None, api_key: str | None = None,
        rss_slack_mb: float = 20.0) -> Report:
    """Run the load test and return its :class:`Report` (see the module docstring)."""
    clients = max(1, min(int(clients), MAX_CLIENTS))
    seconds = max(0.5, min(float(seconds), MAX_SECONDS))
    warmup = max(0.0, min(float(warmup), seconds / 2))
    max_calls = max(1, min(int(max_calls), MAX_CALLS))
    api_key = api_key if api_key is not None else os.environ.get("DNQP_API_KEY") or None
    proc = None
    if url is None:
        proc, url = start_server()
        pid = proc.pid
    else:
        _connection(url).close()  # refuses anything but 127.0.0.1
    try:
        return _load(url, pid, api_key, clients, seconds, warmup, max_calls, rss_slack_mb)
    finally:
        if proc is not None:
            stop_server(proc)


def _load(url, pid, api_key, clients, seconds, warmup, max_calls, rss_slack_mb) -> Report:
    calls = mix()
    expected = {}
    for label, body in calls:  # the one-at-a-time answers
        expected[label] = _request(url, "POST", CALL_PATH, body, api_key)
        want = 400 if label.endswith("(400)") else 200
        if expected[label][0] != want:
            raise RuntimeError(f"{label}: expected HTTP {want}, got {expected[label][0]}: "
                               f"{expected[label][1][:200].decode(errors='replace')}")
    report = Report(url=url, clients=clients, seconds=seconds, rss_slack_mb=rss_slack_mb,
                    per_call={label: 0 for label, _ in calls})
    report.rss_start_mb = rss_mb(pid)
    lock = threading.Lock()
    latencies: list[float] = []
    count = [0]
    t0 = time.monotonic()
    deadline = t0 + seconds
    stop = threading.Event()

    def client(k: int) -> None:
        conn = _connection(url)
        i = k
        try:
            while not stop.is_set() and time.monotonic() < deadline:
                with lock:
                    if count[0] >= max_calls:
                        return
                    count[0] += 1
                label, body = calls[i % len(calls)]
                i += 1
                t = time.perf_counter()
                try:
                    got = _request(url, "POST", CALL_PATH, body, api_key, conn)
                    problem = None if got == expected[label] else \
                        f"{label}: HTTP {got[0]} {got[1][:120].decode(errors='replace')}"
                except (OSError, http.client.HTTPException) as err:
                    conn.close()
                    conn = _connection(url)
                    problem = f"{label}: {type(err).__name__}: {err}"
                ms = (time.perf_counter() - t) * 1000
                with lock:
                    latencies.append(ms)
                    report.per_call[label] += 1
                    if problem:
                        report.errors += 1
                        if len(report.error_samples) < 5:
                            report.error_samples.append(problem)
        finally:
            conn.close()

    rss_samples = []

    def watch() -> None:
        warm_at = t0 + warmup
        while not stop.wait(0.25):
            rss_samples.append(rss_mb(pid))
            if report.rss_warm_mb is None and time.monotonic() >= warm_at:
                report.rss_warm_mb = rss_mb(pid)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        with ThreadPoolExecutor(max_workers=clients) as pool:
            for f in [pool.submit(client, k) for k in range(clients)]:
                f.result()
    finally:
        stop.set()
        watcher.join(5)
    elapsed = time.monotonic() - t0
    report.rss_end_mb = rss_mb(pid)
    if report.rss_warm_mb is None:
        report.rss_warm_mb = report.rss_end_mb
    known = [r for r in rss_samples + [report.rss_end_mb] if r is not None]
    report.rss_max_mb = max(known) if known else None
    latencies.sort()
    report.calls = len(latencies)
    report.seconds = elapsed
    report.calls_per_s = report.calls / elapsed if elapsed else 0.0
    report.p50_ms = _percentile(latencies, 0.50)
    report.p99_ms = _percentile(latencies, 0.99)
    report.max_ms = latencies[-1] if latencies else 0.0
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.loadtest", description=__doc__.split("\n\n")[0])
    p.add_argument("--clients", type=int, default=16, help=f"concurrent clients (default 16, at most {MAX_CLIENTS})")
    p.add_argument("--seconds", type=float, default=60.0, help=f"duration (default 60, at most {MAX_SECONDS})")
    p.add_argument("--warmup", type=float, default=10.0, help="seconds before the warm RSS is taken (default 10)")
    p.add_argument("--max-calls", type=int, default=1_000_000, help="stop after this many calls (default 1000000)")
    p.add_argument("--url", help="a running dnqp serve on 127.0.0.1 (default: start one)")
    p.add_argument("--pid", type=int, help="with --url: the server's process id, for its memory")
    p.add_argument("--rss-slack-mb", type=float, default=20.0, help="allowed RSS growth after warm-up (default 20)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    a = p.parse_args(argv)
    try:
        report = run(a.clients, a.seconds, a.warmup, a.max_calls, a.url, a.pid, rss_slack_mb=a.rss_slack_mb)
    except (RuntimeError, ValueError, OSError) as err:
        print(f"dnqp load test: {err}", file=sys.stderr)
        return 2
    print(json.dumps({**asdict(report), "ok": report.ok}, indent=2) if a.json else report.text())
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
