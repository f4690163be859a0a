"""xlwings' own JavaScript client, served by a real `dnqp serve`, in headless Chromium (issue 10, section L).

The page is dnqp's task pane (/taskpane.html) with xlwings-server's static JS, unmodified. Only
Microsoft's office.js is replaced, by tests/officejs/office-stub.js: an in-memory workbook behind the
Office, Excel, OfficeRuntime and CustomFunctions globals. The test then runs what Excel would:

* a worksheet function (``=DNQP.ENTROPY_WEIGHTS``) through xlwings' custom-functions-code.js, with a
  normal range and with a whole-column reference (1,048,576 rows, nearly all blank);
* a bad input, which must come back as Excel's #VALUE! with the one-line message;
* the Run analysis ribbon button: xlwings' runPython reads the stub workbook (getBookData), posts it, and
  applies the actions that come back (runActions), so the result sheets appear in the stub workbook with
  their values and number formats; a user's sheet named DNQP_Weights gets the documented message;
* the task pane's start-up: Office is ready before the body is parsed, and the API key field still gets filled.

Chromium is Debian's (``chromium``), driven by Playwright (pip ``playwright``, the dev extra); no browser is
downloaded. The test is skipped only when one of them cannot be had.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from dnqp.workbook import schema
from dnqp.workbook.template import template_grids

from .test_server import ORACLE, start

STUB = Path(__file__).parent / "officejs" / "office-stub.js"
OFFICE_JS = "https://appsforoffice.microsoft.com/**"
#: The reference weights of ORACLE (directions + + − +), as in test_server.py.
ORACLE_WEIGHTS = [0.290380, 0.236443, 0.229248, 0.243930]


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        if path := shutil.which(name):
            return path
    return os.environ.get("DNQP_CHROMIUM") or None


sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install 'dnqp[dev]')")
CHROMIUM = _chromium()
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (Debian: apt-get install "
                                                        "chromium)")


@pytest.fixture(scope="module")
def served():
    proc, base = start()
    yield base
    proc.terminate()
    proc.wait(10)


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                              args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        yield b
        b.close()


def open_taskpane(browser, base: str, sheets: dict[str, list[list]], api_key: str = ""):
    """A page with the task pane loaded over the stub workbook ``sheets``; (page, errors, requests to elsewhere)."""
    page = browser.new_page()
    errors, foreign = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))

    def route(r):
        url = r.request.url
        if url.startswith("https://appsforoffice.microsoft.com/"):
            return r.fulfill(status=200, content_type="text/javascript", body=STUB.read_text(encoding="utf-8"))
        if not url.startswith(origin):
            foreign.append(url)
            return r.abort()
        return r.continue_()

    page.route("**/*", route)
    book = {"name": "dnqp_sample.xlsx",
            "sheets": [{"name": n, "values": [[None if v is None else v for v in row] for row in rows]}
                       for n, rows in sheets.items()]}
    page.add_init_script(f"globalThis.__DNQP_BOOK__ = {json.dumps(book, default=str)};"
                         f"localStorage.setItem('dnqp-api-key', {json.dumps(api_key)});")
    page.goto(base + "/taskpane.html")
    page.wait_for_function("() => globalThis.__officeStub && globalThis.xlwings"
                           " && globalThis.__officeStub.functions.ENTROPY_WEIGHTS"
                           " && globalThis.callbacks && globalThis.callbacks.dnqpNumberFormats"
                           " && document.readyState === 'complete'", timeout=20_000)
    return page, errors, foreign


def test_functions_bad_input_and_whole_columns(browser, served):
    page, errors, foreign = open_taskpane(browser, served, {"Sheet1": [[""]]})
    call = "([name, args]) => globalThis.__officeStub.callFunction(name, args)"
    out = page.evaluate(call, ["ENTROPY_WEIGHTS", [ORACLE, [["+", "+", "-", "+"]]]])
    assert "error" not in out, out
    table = out["result"]
    assert table[0] == ["Indicator", "Entropy e", "Divergence d", "Weight w"]
    assert [r[3] for r in table[1:]] == pytest.approx(ORACLE_WEIGHTS, abs=5e-7)

    # A bad input: Excel shows #VALUE! and, on hovering, the one-line message naming the indicator.
    bad = page.evaluate(call, ["ENTROPY_WEIGHTS", [ORACLE, [["+", "+", "-", "?"]]]])
    assert bad["error"] == {"code": "#VALUE!",
                            "message": "indicator D4: direction '?' is neither + (benefit) nor − (cost)"}

    # =DNQP.ENTROPY_WEIGHTS(A:D, …): every row of the columns arrives, blank cells as "" (4.2 million cells,
    # over the 1,000,000-cell limit): the trailing blank rows are left out before the limit applies.
    t0 = time.perf_counter()
    whole = page.evaluate("""([data, dirs]) => {
        const rows = data.concat(Array.from({length: 1048576 - data.length}, () => ["", "", "", ""]));
        return globalThis.__officeStub.callFunction("ENTROPY_WEIGHTS", [rows, dirs]);
    }""", [ORACLE, [["+", "+", "-", "+"]]])
    print(f"whole-column call: {time.perf_counter() - t0:.2f} s")
    assert whole == out
    assert errors == [] and foreign == []
    page.close()


def test_run_analysis_end_to_end(browser, served):
    grids = template_grids(sample=True)
    page, errors, foreign = open_taskpane(browser, served, grids, api_key="kept-key")
    # Start-up race: the stub's Office is ready before the body exists; the key field is filled all the same.
    assert page.input_value("#key") == "kept-key"
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.json()["actions"]))
            if "/custom-scripts-call/run_analysis" in r.url and r.status == 200 else None)
    syncs_before = page.evaluate("globalThis.__officeStub.syncs")
    t0 = time.perf_counter()
    assert page.evaluate("globalThis.__officeStub.press('dnqp-run-analysis')") is True
    elapsed = time.perf_counter() - t0
    syncs = page.evaluate("globalThis.__officeStub.syncs") - syncs_before
    assert page.evaluate("globalThis.__officeStub.dialogs") == []  # no error alert
    print(f"Run analysis in Chromium: {sizes} actions, {syncs} workbook round trips (syncs), {elapsed:.2f} s")
    assert sizes and sizes[0] <= 40

    from dnqp.excel.ribbon import FIRST_ROW, MARKER
    from dnqp.workbook.blocks import RESULT_SHEETS, result_blocks, sheet_cells
    from dnqp.workbook.grid import parse_grids

    book = {s["name"]: s for s in page.evaluate("globalThis.__officeStub.snapshot()")}
    assert list(book) == [*grids, *(schema.RESULT_PREFIX + s for s in RESULT_SHEETS)]
    for name, rows in grids.items():  # the input sheets are untouched
        assert book[name]["values"] == [[("" if v is None else v) for v in r] for r in rows][:len(book[name]["values"])]
    inputs = parse_grids(grids)
    result = inputs.run()
    weights = book[schema.RESULT_PREFIX + "Weights"]["values"]
    assert weights[0][0] == MARKER
    cells = [v for r in weights for v in r if isinstance(v, float)]
    for w in result.weights["Weight w"]:
        assert any(v == pytest.approx(w, rel=1e-12) for v in cells)
    # Every number format of every result sheet arrived on its cell, and no other cell has one.
    for name, blocks in result_blocks(result, inputs).items():
        _, formats = sheet_cells(blocks)
        expected = {f"{FIRST_ROW - 1 + r},{c}": f for r, c, f in formats}
        assert book[schema.RESULT_PREFIX + name]["formats"] == expected, name
    het = book[schema.RESULT_PREFIX + "Heterogeneity"]["formats"]
    assert '0.0000"***"' in het.values() and '"("0.00")";"(-"0.00")"' in het.values()

    # Run again: our own sheets are rewritten in place (no ItemAlreadyExists), nothing else added.
    assert page.evaluate("globalThis.__officeStub.press('dnqp-run-analysis')") is True
    assert page.evaluate("globalThis.__officeStub.dialogs") == []
    assert [s["name"] for s in page.evaluate("globalThis.__officeStub.snapshot()")] == list(book)

    # Validate data writes dnqp_Checks; Clear results deletes every sheet dnqp made, and only those.
    assert page.evaluate("globalThis.__officeStub.press('dnqp-validate-data')") is True
    checks = {s["name"]: s for s in page.evaluate("globalThis.__officeStub.snapshot()")}[schema.RESULT_PREFIX + "Checks"]
    assert checks["values"][0][0] == MARKER and checks["values"][2] == ["Kind", "Cell", "Message"]
    assert [r[0] for r in checks["values"][3:]][-1] == "ok"
    assert page.evaluate("globalThis.__officeStub.press('dnqp-clear-results')") is True
    assert [s["name"] for s in page.evaluate("globalThis.__officeStub.snapshot()")] == list(grids)
    assert page.evaluate("globalThis.__officeStub.dialogs") == []
    assert errors == [] and foreign == []
    page.close()


@pytest.mark.parametrize("name", ["DNQP_Weights", "dnqp_log"])
def test_a_user_sheet_with_a_result_name_in_another_case_is_left_alone(browser, served, name):
    grids = template_grids(sample=True)
    page, errors, _ = open_taskpane(browser, served, {**grids, name: [["my notes"]]})
    assert page.evaluate("globalThis.__officeStub.press('dnqp-run-analysis')") is True
    [dialog] = page.evaluate("globalThis.__officeStub.dialogs")
    assert dialog["prompt"] == (f"the sheet {name} was not created by dnqp, so it is left alone: rename or move "
                                "it, then run again")
    book = page.evaluate("globalThis.__officeStub.snapshot()")
    assert [s["name"] for s in book] == [*grids, name]  # nothing written
    assert book[-1]["values"] == [["my notes"]]
    assert errors == []
    page.close()
