"""Writing the template file: the input sheets as Excel Tables with validation lists, the guide, the Settings
sheet from the settings registry and the Analysis sheets' live formulas (XlsxWriter)."""

from __future__ import annotations

import math
import os
from pathlib import Path

from . import schema
from .atomic import atomic_path
from .grid import scan_table
from .formulas import ANALYSIS_SHEETS, FORMULA_ROW, TITLE_ROW, analysis_formulas
from .writer import new_sheet, new_workbook, write_cell
from ..engine.settings import KINDS, REGISTRY

__all__ = ["write_template"]

_INPUT_FILL = "#FFF2CC"


def _table(ws, spec: schema.TableSpec, grid_rows: list[list], c0: int, formats: dict, col_formats: list) -> None:
    """An Excel Table at the spec's anchor: header from the grid's first row, body written cell by cell."""
    header, body, *_ = scan_table(grid_rows, 0, c0)
    n = len(header)
    last = max(len(body), 1)
    ws.add_table(0, c0, last, c0 + n - 1, {
        "name": spec.name, "style": "Table Style Light 1",
        "columns": [{"header": h, "header_format": formats["header"]} for h in header],
    })
    for i, row in enumerate(body, start=1):
        for j, v in enumerate(row):
            write_cell(ws, i, c0 + j, v, col_formats[j])


def _template_formats(wb) -> dict:
    base = {"border": 1, "border_color": "#BFBFBF", "valign": "top"}
    return {
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "header": wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "border_color": "#8EA9DB",
                                 "text_wrap": True, "valign": "top"}),
        "input": wb.add_format({**base, "bg_color": _INPUT_FILL}),
        "input_left": wb.add_format({**base, "bg_color": _INPUT_FILL, "align": "left"}),
        "input_center": wb.add_format({**base, "bg_color": _INPUT_FILL, "align": "center"}),
        "year": wb.add_format({**base, "bg_color": _INPUT_FILL, "num_format": "0", "bold": True}),
        "number": wb.add_format({**base, "bg_color": _INPUT_FILL, "num_format": "General"}),
        "fixed": wb.add_format({**base, "font_color": "#595959", "italic": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "note": wb.add_format({"italic": True, "font_color": "#C00000", "text_wrap": True, "valign": "top"}),
        "bold": wb.add_format({"bold": True, "bottom": 1}),
        "bold_plain": wb.add_format({"bold": True}),
        "note_line": wb.add_format({"italic": True, "font_color": "#595959"}),
    }


def _lines(text, width: float) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide (CJK counts double)."""
    import unicodedata

    if not isinstance(text, str):
        return 1
    n = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return max(1, math.ceil(n / max(width - 2, 1)))


def _guide_sheet(wb, rows: list[list], f: dict) -> None:
    ws = new_sheet(wb, schema.GUIDE_SHEET)
    widths = (14, 70, 60)
    for c, w in enumerate(widths):
        ws.set_column(c, c, w)
    write_cell(ws, 0, 0, rows[0][0], f["title"])
    for r in range(1, len(rows)):
        row = rows[r]
        if r == 3:
            for c, v in enumerate(row):
                write_cell(ws, r, c, v, f["bold"])
        elif row[0] is not None and all(v is None for v in row[1:]):  # a sentence across the page
            ws.merge_range(r, 0, r, len(widths) - 1, row[0], f["note"] if r == 1 else f["wrap"])
            ws.set_row(r, 15 * _lines(row[0], sum(widths)) + 3)
        elif any(v is not None for v in row):
            for c, v in enumerate(row):
                write_cell(ws, r, c, v, f["wrap"])
            ws.set_row(r, 15 * max(_lines(v, w) for v, w in zip(row, widths)) + 3)
    ws.activate()


def _validate(ws, r0, c0, r1, c1, **options) -> None:
    ws.data_validation(r0, c0, r1, c1, options)


def write_template(path: str | os.PathLike, sample: bool = False, panel: bool = False) -> Path:
    """Write the blank template (or, with ``sample``, the filled illustrative sample) to ``path``; ``panel``:
    the panel template (regions × years, with the Regions sheet)."""
    from .template import template_grids

    if panel:
        return _write_panel_template(path, sample)
    grids = template_grids(sample)
    path = Path(path)
    extra = 200  # validation also covers rows the analyst adds below each table
    with atomic_path(path) as tmp:
        wb = new_workbook(tmp, "dnqp sample workbook (illustrative data)" if sample else "dnqp workbook template")
        f = _template_formats(wb)
        _guide_sheet(wb, grids[schema.GUIDE_SHEET], f)

        _indicators_sheet(wb, grids[schema.INDICATORS.sheet], f, extra)

        for spec, what in ((schema.DATA, "indicator"), (schema.VARIABLES, "variable")):
            ws = new_sheet(wb, spec.sheet)
            rows = grids[spec.sheet]
            n = len(rows[0])
            _table(ws, spec, rows, 0, f, [f["year"]] + [f["number"]] * (n - 1))
            _table_widths(ws, [(0, 8)] + [(j, 12) for j in range(1, n)])
            _validate(ws, 1, 0, extra, 0, validate="integer", criteria="between", minimum=1800, maximum=2200,
                      input_title="Year", input_message="One row per year, e.g. 2014.")
            _validate(ws, 1, 1, extra, n - 1, validate="decimal", criteria="between", minimum=-1e300, maximum=1e300,
                      error_type="warning", input_title=f"{what.capitalize()} value",
                      input_message="A number as published. Missing: leave blank, or type NA or #N/A.",
                      error_message="Not a number. A missing value is left blank or typed NA or #N/A.")
            ws.freeze_panes(1, 1)

        _model_sheet(wb, grids[schema.MODEL.sheet], f, extra)

        _settings_sheet(wb, grids[schema.SETTINGS.sheet], f)
        for name, web in ANALYSIS_SHEETS.items():
            _analysis_sheet(wb, name, analysis_formulas(grids, web), web, f)
        wb.close()
    return path


def _analysis_note(web: bool, panel: bool = False) -> str:
    how = ("Office.js custom functions of dnqp serve (Excel on the web, Mac or Windows), shown as "
           "DNQP.ENTROPY_WEIGHTS(…)" if web else "the desktop dnqp add-in (xlwings), ENTROPY_WEIGHTS(…)")
    other = "Analysis" if web else "Analysis (web)"
    return (f"Live formulas over the input tables, with {how}; keep this sheet or {other!r}, whichever matches "
            "your add-in (the other shows #NAME?). They spill in Excel 365 and follow the tables as rows are "
            "added. They use min–max standardisation, the default interval and stars, and the Newey–West "
            "rule for HAC lags; impute, shift, convention, cov and index_label come from Settings. "
            "dnqp run and Run analysis honour every setting." + (_PANEL_NOTE if panel else ""))


_PANEL_NOTE = (" Panel: the formulas fill a missing value with the mean of its region's values in that column "
               "(impute mean, within region, as dnqp run; for impute linear or none use dnqp run), expect Data "
               "and Variables to list the same region-years in the same order, take panel_entropy, effects, "
               "cluster and panel_convention from Settings and show the full fixed-effects model only (dnqp "
               "run's Baseline column 3).")


def _analysis_sheet(wb, name: str, formulas, web: bool, f: dict, panel: bool = False) -> None:
    """An Analysis sheet: block titles, then each formula as a dynamic array over its spill range."""
    ws = new_sheet(wb, name)
    write_cell(ws, 0, 0, "dnqp live formulas" + (" (Office.js)" if web else " (desktop add-in)"), f["title"])
    write_cell(ws, 1, 0, _analysis_note(web, panel), f["note_line"])
    ws.set_column(0, max(x.col + x.cols for x in formulas), 11)
    for x in formulas:
        if x.title:
            write_cell(ws, TITLE_ROW, x.col, x.title, f["bold_plain"])
        ws.write_dynamic_array_formula(x.ref, x.text)
    ws.freeze_panes(FORMULA_ROW, 0)


def _table_widths(ws, widths) -> None:
    for c, w in widths:
        ws.set_column(c, c, w)


def _settings_sheet(wb, rows: list[list], f: dict) -> None:
    ws = new_sheet(wb, schema.SETTINGS.sheet)
    _table(ws, schema.SETTINGS, rows, 0, f, [f["fixed"], f["input_left"], f["fixed"], f["fixed"]])
    _table_widths(ws, [(0, 13), (1, 17), (2, 30), (3, 100)])
    lists_col = 11  # hidden columns L… hold the validation lists (a list item may contain commas)
    for i, row in enumerate(rows[1:], start=1):
        setting = REGISTRY[row[0]]
        hint = KINDS[setting.kind].hint
        if setting.choices:
            col = lists_col + i - 1
            write_cell(ws, 0, col, setting.name)
            for k, choice in enumerate(setting.choices, start=1):
                write_cell(ws, k, col, choice)
            ws.set_column(col, col, 16, None, {"hidden": True})
            ref = f"=${_letter(col)}$2:${_letter(col)}${len(setting.choices) + 1}"
            _validate(ws, i, 1, i, 1, validate="list", source=ref, input_title=setting.name, input_message=hint)
        elif setting.kind in ("lags", "count"):
            _validate(ws, i, 1, i, 1, validate="integer", criteria=">=", value=0, ignore_blank=True,
                      input_title=setting.name, input_message=hint)
        elif setting.kind == "number":
            _validate(ws, i, 1, i, 1, validate="decimal", criteria="between", minimum=-1e300, maximum=1e300,
                      input_title=setting.name, input_message=hint)
    ws.freeze_panes(1, 0)


def _letter(col: int) -> str:
    from xlsxwriter.utility import xl_col_to_name

    return xl_col_to_name(col)


def _indicators_sheet(wb, rows: list[list], f: dict, extra: int) -> None:
    ws = new_sheet(wb, schema.INDICATORS.sheet)
    _table(ws, schema.INDICATORS, rows, 0, f, [f["input_center"], f["input"], f["input"], f["input"],
                                               f["input"], f["input_center"]])
    _table(ws, schema.DIMENSIONS, rows, 8, f, [f["input"], f["input"]])
    _table_widths(ws, [(0, 7), (1, 58), (2, 34), (3, 16), (4, 30), (5, 10), (6, 3), (7, 3), (8, 34), (9, 10)])
    _validate(ws, 1, 5, extra, 5, validate="list", source=["+", "\u2212"], error_type="warning",
              input_title="Direction", input_message="+ benefit (larger is better), − cost (smaller is better). "
              "Also accepted: -, 1/-1, benefit/cost, 正向/负向.",
              error_message="Use + or −; also accepted: -, 1/-1, benefit/cost, 正向/负向.")
    ws.freeze_panes(1, 0)


def _model_sheet(wb, rows: list[list], f: dict, extra: int) -> None:
    ws = new_sheet(wb, schema.MODEL.sheet)
    _table(ws, schema.MODEL, rows, 0, f, [f["input"], f["input_center"], f["input_center"], f["input"], f["input"]])
    _table_widths(ws, [(0, 12), (1, 12), (2, 11), (3, 13), (4, 50)])
    _validate(ws, 1, 1, extra, 1, validate="list", source=["dependent", "control"],
              input_title="Role", input_message="dependent (exactly one) or control")
    _validate(ws, 1, 2, extra, 2, validate="list", source=["ln", "none"],
              input_title="Transform", input_message="ln: natural logarithm; none: as typed")
    ws.freeze_panes(1, 0)


def _write_panel_template(path, sample: bool) -> Path:
    """The panel template: Data and Variables keyed by Region and Year, the Regions sheet, panel Settings."""
    from .template import panel_template_grids

    grids = panel_template_grids(sample)
    path = Path(path)
    with atomic_path(path) as tmp:
        title = ("dnqp panel sample workbook (ILLUSTRATIVE data)" if sample else "dnqp panel workbook template")
        wb = new_workbook(tmp, title)
        f = _template_formats(wb)
        _guide_sheet(wb, grids[schema.GUIDE_SHEET], f)
        _indicators_sheet(wb, grids[schema.INDICATORS.sheet], f, 200)
        for spec, what in ((schema.PANEL_DATA, "indicator"), (schema.PANEL_VARIABLES, "variable")):
            ws = new_sheet(wb, spec.sheet)
            rows = grids[spec.sheet]
            n, extra = len(rows[0]), len(rows) + 2000
            _table(ws, spec, rows, 0, f, [f["input"], f["year"]] + [f["number"]] * (n - 2))
            _table_widths(ws, [(0, 16), (1, 8)] + [(j, 12) for j in range(2, n)])
            _validate(ws, 1, 0, extra, 0, validate="length", criteria=">", value=0, error_type="warning",
                      input_title="Region", input_message="A region's name (text), as in the Regions sheet.")
            _validate(ws, 1, 1, extra, 1, validate="integer", criteria="between", minimum=1800, maximum=2200,
                      input_title="Year", input_message="One row per region-year, e.g. 2014.")
            _validate(ws, 1, 2, extra, n - 1, validate="decimal", criteria="between", minimum=-1e300, maximum=1e300,
                      error_type="warning", input_title=f"{what.capitalize()} value",
                      input_message="A number as published. Missing: leave blank, or type NA or #N/A.",
                      error_message="Not a number. A missing value is left blank or typed NA or #N/A.")
            ws.freeze_panes(1, 2)
        ws = new_sheet(wb, schema.REGIONS.sheet)
        _table(ws, schema.REGIONS, grids[schema.REGIONS.sheet], 0, f, [f["input"], f["input"], f["input"], f["fixed"]])
        _table_widths(ws, [(0, 16), (1, 12), (2, 10), (3, 100)])
        ws.freeze_panes(1, 0)
        _model_sheet(wb, grids[schema.MODEL.sheet], f, 200)
        _settings_sheet(wb, grids[schema.SETTINGS.sheet], f)
        for name, web in ANALYSIS_SHEETS.items():
            _analysis_sheet(wb, name, analysis_formulas(grids, web, panel=True), web, f, panel=True)
        wb.close()
    return path
