"""``=DNQP.DNQP_XTREG`` and a panel ``=DNQP.ENTROPY_WEIGHTS`` through xlwings' own JavaScript client in headless
Chromium, served by a real `dnqp serve` (the harness of tests/test_chromium.py): the cells Excel would show are
the plain-Python call's, and a bad panel comes back as #VALUE! with the one-line message."""

from __future__ import annotations

from dnqp.excel import functions as udfs

from .test_chromium import browser, open_taskpane, pytestmark, served  # noqa: F401 - its fixtures and skip
from .test_server_panel import _panel

CALL = "([name, args]) => globalThis.__officeStub.callFunction(name, args)"


def test_panel_functions_in_chromium(browser, served):  # noqa: F811
    regions, years, x, y, ind = _panel()
    region, year = [["Region"]] + regions, [["Year"]] + years
    Y, X = [["y"]] + [[v] for v in y.tolist()], [["x1", "x2"]] + x.tolist()
    page, errors, foreign = open_taskpane(browser, served, {"Sheet1": [[""]]})
    out = page.evaluate(CALL, ["DNQP_XTREG", [Y, X, region, year]])
    assert "error" not in out, out
    assert out["result"] == udfs.DNQP_XTREG(Y, X, region, year)
    data = [["Year", "a", "b", "c"]] + [[yy[0], *row] for yy, row in zip(years, ind.tolist())]
    out = page.evaluate(CALL, ["ENTROPY_WEIGHTS", [data, [["+", "-", "+"]], [[""]], [[""]], [[""]], region]])
    assert "error" not in out, out
    assert out["result"] == udfs.ENTROPY_WEIGHTS(data, "+-+", region=region)
    twice = [["Year"]] + years
    twice[2] = twice[1]
    bad = page.evaluate(CALL, ["DNQP_XTREG", [Y, X, region, twice]])
    assert bad["error"] == {"code": "#VALUE!", "message": "region P0, year 2015 is given twice"}
    assert errors == [] and foreign == []
    page.close()
