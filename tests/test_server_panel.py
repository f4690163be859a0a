"""The panel worksheet functions over a real `dnqp serve` (Office.js protocol, namespace DNQP): the same numbers as
the plain-Python call, which tests/test_functions_panel.py holds against NumPy and linearmodels."""

import numpy as np
import pytest

from dnqp.excel import functions as udfs

from .test_server import fcall, request, server  # noqa: F401 - the module-scoped `dnqp serve` fixture

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")


def _panel(n=8, t=4, seed=11):
    rng = np.random.default_rng(seed)
    regions = [[f"P{i}"] for i in range(n) for _ in range(t)]
    years = [[2015 + j] for _ in range(n) for j in range(t)]
    x = rng.normal(size=(n * t, 2))
    y = x @ [1.0, -2.0] + np.repeat(rng.normal(size=n), t) + rng.normal(scale=0.3, size=n * t)
    ind = rng.uniform(1, 5, size=(n * t, 3))
    return regions, years, x, y, ind


def test_xtreg_table_and_panel_entropy_over_http(server):
    regions, years, x, y, ind = _panel()
    region, year = [["Region"]] + regions, [["Year"]] + years
    Y, X = [["y"]] + [[v] for v in y.tolist()], [["x1", "x2"]] + x.tolist()
    url = server + "/xlwings/custom-functions-call"
    status, body = request(url, fcall("DNQP_XTREG", Y, X, region, year, None, None, None, None, None))
    assert status == 200, body
    assert body == {"result": udfs.DNQP_XTREG(Y, X, region, year)}
    rows = {r[0]: r[1] for r in body["result"]}
    assert rows["Regions"] == 8 and rows["Years"] == 4 and rows["Region FE"] == "Yes"
    status, body = request(url, fcall("DNQP_TABLE", Y, [["x1"]] + x[:, :1].tolist(), [["x2"]] + x[:, 1:].tolist(),
                                      None, None, None, region, year, "region", "none"))
    assert status == 200, body
    assert body["result"] == udfs.DNQP_TABLE(Y, [["x1"]] + x[:, :1].tolist(), [["x2"]] + x[:, 1:].tolist(),
                                             region=region, year=year, effects="region", cluster="none")
    data = [["Year", "a", "b", "c"]] + [[yy[0], *row] for yy, row in zip(years, ind.tolist())]
    status, body = request(url, fcall("ENTROPY_WEIGHTS", data, "+-+", None, None, None, region, "by_year"))
    assert status == 200, body
    assert body["result"][0] == ["Year", "a", "b", "c"] and len(body["result"]) == 5
    assert body["result"] == udfs.ENTROPY_WEIGHTS(data, "+-+", region=region, panel_entropy="by_year")


def test_panel_errors_are_one_line_over_http(server):
    regions, years, x, y, _ = _panel()
    twice = [["Year"]] + years
    twice[2] = twice[1]  # P0 has 2015 twice
    status, text = request(server + "/xlwings/custom-functions-call",
                           fcall("DNQP_XTREG", [["y"]] + [[v] for v in y.tolist()], [["x1", "x2"]] + x.tolist(),
                                 [["Region"]] + regions, twice))
    assert 400 <= status < 500
    assert "region P0, year 2015 is given twice" in str(text) and "\n" not in str(text).strip()
