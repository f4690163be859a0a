"""`dnqp serve`'s configuration, handlers called alone, and the fixes of issue 10 section L that need no browser.

(The browser side, xlwings' own JavaScript client in Chromium, is tests/test_chromium.py.)
"""

from __future__ import annotations

import asyncio
import json
import os
import struct
import subprocess
import sys
import textwrap
import time
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path
from types import SimpleNamespace

import pytest
from hypothesis import given, settings, strategies as st

from dnqp.excel.number_formats import format_blocks
from dnqp.excel.server import ServerConfig, ServerSetupError, manifest_xml
from dnqp.excel.server import routes
from dnqp.excel.server.config import manifest_id_for
from dnqp.excel.server.requests import trim_range

from .test_server import ORACLE, fcall, request, start

ROOT = Path(__file__).resolve().parent.parent
WEIGHTS = [0.290380, 0.236443, 0.229248, 0.243930]  # ORACLE's reference weights (test_server.py)


# ---- the one config object --------------------------------------------------------------------------

def test_config_defaults_and_every_setting():
    c = ServerConfig.from_env({"XLWINGS_LICENSE_KEY": "noncommercial"})
    assert (c.api_key, c.max_body_mb, c.max_cells, c.workers, c.cors_origins, c.manifest_id, c.environment) == \
        ("", 50.0, 1_000_000, 1, (), "", "prod")
    assert c.max_body == 50 * 1024 * 1024
    gid = "0F8FAD5B-D9CB-469F-A165-70867728950E"
    c = ServerConfig.from_env({"XLWINGS_LICENSE_KEY": "k", "DNQP_API_KEY": "s", "DNQP_MAX_BODY_MB": "2.5",
                               "DNQP_MAX_CELLS": "10", "DNQP_WORKERS": "3", "DNQP_CORS_ORIGINS": "https://a.org/, http://b",
                               "DNQP_MANIFEST_ID": gid, "DNQP_ENVIRONMENT": "QA"})
    assert (c.license_key, c.api_key, c.max_body_mb, c.max_cells, c.workers, c.cors_origins, c.manifest_id,
            c.environment) == ("k", "s", 2.5, 10, 3, ("https://a.org", "http://b"), gid.lower(), "qa")
    assert c.manifest_id_at("https://x") == gid.lower()


@pytest.mark.parametrize("env, named", [
    ({}, "XLWINGS_LICENSE_KEY"),
    ({"DNQP_MAX_BODY_MB": "lots"}, "DNQP_MAX_BODY_MB"),
    ({"DNQP_MAX_CELLS": "-1"}, "DNQP_MAX_CELLS"),
    ({"DNQP_WORKERS": "inf"}, "DNQP_WORKERS"),
    ({"DNQP_CORS_ORIGINS": "evil.example"}, "DNQP_CORS_ORIGINS"),
    ({"DNQP_MANIFEST_ID": "my-addin"}, "DNQP_MANIFEST_ID"),
    ({"DNQP_MANIFEST_ID": "0f8fad5b-d9cb-469f-a165-70867728950"}, "DNQP_MANIFEST_ID"),
    ({"DNQP_ENVIRONMENT": "staging"}, "DNQP_ENVIRONMENT"),
])
def test_a_bad_setting_is_one_line_naming_it(env, named):
    base = {} if named == "XLWINGS_LICENSE_KEY" else {"XLWINGS_LICENSE_KEY": "noncommercial"}
    with pytest.raises(ServerSetupError) as info:
        ServerConfig.from_env({**base, **env})
    assert named in str(info.value) and "\n" not in str(info.value)


def test_the_environment_is_prepared_in_one_place():
    """Only config.prepare_environment sets XLWINGS_ON_SERVER (was: three places)."""
    src = ROOT / "src" / "dnqp"
    setters = [p.relative_to(src).as_posix() for p in src.rglob("*.py")
               if 'os.environ["XLWINGS_ON_SERVER"]' in p.read_text(encoding="utf-8")]
    assert setters == ["excel/server/config.py"]


# ---- the manifest: its Id, its icons ---------------------------------------------------------------

def test_manifest_id_default_is_derived_from_the_url_and_can_be_set():
    a = ET.fromstring(manifest_xml("https://dnqp.example.org"))
    ns = {"o": "http://schemas.microsoft.com/office/appforoffice/1.1"}
    id_a = a.find("o:Id", ns).text
    assert uuid.UUID(id_a).version == 5 and id_a == manifest_id_for("https://dnqp.example.org/")
    assert ET.fromstring(manifest_xml("https://localhost:8000")).find("o:Id", ns).text != id_a
    gid = str(uuid.uuid4())
    assert ET.fromstring(manifest_xml("https://dnqp.example.org", gid)).find("o:Id", ns).text == gid


def test_the_manifest_loads_nothing_from_elsewhere():
    xml = manifest_xml("https://dnqp.example.org")
    urls = [v for el in ET.fromstring(xml).iter() for k, v in el.attrib.items()
            if k == "DefaultValue" and v.startswith(("http://", "https://"))]
    assert urls and all(u.startswith("https://dnqp.example.org/") for u in urls), urls
    assert "xlwings.org" not in xml
    icons = [u for u in urls if u.endswith(".png")]
    assert sorted({u.rsplit("-", 1)[1] for u in icons}) == ["16.png", "32.png", "64.png", "80.png"]


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_icons_are_shipped_and_regenerate_byte_for_byte(tmp_path):
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import make_icons
    finally:
        sys.path.pop(0)
    fresh = make_icons.main(tmp_path)
    for path in fresh:
        shipped = (routes.WEB / path.name).read_bytes()
        assert shipped == path.read_bytes(), path.name
        size = int(path.stem.split("-")[1])
        assert _png_size(shipped) == (size, size)


def _request(path: str, service: routes.Service, **params):
    """A Starlette request for ``path`` on an app whose state carries ``service``: a handler can run alone."""
    from starlette.requests import Request

    app = SimpleNamespace(state=SimpleNamespace(dnqp=service))
    scope = {"type": "http", "method": "GET", "path": path, "root_path": "", "scheme": "https", "query_string": b"",
             "headers": [(b"host", b"dnqp.example.org")], "server": ("dnqp.example.org", 443), "app": app,
             "path_params": params}
    return Request(scope)


def test_handlers_run_alone():
    gid = str(uuid.uuid4())
    svc = routes.Service(config=ServerConfig(license_key="x", manifest_id=gid), udfs=None, scripts=None)
    response = asyncio.run(routes.manifest(_request("/manifest.xml", svc)))
    body = response.body.decode()
    assert response.status_code == 200 and f"<Id>{gid}</Id>" in body
    assert "https://dnqp.example.org/icons/icon-80.png" in body
    response = asyncio.run(routes.icon(_request("/icons/icon-32.png", svc, size=32)))
    assert response.media_type == "image/png" and _png_size(response.body) == (32, 32)
    assert asyncio.run(routes.icon(_request("/icons/icon-33.png", svc, size=33))).status_code == 404


# ---- number formats as rectangles ----------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.tuples(st.integers(0, 12), st.integers(0, 6)), st.sampled_from(["0.00", "0", '0"*"']),
                       max_size=60))
def test_format_blocks_cover_every_formatted_cell_exactly_once(cells):
    blocks = format_blocks([(r, c, f) for (r, c), f in cells.items()])
    covered = {}
    for r, c, h, w, f in blocks:
        assert h >= 1 and w >= 1
        for i in range(h):
            for j in range(w):
                assert (r + i, c + j) not in covered  # disjoint
                covered[(r + i, c + j)] = f
    assert covered == cells


def test_format_blocks_of_the_sample():
    """286 formatted cells of the sample's result sheets become 46 rectangles (the desktop's COM calls)."""
    from dnqp.workbook.blocks import result_blocks, sheet_cells
    from dnqp.workbook.grid import parse_grids
    from dnqp.workbook.template import template_grids

    inputs = parse_grids(template_grids(sample=True))
    per_sheet = [sheet_cells(b)[1] for b in result_blocks(inputs.run(), inputs).values()]
    assert sum(len(f) for f in per_sheet) == 286
    assert sum(len(format_blocks(f)) for f in per_sheet) == 46


# ---- whole-column references ----------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from([None, "", " ", 0, 1.5, "x"]), min_size=3, max_size=3),
                min_size=1, max_size=8))
def test_trim_range_drops_only_trailing_blank_rows_and_columns(rows):
    from dnqp.excel.convert import grid, is_blank

    out = trim_range(rows)
    assert out == [r[:len(out[0])] for r in rows[:len(out)]]  # a top-left block of the input
    kept = sum(not is_blank(v) for r in out for v in r)
    assert kept == sum(not is_blank(v) for r in rows for v in r)  # no value lost
    assert grid(out) == grid(rows)  # the worksheet functions see the same range
    if len(out) > 1:
        assert not all(is_blank(v) for v in out[-1])
    if len(out[0]) > 1:
        assert not all(is_blank(r[-1]) for r in out)


def test_a_whole_column_reference_is_answered(tmp_path):
    """=DNQP.ENTROPY_WEIGHTS(A:D, …): 1,048,576 rows × 4 columns (4.2 million cells, blank ones as "") are
    over the 1,000,000-cell limit only because of the blank rows, which are left out first (was: 413 →
    #VALUE!). Real data over the limit is still refused."""
    proc, base = start()
    try:
        rows = ORACLE + [["", "", "", ""]] * (1_048_576 - len(ORACLE))
        t0 = time.perf_counter()
        status, body = request(base + "/xlwings/custom-functions-call",
                               fcall("ENTROPY_WEIGHTS", rows, [["+", "+", "-", "+"]]))
        print(f"whole-column call over HTTP: {time.perf_counter() - t0:.2f} s")
        assert status == 200, body
        assert [r[3] for r in body["result"][1:]] == pytest.approx(WEIGHTS, abs=5e-7)
        full = [["a", "b", "c", "d"]] + [[1, 2, 3, 4]] * 260_000
        status, text = request(base + "/xlwings/custom-functions-call", fcall("ENTROPY_WEIGHTS", full, "++++"))
        assert status == 413 and "DNQP_MAX_CELLS" in text and "trailing blank" in text
    finally:
        proc.terminate()
        proc.wait(10)


# ---- internal errors leave a traceback to report ---------------------------------------------------

_BUGGY_SERVER = textwrap.dedent("""
    import asyncio, json, os, sys
    os.environ["XLWINGS_LICENSE_KEY"] = "noncommercial"
    from dnqp.excel.server import create_app
    app = create_app()
    import dnqp.excel.functions as f, dnqp.excel.ribbon as r
    def boom(*a, **k):
        raise RuntimeError("planted bug")
    f._entropy_weights = boom
    r.parse_grids = boom
    import httpx
    async def main():
        t = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=t, base_url="http://test") as c:
            call = {"func_name": "ENTROPY_WEIGHTS", "args": [[["a"], [1], [2]], [["+"]]], "runtime": "1.4"}
            a = await c.post("/xlwings/custom-functions-call", json=call)
            b = await c.post("/xlwings/custom-scripts-call/run_analysis", json={"sheets": [], "book": {
                "name": "b.xlsx", "active_sheet_index": 0, "selection": "A1"}, "names": []})
        print(json.dumps([[a.status_code, a.text], [b.status_code, b.text]]))
    asyncio.run(main())
""")


def test_an_internal_error_is_one_line_for_excel_and_a_traceback_in_the_server_log():
    env = {k: v for k, v in os.environ.items() if k != "XLWINGS_ON_SERVER" and not k.startswith("DNQP_")}
    out = subprocess.run([sys.executable, "-c", _BUGGY_SERVER], capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    answers = json.loads(out.stdout.strip().splitlines()[-1])
    for status, text in answers:
        assert status == 400 and text.startswith("dnqp internal error (RuntimeError: planted bug)")
        assert "\n" not in text and "Traceback" not in text
    assert out.stderr.count("Traceback (most recent call last)") == 2, out.stderr[-3000:]
    assert out.stderr.count("RuntimeError: planted bug") >= 2 and "ERROR dnqp" in out.stderr


def test_the_cli_shows_the_traceback_with_debug_only(sample_xlsx):
    book = sample_xlsx
    code = textwrap.dedent(f"""
        import sys
        import dnqp.workbook.grid as g
        def boom(*a, **k):
            raise RuntimeError("planted bug")
        g.run_study = boom
        from dnqp.cli import main
        sys.exit(main(sys.argv[1:] + ["run", "-q", {str(book)!r}]))
    """)
    quiet = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert quiet.returncode == 1 and "Traceback" not in quiet.stderr
    assert quiet.stderr.strip() == ("dnqp: internal error: RuntimeError: planted bug (run with --debug for details)")
    debug = subprocess.run([sys.executable, "-c", code, "--debug"], capture_output=True, text=True, timeout=120)
    assert debug.returncode != 0 and "Traceback (most recent call last)" in debug.stderr
    assert "RuntimeError: planted bug" in debug.stderr and "boom" in debug.stderr


@pytest.mark.parametrize("name", ["dnqp.excel.number_formats", "dnqp.excel.server.requests",
                                  "dnqp.excel.server.config"])
def test_docstring_examples(name):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


# ---- the desktop path: Excel (COM) compares sheet names without case, as Office.js does -----------

class _Cell:
    def __init__(self, sheet, key):
        self.sheet, self.key = sheet, key

    @property
    def value(self):
        return self.sheet.cells.get(self.key)

    @value.setter
    def value(self, v):
        self.sheet.cells[self.key] = v


class _Sheet:
    """The little of xlwings' COM Sheet that the ribbon's writing uses."""

    def __init__(self, book, name, a1=None):
        self.book, self.name, self.cells, self.formats = book, name, {"A1": a1}, []

    def __getitem__(self, address):
        return _Cell(self, address)

    def range(self, first, last=None):
        sheet = self

        class _Range:
            @property
            def value(self):
                return None

            @value.setter
            def value(self, v):
                sheet.cells[first] = v

            @property
            def number_format(self):
                return None

            @number_format.setter
            def number_format(self, f):
                sheet.formats.append((first, last or first, f))

        return _Range()

    def clear(self):
        self.cells, self.formats = {}, []


class _Sheets(list):
    def add(self, name, after=None):
        if any(s.name.casefold() == name.casefold() for s in self):  # what Excel's COM answers
            raise RuntimeError(f"(-2146827284, 'That name is already taken. Try a different one.')  {name}")
        sheet = _Sheet(self, name)
        self.append(sheet)
        return sheet


class _DesktopBook:
    def __init__(self, *names_and_a1):
        self.sheets = _Sheets(_Sheet(self, n, a1) for n, a1 in names_and_a1)
        self.app = SimpleNamespace(engine=SimpleNamespace(name="excel"))


@pytest.mark.parametrize("name", ["DNQP_Weights", "dnqp_weights", "DNQP_LOG", "dnqp_log"])
def test_desktop_leaves_a_user_sheet_named_like_a_result_sheet_in_another_case_alone(name):
    import xlwings as xw

    from dnqp.excel.ribbon import write_sheets

    book = _DesktopBook(("Data", "Year"), (name, "my notes"))
    with pytest.raises(xw.XlwingsError) as info:
        write_sheets(book, {"Weights": [["w"]], "Log": [["l"]]})
    assert str(info.value) == (f"the sheet {name} was not created by dnqp, so it is left alone: rename or move "
                               "it, then run again")
    assert [s.name for s in book.sheets] == ["Data", name] and book.sheets[1].cells == {"A1": "my notes"}


def test_desktop_rewrites_its_own_sheet_whatever_its_case_and_formats_rectangles():
    from dnqp.excel.ribbon import FIRST_ROW, MARKER, write_sheets

    book = _DesktopBook(("Data", "Year"), ("DNQP_WEIGHTS", MARKER))
    written = write_sheets(book, {"Weights": [["w", "x"], [0.5, 0.25], [0.5, 0.75]]},
                           {"Weights": [(1, 0, "0.00"), (1, 1, "0.00"), (2, 0, "0.00"), (2, 1, "0.00")]})
    assert written == ["DNQP_WEIGHTS"] and len(book.sheets) == 2  # reused, not added
    assert book.sheets[1].formats == [((FIRST_ROW + 1, 1), (FIRST_ROW + 2, 2), "0.00")]  # one COM call


def test_the_task_pane_registers_the_number_formats_callback_the_ribbon_calls():
    from dnqp.excel.number_formats import CALLBACK

    page = (routes.WEB / "taskpane.html").read_text(encoding="utf-8")
    assert f"async function {CALLBACK}(context, sheets)" in page and f"registerCallback({CALLBACK});" in page
