"""`dnqp serve` under hostile requests: nobody gets in uninvited, nothing outside the catalogue runs,
nothing oversized is swallowed, nothing received is evaluated, and no answer is a traceback.

Every test talks HTTP to a real `dnqp serve` process on 127.0.0.1 (the fixture of test_server.py).
The server's log is kept: after all the hostile requests it must hold no traceback (no 500).
"""

from __future__ import annotations

import http.client
import inspect
import json
import re
import socket
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings

import dnqp
from dnqp.excel import server as dnqp_server
from dnqp.excel import functions as udfs

from .test_server import ORACLE, book_payload, fcall, server, start  # noqa: F401 (server: a fixture)
from .test_fuzz_udfs import call_args, CATALOGUE

pytest.importorskip("starlette")

KEY = "k3y-Ω-λ"  # not ASCII: compared as UTF-8 bytes
AUTH = f"Bearer {KEY}".encode().decode("latin-1")  # the header as http.client sends it (Latin-1 of the UTF-8)
ALLOWED = "https://allowed.example"
SRC = Path(dnqp.__file__).parent


@pytest.fixture(scope="module")
def hardened(tmp_path_factory):
    """A server with an API key and one CORS origin; default limits. Yields (base URL, log path)."""
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as err:
        proc, base = start(api_key=KEY, stderr=err, DNQP_CORS_ORIGINS=ALLOWED)
    yield base, log
    proc.terminate()
    proc.wait(10)
    text = log.read_text()
    assert "Traceback" not in text and "internal error" not in text, text[-3000:]


def send(base: str, method: str, path: str, body: bytes | None = None, headers: dict | None = None,
         auth: bool = True) -> tuple[int, str, dict]:
    """(status, body text, headers) of one request sent as given (no re-encoding of the body)."""
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    h = {"Content-Type": "application/json", **({"Authorization": AUTH} if auth else {}),
         **(headers or {})}
    try:
        conn.request(method, path, body=body, headers={k: v for k, v in h.items() if v is not None})
        r = conn.getresponse()
        return r.status, r.read().decode("utf-8", "replace"), {k.lower(): v for k, v in r.getheaders()}
    finally:
        conn.close()


def post(base, path, payload, **kw):
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return send(base, "POST", path, body, **kw)


CALL = "/xlwings/custom-functions-call"


def one_line(status: int, text: str) -> None:
    assert text and "\n" not in text.strip() and "Traceback" not in text and len(text) < 400, (status, text)


# ---- API key ---------------------------------------------------------------------------------------

def test_api_key_is_required_and_compared_in_constant_time(hardened):
    base, _ = hardened
    body = fcall("DNQP_VERSION")
    for headers, expected in [
        ({}, 401), ({"Authorization": ""}, 401), ({"Authorization": "Bearer"}, 401),
        ({"Authorization": "Bearer   "}, 401),
        ({"Authorization": KEY}, 401), ({"Authorization": f"Basic {KEY}"}, 401),
        ({"Authorization": "Bearer wrong"}, 403), ({"Authorization": f"Bearer {KEY}x"}, 403),
        ({"Authorization": f"Bearer {KEY[:-1]}"}, 403), ({"Authorization": "Bearer " + "x" * 10000}, 403),
        ({"Authorization": f"bearer {KEY}"}, 200), ({"Authorization": f"Bearer {KEY}"}, 200),
    ]:
        raw = {k: v.encode("utf-8").decode("latin-1") for k, v in headers.items()}  # http.client sends latin-1
        status, text, _ = post(base, CALL, body, auth=False, headers=raw)
        assert status == expected, (headers, status, text)
        if status != 200:
            one_line(status, text)
    status, _, _ = post(base, "/xlwings/custom-scripts-call/validate_data", book_payload({"S": [[1]]}), auth=False)
    assert status == 401
    # The comparison: hmac.compare_digest on bytes (str would refuse non-ASCII keys).
    src = inspect.getsource(dnqp_server.requests.check_key)
    assert re.search(r'hmac\.compare_digest\(token\.strip\(\)\.encode\("latin-1"\), key\.encode\("utf-8"\)\)', src)
    # The keyless pages Office loads stay public.
    for path in ("/", "/manifest.xml", "/taskpane.html", "/xlwings/custom-functions-meta.json"):
        assert send(base, "GET", path, auth=False)[0] == 200, path


# ---- only the catalogue ----------------------------------------------------------------------------

NOT_FUNCTIONS = ["__class__", "_cell_errors", "os", "ENTROPY_WEIGHTS.__globals__", "_entropy", "_fit", "_args",
                 "functools", "xw", "pd", "excel", "DOC", "RANGES", "__all__", "__builtins__", "__import__",
                 "__dict__", "__getattr__", "DnqpError", "OLSResult", "_ols", "entropy_weights", "ENTROPY_WEIGHTS ",
                 " ENTROPY_WEIGHTS", "ENTROPY_WEIGHTS\x00", "dnqp.udfs.ENTROPY_WEIGHTS",
                 "__import__('os').system('id')",
                 "", "x" * 5000, 0, 1.5, True, None, ["ENTROPY_WEIGHTS"], {"name": "ENTROPY_WEIGHTS"}]
NOT_SCRIPTS = ["analyse", "check", "clear", "fill", "_grid", "read_grids", "write_sheets", "__init__", "__class__",
               "os", "xw", "parse_grids", "run_analysis.__globals__", "..%2F..%2Fetc%2Fpasswd", "__import__('os')",
               "RUN_ANALYSIS", "x" * 3000]


@pytest.mark.parametrize("name", NOT_FUNCTIONS, ids=lambda n: repr(n)[:30])
def test_a_function_outside_the_catalogue_is_404(hardened, name):
    base, _ = hardened
    body = fcall("DNQP_VERSION")
    body["func_name"] = name
    status, text, _ = post(base, CALL, body)
    assert status == 404, (name, status, text)
    assert text.startswith("unknown function ")
    one_line(status, text)


@pytest.mark.parametrize("name", NOT_SCRIPTS, ids=lambda n: n[:30])
def test_a_script_outside_the_catalogue_is_404(hardened, name):
    base, _ = hardened
    status, text, _ = post(base, f"/xlwings/custom-scripts-call/{name}", book_payload({"S": [[1]]}))
    assert status == 404, (name, status, text)
    one_line(status, text)


# ---- size limits -----------------------------------------------------------------------------------

def test_a_five_million_cell_argument_is_413(hardened):
    base, _ = hardened
    body = json.dumps(fcall("ENTROPY_WEIGHTS", [[0] * 5000 for _ in range(1000)], "+")).encode()
    assert len(body) < 50 * 1024 * 1024  # under the body limit: the cell limit refuses it
    status, text, _ = post(base, CALL, body)
    assert status == 413 and "DNQP_MAX_CELLS" in text
    one_line(status, text)
    book = book_payload({"Data": [[1] * 2000 for _ in range(600)]})
    status, text, _ = post(base, "/xlwings/custom-scripts-call/run_analysis", book)
    assert status == 413 and "DNQP_MAX_CELLS" in text
    # The server is still there and right.
    status, text, _ = post(base, CALL, fcall("DNQP_VERSION"))
    assert (status, json.loads(text)) == (200, {"result": [[dnqp.__version__]]})


def test_a_body_over_the_limit_is_413_whatever_content_length_says(hardened):
    base, _ = hardened
    limit = 50 * 1024 * 1024
    u = urlsplit(base)
    # 1. An honest Content-Length over the limit: refused before a byte of the body is read.
    with socket.create_connection((u.hostname, u.port), timeout=60) as s:
        s.sendall(f"POST {CALL} HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {limit + 1}\r\n\r\n".encode("latin-1"))
        assert read_response(s)[0] == 413
    # 2. No Content-Length: a chunked body is counted as it streams in.
    status, text = stream_chunked(u, CALL, limit + 2 * 1024 * 1024)
    assert status == 413 and "DNQP_MAX_BODY_MB" in text, (status, text)
    # 3. A Content-Length smaller than the body: only that many bytes are the body (not JSON here).
    body = json.dumps(fcall("DNQP_VERSION")).encode()
    status, text, _ = post(base, CALL, body, headers={"Content-Length": "10"})
    assert status == 400
    # 4. A Content-Length that is not a number.
    with socket.create_connection((u.hostname, u.port), timeout=60) as s:
        s.sendall(f"POST {CALL} HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n".encode())
        assert read_response(s)[0] == 400


def read_response(s: socket.socket) -> tuple[int, str]:
    """Status and body of the HTTP response on ``s`` (read until the server closes or the body is complete)."""
    data = b""
    while True:
        try:
            chunk = s.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
        head, sep, rest = data.partition(b"\r\n\r\n")
        m = re.search(rb"content-length: *(\d+)", head, re.I)
        if sep and m and len(rest) >= int(m.group(1)):
            break
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest.decode("utf-8", "replace")


def stream_chunked(u, path: str, total: int) -> tuple[int, str]:
    """POST ``total`` bytes with Transfer-Encoding: chunked (no Content-Length) while reading the answer."""
    s = socket.create_connection((u.hostname, u.port), timeout=60)
    s.sendall(f"POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: {AUTH}\r\n"
              "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n".encode("latin-1"))
    piece = b"[" + b"0," * (512 * 1024 - 1)  # 1 MB of a JSON array that never closes

    def pump():
        sent = 0
        try:
            while sent < total:
                s.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                sent += len(piece)
            s.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed: it read no further

    t = threading.Thread(target=pump, daemon=True)
    t.start()
    try:
        return read_response(s)
    finally:
        t.join(30)
        s.close()


def test_a_long_call_leaves_the_server_responsive(hardened):
    """Calls run in a worker thread: while one computes for seconds, the server still answers at once."""
    import random
    import time

    base, _ = hardened
    rng = random.Random(1)
    # Newey-West standard errors with 1,000 lags on 2,000 × 100 (the old VIF call, now milliseconds), three in a row
    y = [["y"]] + [[rng.random()] for _ in range(2000)]
    X = [[f"x{j}" for j in range(100)]] + [[rng.random() for _ in range(100)] for _ in range(2000)]
    body = json.dumps(fcall("DNQP_OLS", y, X, "HAC", 1000)).encode()
    done = {}

    def long_call():
        t = time.perf_counter()
        done["status"] = [post(base, CALL, body)[0] for _ in range(3)]
        done["seconds"] = time.perf_counter() - t

    worker = threading.Thread(target=long_call)
    worker.start()
    time.sleep(0.5)
    quick = []
    while worker.is_alive() and len(quick) < 20:
        t = time.perf_counter()
        assert send(base, "GET", "/")[0] == 200
        assert post(base, CALL, fcall("DNQP_VERSION"), auth=False)[0] == 401
        quick.append(time.perf_counter() - t)
        time.sleep(0.1)
    worker.join(120)
    assert done["status"] == [200, 200, 200]
    print(f"3 OLS calls with HAC(1000) on 2,000 x 100 over HTTP: {done['seconds']:.1f} s; meanwhile {len(quick)} answers, "
          f"slowest {max(quick) * 1000:.0f} ms")
    assert quick and max(quick) < 0.5, (quick, done)


# ---- malformed requests ----------------------------------------------------------------------------

MALFORMED = [
    b"", b"{", b"null", b"[]", b"42", b'"ENTROPY_WEIGHTS"', b"NaN", b"\xff\xfe\x00garbage",
    b'{"func_name": "DNQP_VERSION", "args": NaN}', b'{"func_name": "DNQP_VERSION", "args": [Infinity]}',
    b"[" * 100_000 + b"]" * 100_000, b'{"func_name": "DNQP_VERSION", "args": [' + b"9" * 5000 + b"]}",
    b'{"func_name": "DNQP_VERSION", "args": []', b"{'func_name': 'DNQP_VERSION'}",
]


@pytest.mark.parametrize("body", MALFORMED, ids=lambda b: repr(b[:30]))
def test_malformed_json_is_400(hardened, body):
    base, _ = hardened
    status, text, _ = post(base, CALL, body)
    assert status in (400, 404), (status, text)  # 404: valid JSON without a catalogue function name
    one_line(status, text)
    status, text, _ = post(base, "/xlwings/custom-scripts-call/validate_data", body)
    assert status == 400, (status, text)
    one_line(status, text)


WRONG_SHAPES = [
    {"args": None}, {"args": {"0": 1}}, {"args": "x"},
    {"args": [ORACLE, "++-+", None, None, None, None, None, None, None]},  # too many arguments (it takes 7)
    {"args": [ORACLE]},                                              # a required one missing
    {"args": [[[[1]]], "+"]},                                        # three levels deep
    {"args": [[{"a": 1}], "+"]}, {"args": [[[{"type": "Double", "basicValue": [1]}]], "+"]},
    {"args": [[[1], 2], "+"]},                                       # rows mixed with cells
    {"runtime": "9.9"}, {"runtime": ["1.4"]}, {"runtime": None},
]


@pytest.mark.parametrize("change", WRONG_SHAPES, ids=lambda c: json.dumps(c)[:40])
def test_a_call_of_the_wrong_shape_is_400(hardened, change):
    base, _ = hardened
    body = {**fcall("ENTROPY_WEIGHTS", ORACLE, "++-+"), **change}
    status, text, _ = post(base, CALL, body)
    assert status == 400, (change, status, text)
    one_line(status, text)


def test_odd_but_valid_fields_are_answered(hardened):
    base, _ = hardened
    body = {**fcall("ENTROPY_WEIGHTS", ORACLE, "++-+"), "date_format": 5, "culture_info_name": ["x"],
            "client": "evil", "version": "0.0.0", "extra": {"__class__": "os"}}
    status, text, _ = post(base, CALL, body)
    assert status == 200, text
    errors = fcall("ENTROPY_WEIGHTS", [r[:] for r in ORACLE], "++-+")
    errors["args"][0][2][1] = {"type": "Error", "errorType": "NotAvailable", "basicValue": "#N/A"}
    status, text, _ = post(base, CALL, errors)
    assert (status, text) == (400, "indicator A2, row 2 is missing: impute it first")


# ---- nothing is evaluated --------------------------------------------------------------------------

CODE = ["__import__('pathlib').Path({p!r}).touch()", "exec(\"open({p!r}, 'w')\")", "=cmd|' /C calc'!A0",
        "{{{{7*7}}}}", "${{7*7}}", "`touch {p}`", "$(touch {p})"]


def test_code_in_a_request_is_data(hardened, tmp_path):
    base, _ = hardened
    marker = tmp_path / "pwned"
    for code in CODE:
        text = code.format(p=str(marker))
        data = [["A1", "A2"], [1, text], [2, 1], [3, 5], [4, 4]]
        for call in (fcall("ENTROPY_WEIGHTS", data, [["+", text]]),
                     fcall("ENTROPY_WEIGHTS", data, "++", text, text, text),
                     fcall("DNQP_DESCRIBE", data), fcall("DNQP_OLS", data, data, text, text, text)):
            status, body, _ = post(base, CALL, call)
            assert status == 400, body
            one_line(status, body)
        status, body, _ = post(base, CALL, fcall("DNQP_DESCRIBE", [["Year", text], [1, 2], [2, 1]]))
        assert status == 200 and json.loads(body)["result"][1][0] == text  # a label stays a label
        status, body, _ = post(base, CALL, {**fcall("DNQP_VERSION"), "func_name": text})
        assert status == 404
    assert not marker.exists()


def test_the_source_evaluates_nothing():
    """No eval/exec/pickle/marshal/compile/__import__ in dnqp, and no getattr with a name from outside."""
    hits = []
    for path in SRC.rglob("*.py"):
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("#")[0]
            if re.search(r"(?<![\w.])(eval|exec|compile|__import__)\s*\(|\b(pickle|marshal|shelve)\b|yaml\.load\b",
                         code):
                hits.append(f"{path.name}:{i}: {line.strip()}")
    assert hits == []
    server_src = "".join(p.read_text(encoding="utf-8") for p in sorted((SRC / "excel" / "server").glob("*.py")))
    assert "getattr(udfs, n) for n in udfs.__all__" in server_src  # the catalogue, fixed at start-up
    assert not re.search(r"getattr\((udfs|scripts),\s*name", server_src)


# ---- CORS ------------------------------------------------------------------------------------------

def test_cors_allows_only_the_configured_origins(hardened, server):
    base, _ = hardened
    preflight = {"Origin": ALLOWED, "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "authorization,content-type"}
    status, _, headers = send(base, "OPTIONS", CALL, headers=preflight)
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED
    for origin in ("https://evil.example", "null", ALLOWED + ".evil.example", "http://allowed.example"):
        status, _, headers = send(base, "OPTIONS", CALL, headers={**preflight, "Origin": origin})
        assert status == 400 and "access-control-allow-origin" not in headers, origin
        status, _, headers = post(base, CALL, fcall("DNQP_VERSION"), headers={"Origin": origin})
        assert "access-control-allow-origin" not in headers, origin
    status, _, headers = post(base, CALL, fcall("DNQP_VERSION"), headers={"Origin": ALLOWED})
    assert status == 200 and headers["access-control-allow-origin"] == ALLOWED
    # Default (DNQP_CORS_ORIGINS unset): no origin at all; Office calls are same-origin.
    status, _, headers = send(server, "OPTIONS", CALL, headers=preflight)
    assert status == 400 and "access-control-allow-origin" not in headers
    status, _, headers = send(server, "GET", "/", headers={"Origin": ALLOWED})
    assert status == 200 and "access-control-allow-origin" not in headers


def test_bad_settings_stop_the_server_with_one_line():
    import subprocess
    import sys

    for env in ({"DNQP_CORS_ORIGINS": "evil.example"}, {"DNQP_MAX_BODY_MB": "lots"}, {"DNQP_MAX_CELLS": "-1"}):
        out = subprocess.run([sys.executable, "-m", "dnqp.cli", "serve", "--port", "1"], timeout=60,
                             env={**__import__("os").environ, "XLWINGS_LICENSE_KEY": "noncommercial", **env},
                             capture_output=True, text=True)
        assert out.returncode == 2 and "Traceback" not in out.stderr, out.stderr
        assert list(env)[0] in out.stderr


# ---- the whole catalogue over HTTP with fuzzed arguments --------------------------------------------

def _jsonable(value):
    if isinstance(value, tuple | list):
        return [_jsonable(v) for v in value]
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, float) and value in (float("inf"), -float("inf")):
        return 1e308 * (1 if value > 0 else -1)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)  # a datetime: Office.js sends numbers or text


@pytest.mark.parametrize("name", CATALOGUE)
def test_fuzzed_calls_over_http_are_200_or_400(hardened, name):
    base, _ = hardened
    u = urlsplit(base)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(call_args(getattr(udfs, name)))
    def run(args):
        body = json.dumps({**fcall(name), "args": _jsonable(args)}, allow_nan=False).encode()
        conn.request("POST", CALL, body=body, headers={"Content-Type": "application/json",
                                                       "Authorization": AUTH})
        r = conn.getresponse()
        status, text = r.status, r.read().decode()
        assert status in (200, 400), (status, text, args)
        if status == 400:
            one_line(status, text[:300])
            return
        result = json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in a result"))["result"]
        assert isinstance(result, list) and result and all(isinstance(r, list) for r in result)
        assert len({len(r) for r in result}) == 1
        assert all(isinstance(v, str | int | float | bool | dict) for r in result for v in r)

    try:
        run()
    finally:
        conn.close()
