"""In-process xlwings Books built from an Office.js payload, for testing the ribbon scripts' actions.

xlwings registers its server ("remote") engine at import only if a licence key is set then; tests that
imported xlwings earlier without one get it registered here (XLWINGS_LICENSE_KEY=noncommercial: tests are
noncommercial use).
"""

from __future__ import annotations

import copy

import pytest


@pytest.fixture
def xw(monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    xlwings = pytest.importorskip("xlwings")
    if "remote" not in xlwings.engines.engines_by_name:
        from xlwings.main import Engine
        from xlwings.pro import _xlremote

        xlwings.engines.add(Engine(impl=_xlremote.engine))
    return xlwings


def call(xw, action: str, payload: dict) -> list[dict]:
    """The actions that ``dnqp.excel.ribbon.ACTIONS[action](book)`` sends back for a book with this payload."""
    from dnqp.excel import ribbon as scripts

    book = xw.Book(json=copy.deepcopy(payload))  # xlwings adds the sheets it creates to the payload it is given
    scripts.ACTIONS[action](book)
    return book.json()["actions"]
