"""What the XlsxWriter files dnqp writes share: document properties, one cell by its Python type, page setup."""

from __future__ import annotations

import datetime as _dt

__all__ = ["new_workbook", "write_cell", "new_sheet", "set_page"]

#: Fixed document date, so that generating a template twice gives the same file.
_CREATED = _dt.datetime(2026, 1, 1, 0, 0, 0)
# use_future_functions: Excel 365 functions (XMATCH, …) get the _xlfn. prefix Excel needs to recognise them.
_WB_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
               "use_future_functions": True}


def new_workbook(path, title: str, keywords: str = "", in_memory: bool = False):
    """A workbook with dnqp's options and properties; ``in_memory``: no temporary files (``path`` may be a
    :class:`io.BytesIO`)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(path, {**_WB_OPTIONS, "in_memory": True} if in_memory else _WB_OPTIONS)
    wb.set_properties({"title": title, "author": "dnqp", "company": "", "keywords": keywords,
                       "comments": "Written by dnqp", "created": _CREATED})
    return wb


def write_cell(ws, r: int, c: int, value, fmt=None) -> None:
    """Write one cell by its Python type: text always as text (a label "=1+1" stays text)."""
    if value is None:
        ws.write_blank(r, c, None, fmt)
    elif isinstance(value, str):
        ws.write_string(r, c, value, fmt)
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, fmt)
    else:
        ws.write_number(r, c, value, fmt)


def set_page(ws, landscape: bool = True) -> None:
    """Print (and PDF) setup: A4, one page wide."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 0)


def new_sheet(wb, name: str):
    ws = wb.add_worksheet(name)
    set_page(ws)
    return ws
