"""Reading a filled template: sheet grids in, the engine's inputs out (pure).

:func:`parse_grids` takes every input sheet as a 2-D list of cell values whose first row and column are
A1 (what openpyxl's ``values_only`` rows or xlwings' ``sheet.used_range.value`` give), locates each
table at its :mod:`dnqp.workbook.schema` anchor, coerces the cells and checks them. Every problem names its
cell (``Data!C7 (indicator A2, 2014): '12%' is not a number …``) and all of them are collected before
:class:`InputError` is raised, so an analyst can fix the workbook in one pass.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Mapping, Sequence
from contextlib import contextmanager
import dataclasses
import re
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

import numpy as np
import pandas as pd
from xlsxwriter.utility import xl_cell_to_rowcol, xl_col_to_name  # light: openpyxl's import costs 0.2 s

from . import schema
from ..errors import DataError, SettingsError
from ..engine.cells import cell_text as _text, is_blank, is_blank as _blank, number_text, shown as _shown
from ..engine.prepare import coerce_cell, row_label
from ..engine.settings import REGISTRY, Settings, from_cells
from ..engine.checks import (default_label, indicator_issues, label_issue, model_issues, norm_key,
                             year_issues)
from ..engine.study import StudyResult, run_study

__all__ = ["Problem", "CellReport", "InputError", "StudyInputs", "UncomputedFormula", "parse_grids",
           "settings_from_table"]


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the workbook, at one cell (or range): ``Sheet!Cell: message``."""

    cell: str
    message: str

    def __str__(self) -> str:
        return f"{self.cell} {self.message}" if self.message.startswith("(") else f"{self.cell}: {self.message}"


@dataclass(frozen=True)
class CellReport:
    """A cell the reader changed: text read as a number (``coerced``) or a missing marker (``missing``)."""

    cell: str
    table: str
    row: object
    column: str
    typed: object
    value: float
    action: str

    def __str__(self) -> str:
        if self.action == "coerced":
            return (f"{self.cell} ({self.column}, {row_label(self.row)}): text {self.typed!r} read as "
                    f"{number_text(self.value)}")
        return f"{self.cell} ({self.column}, {row_label(self.row)}): {self.typed!r} read as missing"


@dataclass(frozen=True)
class UncomputedFormula:
    """A formula cell whose value was never saved (the workbook was written by a program, not Excel)."""

    formula: str


class InputError(DataError):
    """The workbook has problems; ``problems`` lists every one, each naming its cell."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        more = f" (and {len(self.problems) - 1} more problem(s))" if len(self.problems) > 1 else ""
        super().__init__(f"{self.problems[0]}{more}")


@dataclass(frozen=True)
class StudyInputs:
    """What :func:`dnqp.run_study` needs, read from a workbook, plus where every value came from."""

    indicators: pd.DataFrame
    data: pd.DataFrame
    variables: pd.DataFrame
    model: pd.DataFrame
    settings: Settings
    dimension_labels: dict[str, str]
    reports: tuple[CellReport, ...] = ()
    cells: Mapping[tuple[str, int, str], str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()  # what the reader skipped or ignored (blank rows, notes below a table, …)
    setting_cells: Mapping[str, str] = field(default_factory=dict)  # setting → its Value cell

    def address(self, table: str, year, column: str) -> str:
        """The cell (``Data!C5``) that holds ``column`` in ``year`` of ``table`` ("Data" or "Variables")."""
        return self.cells.get((table, int(year), str(column)), "")

    def run(self) -> StudyResult:
        """Run the study on these inputs; the reader's notes come first among the result's warnings."""
        return run_naming_cells(self, lambda: run_study(self.indicators, self.data, self.variables, self.model,
                                                         self.settings, dimension_labels=self.dimension_labels))


def run_naming_cells(inputs, run):
    """``run()`` for parsed inputs: a setting that fails on these data is named at its Settings cell, and the
    reader's notes come first among the result's warnings (time series and panels alike)."""
    try:
        result = run()
    except SettingsError as err:
        name = re.match(r"setting (\w+)", str(err))
        cell = inputs.setting_cells.get(name.group(1)) if name else None
        if cell:
            raise SettingsError(f"{cell}: {err}") from None
        raise
    return dataclasses.replace(result, warnings=(*inputs.notes, *result.warnings))


def _anchor(spec: schema.TableSpec) -> tuple[int, int]:
    return xl_cell_to_rowcol(spec.anchor)


def _cell(sheet: str, r: int, c: int) -> str:
    return f"{sheet}!{xl_col_to_name(c)}{r + 1}"


@dataclass
class _Table:
    spec: schema.TableSpec
    r0: int
    c0: int
    header: list[str]
    rows: list[list]
    rownums: list[int] = field(default_factory=list)  # the sheet row (0-based) of every body row
    derived: dict = field(default_factory=dict, repr=False, compare=False)  # worked out once from the rows

    def array(self) -> np.ndarray | None:
        """The body as a 2-D object array (rows × header columns), built once; None when the cells do not
        make one (a cell holding a list, say), or with no rows. The rows are read as they are: don't
        modify them after this."""
        if "array" not in self.derived:
            arr = None
            if self.rows:
                try:
                    arr = np.array(self.rows, dtype=object)
                except (ValueError, TypeError):
                    arr = None
                if arr is not None and arr.shape != (len(self.rows), len(self.header)):
                    arr = None
            self.derived["array"] = arr
        return self.derived["array"]

    def kinds(self) -> list[str] | None:
        """Each column's ``pandas.api.types.infer_dtype`` (blanks skipped), worked out once; None without
        :meth:`array`."""
        if "kinds" not in self.derived:
            arr = self.array()
            self.derived["kinds"] = None if arr is None else [
                pd.api.types.infer_dtype(arr[:, j], skipna=True) for j in range(arr.shape[1])]
        return self.derived["kinds"]

    def addr(self, i: int, j: int) -> str:
        """Address of body row i, column j (0-based); i = -1 is the header."""
        if 0 <= i < len(self.rownums):
            return _cell(self.spec.sheet, self.rownums[i], self.c0 + j)
        return _cell(self.spec.sheet, self.r0 + 1 + i, self.c0 + j)

    def column_range(self, j: int) -> str:
        """The body of column j as a range, e.g. ``Data!C2:C16``."""
        last = self.addr(max(len(self.rows) - 1, 0), j).split("!")[1]
        return f"{self.addr(0, j)}:{last}"

    def col(self, name: str) -> int | None:
        low = [norm_key(h) for h in self.header]
        return low.index(norm_key(name)) if norm_key(name) in low else None


def _grid(grids: Mapping[str, object], sheet: str):
    g = grids.get(sheet)
    if g is None:
        return None
    if not isinstance(g, list | tuple):
        return [[g]]
    # The rows themselves, not copies: nothing here modifies them (a table's body row is copied before a change).
    return [r if r.__class__ is list else list(r) if isinstance(r, list | tuple) else [r] for r in g]


#: False: every table is read by the careful, cell-by-cell path alone (for tests comparing the two paths).
_FAST = True
#: Column kinds (``infer_dtype``, blanks skipped) of cells that are all text, numbers or blanks.
_PLAIN_KINDS = frozenset({"string", "floating", "integer", "mixed-integer-float", "empty"})


def _none_blank(values: list) -> bool:
    """True when no value is blank by :func:`is_blank` (one pass, without a call per cell for the common
    all-text or all-number columns)."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return all(map(str.strip, values))
    if kinds == {float}:
        return not any(map(math.isnan, values))
    if kinds == {int}:
        return True
    return not any(map(is_blank, values))


def _filled_body(grid: Sequence[Sequence], r0: int, c0: int, width: int) -> bool:
    """True when every row below the header at ``r0`` holds values in the table's first two columns: then
    each of them is a body row (none blank, none a note), and :func:`scan_table` need not look at them one by
    one."""
    if not _FAST or width < 2 or len(grid) <= r0 + 1:
        return False
    body = grid[r0 + 1:]
    try:
        return _none_blank(list(map(itemgetter(c0), body))) and _none_blank(list(map(itemgetter(c0 + 1), body)))
    except (IndexError, TypeError, KeyError):  # a short row: looked at one by one
        return False


def scan_table(grid: Sequence[Sequence], r0: int, c0: int, ref: tuple[int, int, int, int] | None = None):
    """The one table scanner: a table's header, body rows and where they are, from its header's top-left cell.

    The header runs over the Excel Table's own columns when ``ref`` (its range, 0-based ``(r0, c0, r1,
    c1)``) is given, and on to the first blank header cell after them. The body runs down to the last row that continues the
    table: every row of the Excel Table's range, then each row with values in two or more of its columns (or
    in its only column). Fully blank rows inside are skipped; outside the range, or after a blank row when
    there is no range, a row with a single value is a note below the table, and it and what follows are
    ignored. Returns ``(header, rows, rownums, skipped, ignored, beyond)``: the header cells as
    typed, the body rows, their sheet rows (0-based), the skipped blank rows, the first ignored row (or
    None) and the first row read below ``ref``'s range (or None). A body row may be the grid's own row
    list: read it, don't modify it.
    """
    at = lambda r, c: grid[r][c] if r < len(grid) and c < len(grid[r]) else None  # noqa: E731
    width = ref[3] - c0 + 1 if ref is not None else 0
    while not is_blank(at(r0, c0 + width)):  # a column typed beside an Excel Table belongs to it too
        width += 1
    header = [at(r0, c0 + j) for j in range(width)]
    if _filled_body(grid, r0, c0, width):
        body = grid[r0 + 1:]
        if c0 == 0 and set(map(type, body)) == {list} and set(map(len, body)) == {width}:
            rows = list(body)  # the grid's own rows: the callers only read them
        else:
            rows = [list(r[c0:c0 + width]) for r in body]
            rows = [r if len(r) == width else r + [None] * (width - len(r)) for r in rows]
        first_beyond = max(r0 + 1, ref[2] + 1) if ref is not None else len(grid)
        return header, rows, list(range(r0 + 1, len(grid))), [], None, (
            first_beyond if first_beyond < len(grid) else None)
    rows, rownums, skipped, ignored, beyond = [], [], [], None, None
    pending: list[int] = []
    for r in range(r0 + 1, len(grid)):
        row = list(grid[r][c0:c0 + width])
        row += [None] * (width - len(row))
        filled = 0  # counted up to two: all the checks below need
        for v in row:
            if not is_blank(v):
                filled += 1
                if filled == 2:
                    break
        if not filled:
            pending.append(r)
            continue
        if filled < min(2, width) and (r > ref[2] if ref is not None else bool(pending)):
            ignored = r  # a note below the table
            break
        skipped += pending
        pending = []
        rows.append(row)
        rownums.append(r)
        if ref is not None and r > ref[2] and beyond is None:
            beyond = r
    if ref is not None and ignored is None:  # blank rows at the end of the Excel Table's range: skipped too
        skipped += [r for r in pending if r <= ref[2]]
    return header, rows, rownums, skipped, ignored, beyond


def _read_table(grids, spec: schema.TableSpec, problems: list[Problem], notes: list[str] | None = None,
                optional: bool = False) -> _Table | None:
    grid = _grid(grids, spec.sheet)
    if grid is None:
        near = [k for k in grids if isinstance(k, str) and norm_key(k) == norm_key(spec.sheet)]
        hint = f": found a sheet named {near[0]!r} — did you mean it? Rename it to {spec.sheet}" if near else ""
        problems.append(Problem(f"{spec.sheet}!{spec.anchor}", f"the sheet {spec.sheet} is missing{hint}"))
        return None
    r0, c0 = _anchor(spec)
    ref = getattr(grids, "tables", {}).get(norm_key(spec.name))
    if ref is not None and (ref[0], ref[1]) != (r0, c0):
        ref = None  # an Excel Table of that name elsewhere: not the template's
    typed, rows, rownums, skipped, ignored, beyond = scan_table(grid, r0, c0, ref)
    if not typed or all(is_blank(h) for h in typed):
        if not optional:
            problems.append(Problem(f"{spec.sheet}!{spec.anchor}", f"the {spec.name} table's header row is missing "
                                    f"(expected {', '.join(spec.columns)})"))
        return None
    header = [_text(h) for h in typed]
    table = _Table(spec, r0, c0, header, rows, rownums)
    if ref is None and rows:  # a blank header cell right of the header, over a column that holds values
        j = len(header)
        longest = max(map(len, map(grid.__getitem__, rownums)), default=0)
        below = [] if longest <= c0 + j else [
            r for r in rownums if r < len(grid) and c0 + j < len(grid[r]) and not is_blank(grid[r][c0 + j])]
        if below:
            problems.append(Problem(_cell(spec.sheet, r0, c0 + j), f"the header cell is blank but the column below "
                                    f"holds values (e.g. {_cell(spec.sheet, below[0], c0 + j)}): name the column "
                                    f"or delete it"))
    for j, h in enumerate(header):
        if not h:
            problems.append(Problem(table.addr(-1, j), f"the header cell of column {j + 1} of the {spec.name} table "
                                    "is blank: name the column or delete it"))
    for name in spec.required:
        if table.col(name) is None:
            problems.append(Problem(_cell(spec.sheet, r0, c0 + len(header)),
                                    f"the {spec.name} table has no column {name!r}"))
    seen: dict[str, int] = {}
    for j, h in enumerate(header):
        if h and norm_key(h) in seen:
            problems.append(Problem(table.addr(-1, j), f"column {h!r} appears twice in the {spec.name} table "
                                    f"(also {table.addr(-1, seen[norm_key(h)])})"))
        seen.setdefault(norm_key(h), j)
    if notes is not None:
        if skipped:
            cells = ", ".join(str(r + 1) for r in skipped)
            notes.append(f"{spec.sheet}: blank row(s) {cells} inside the {spec.name} table were skipped")
        if ignored is not None:
            notes.append(f"{_cell(spec.sheet, ignored, c0)}: the rows from here down are below the {spec.name} "
                         "table and were ignored")
        if beyond is not None:
            notes.append(f"{_cell(spec.sheet, beyond, c0)}: the rows from here down continue the {spec.name} table "
                         "below its Excel Table range and were read as part of it")
    kinds = table.kinds() if _FAST else None
    if kinds is not None and all(k in _PLAIN_KINDS for k in kinds):
        kinds = set()  # every column is text, numbers or blanks: no formula anywhere
    else:
        kinds = set(map(type, chain.from_iterable(rows))) if _FAST else {UncomputedFormula}
    if any(issubclass(k, UncomputedFormula) for k in kinds):
        table.derived.clear()  # the rows change below
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, UncomputedFormula):
                    problems.append(Problem(table.addr(i, j), f"the formula {v.formula} has no saved value: open "
                                            "the workbook in Excel, recalculate and save it (or type the value)"))
                    if row is grid[rownums[i]]:
                        rows[i] = row = list(row)  # the grid's own row: changed in a copy
                    row[j] = None
    return table


def _text_columns(table: _Table, names: Sequence[str]) -> pd.DataFrame:
    cols = {}
    for name in names:
        j = table.col(name)
        if j is None:
            cols[name] = [""] * len(table.rows)
            continue
        values = list(map(itemgetter(j), table.rows))
        # Text cells: trimmed, as cell_text has them (a blank one is ""), in one step.
        cols[name] = list(map(str.strip, values)) if _FAST and set(map(type, values)) == {str} else list(
            map(_text, values))
    return pd.DataFrame(cols, columns=list(names))


def _read_indicators(table: _Table, problems: list[Problem], settings: Settings | None = None) -> pd.DataFrame:
    df = _text_columns(table, schema.INDICATORS.columns)
    jdir = table.col("Direction")

    def at(row: int, column: str) -> str:
        return table.addr(row, table.col(column))

    rows = zip(df["Code"], df["Dimension"], (row[jdir] for row in table.rows))
    for issue in indicator_issues(rows, settings.standardize if settings is not None else "minmax"):
        problems.append(Problem(at(issue.row, issue.column), issue.text(lambda r, c=issue.column: at(r, c))))
    return df


def _read_dimensions(table: _Table | None, dims: Sequence[str], problems: list[Problem]) -> dict[str, str]:
    if table is None:
        return {}
    df = _text_columns(table, schema.DIMENSIONS.columns)
    jdim, jlab = table.col("Dimension"), table.col("Label")
    labels: dict[str, str] = {}
    used: dict[str, int] = {}
    listed: dict[str, int] = {}
    canonical = {norm_key(d): d for d in dims}
    for i, row in df.iterrows():
        dim, lab = row["Dimension"], row["Label"]
        if not dim:
            problems.append(Problem(table.addr(i, jdim), "the dimension is blank"))
            continue
        if norm_key(dim) in listed:
            problems.append(Problem(table.addr(i, jdim), f"dimension {dim!r} is listed twice "
                                    f"(also {table.addr(listed[norm_key(dim)], jdim)})"))
            continue
        listed[norm_key(dim)] = i
        bad = label_issue(lab) if lab else None
        if bad:
            problems.append(Problem(table.addr(i, jlab), f"(dimension {dim}): {bad}"))
        dim = canonical.get(norm_key(dim), dim)  # matched to the Indicators' spelling by the one rule
        if dim not in dims:
            problems.append(Problem(table.addr(i, jdim), f"dimension {dim!r} is not the dimension of any "
                                    "indicator in the Indicators table"))
        if lab:
            if norm_key(lab) in used:
                problems.append(Problem(table.addr(i, jlab), f"label {lab} is used twice "
                                        f"(also {table.addr(used[norm_key(lab)], jlab)})"))
            used.setdefault(norm_key(lab), i)
            labels[dim] = lab
    return labels


def _read_years(table: _Table, problems: list[Problem]) -> list[int | None]:
    """The year of every body row (None where it is bad, with a problem reported)."""
    sheet = table.spec.sheet
    if table.header[0].lower() != "year":
        problems.append(Problem(table.addr(-1, 0), f"the first column of the {sheet} table must be Year, "
                                f"found {table.header[0]!r}"))
        return [None] * len(table.rows)
    years, issues = year_issues(row[0] for row in table.rows)
    for issue in issues:
        problems.append(Problem(table.addr(issue.row, 0), issue.text(lambda r: table.addr(r, 0))))
    if not table.rows:
        problems.append(Problem(table.addr(0, 0), f"the {sheet} table has no rows (one row per year)"))
    return years


def _read_numbers(table: _Table, years: list, what: str, problems: list[Problem],
                  reports: list[CellReport], cells: dict, used: Sequence[str], notes: list[str]) -> pd.DataFrame:
    """Year-indexed floats of the ``used`` columns (matched by :func:`norm_key`, named as in ``used``); bad
    cells are problems, text numbers reports. The other columns are ignored, with a note."""
    sheet = table.spec.sheet
    wanted = {norm_key(u): u for u in used}
    found = [(j, wanted[norm_key(h)]) for j, h in enumerate(table.header) if j and h and norm_key(h) in wanted]
    unused = [j for j, h in enumerate(table.header) if j and h and norm_key(h) not in wanted]
    if unused:
        notes.append(f"{sheet}: column(s) {', '.join(f'{table.header[j]} ({table.addr(-1, j)})' for j in unused)} "
                     f"are not used by the study ({'not indicators' if what == 'indicator' else 'not in Model'}) "
                     "and were ignored")
    columns = [c for _, c in found]
    values = {c: [] for c in columns}
    index = []
    for i, row in enumerate(table.rows):
        year = years[i]
        for j, col in found:
            v = row[j]
            x, action, reason = coerce_cell(v)
            label = f"({what} {col}, {row_label(year) if year is not None else 'no year'})"
            if action == "rejected":
                problems.append(Problem(table.addr(i, j), f"{label}: {_shown(v)} is not a number — {reason}"))
            elif action == "coerced" or (action == "missing" and not _blank(v)):
                reports.append(CellReport(table.addr(i, j), sheet, year, col, v, x, action))
            if year is not None:
                values[col].append(x)
                cells[(sheet, year, col)] = table.addr(i, j)
        if year is not None:
            index.append(year)
    return pd.DataFrame(values, index=pd.Index(index, name="Year"), columns=columns, dtype=float)


def _read_model(table: _Table, problems: list[Problem]) -> pd.DataFrame:
    df = _text_columns(table, schema.MODEL.columns)
    df["Role"] = df["Role"].str.lower()
    df["Transform"] = [t.lower() or "none" for t in df["Transform"]]

    def at(row: int, column: str) -> str:
        j = table.col(column)
        return table.addr(row, j if j is not None else table.col("Variable"))

    for issue in model_issues(df[["Variable", "Role", "Transform", "Label"]].itertuples(index=False)):
        problems.append(Problem(at(issue.row, issue.column), issue.text(lambda r, c=issue.column: at(r, c))))
    return df


def settings_from_table(pairs: Mapping[str, object]) -> Settings:
    """:class:`dnqp.Settings` from the Settings table's name → value pairs (registry names; blank = default)."""
    return from_cells(pairs)


def _read_settings(table: _Table | None, problems: list[Problem], where: dict[str, str]) -> Settings:
    """The settings; ``where`` gets each setting's Value cell."""
    if table is None:
        return Settings()
    js, jv = table.col("Setting"), table.col("Value")
    if js is None or jv is None:
        return Settings()
    pairs: dict[str, object] = {}
    named: dict[str, str] = {}
    for i, row in enumerate(table.rows):
        name = _text(row[js])
        if not name:
            continue
        key = next((k for k in REGISTRY if norm_key(k) == norm_key(name)), None)
        if key is None:
            problems.append(Problem(table.addr(i, js), f"unknown setting {name!r} (known: "
                                    f"{', '.join(REGISTRY)})"))
            continue
        if key in named:
            problems.append(Problem(table.addr(i, js), f"the setting {key} is typed twice (also {named[key]}): "
                                    "keep one"))
            continue
        named[key] = table.addr(i, js)
        pairs[key] = row[jv]
        where[key] = table.addr(i, jv)
    # Check each setting on its own so that every bad one is reported at its cell.
    for key, value in pairs.items():
        try:
            settings_from_table({key: value})
        except SettingsError as err:
            problems.append(Problem(where[key], str(err)))
    try:
        return settings_from_table(pairs)
    except SettingsError as err:
        if not any(p.cell in where.values() for p in problems):
            problems.append(Problem(f"{table.spec.sheet}!{table.spec.anchor}", str(err)))
        return Settings()


def _check_cross(ind: pd.DataFrame, ind_table: _Table, data: pd.DataFrame, data_table: _Table,
                 data_years: list, variables: pd.DataFrame, var_table: _Table, var_years: list,
                 model: pd.DataFrame, model_table: _Table, settings: Settings, cells: dict,
                 problems: list[Problem]) -> None:
    """Checks across tables, each reported at the cell to fix."""
    jcode = ind_table.col("Code")
    for i, code in enumerate(ind["Code"]):
        if code and code not in data.columns:
            problems.append(Problem(ind_table.addr(i, jcode), f"(indicator {code}): the Data table has no column "
                                    f"{code} (its header row is {data_table.addr(-1, 0)}…)"))
    codes = [c for c in ind["Code"] if c and c in data.columns]
    for code in codes:
        col = data[code].dropna()
        rng = data_table.column_range(data_table.col(code))
        if col.empty and len(data):
            problems.append(Problem(rng, f"(indicator {code}): the column has no values at all"))
        elif len(col) > 1 and col.nunique() == 1 and settings.constant == "error":
            problems.append(Problem(rng, f"(indicator {code}): the value is {col.iloc[0]:g} in every year, so its "
                                    "entropy weight is undefined; fix the data or set constant = drop in Settings"))
    jvar = model_table.col("Variable")
    for i, (var, how) in enumerate(zip(model["Variable"], model["Transform"])):
        if not var:
            continue
        if var in variables.columns and variables[var].isna().all() and len(variables):
            j = var_table.col(var)
            problems.append(Problem(var_table.column_range(j), f"(variable {var}): the column has no values at all"))
        elif var not in variables.columns:
            problems.append(Problem(model_table.addr(i, jvar), f"(variable {var}): the Variables table has no "
                                    f"column {var} (its header row is {var_table.addr(-1, 0)}…)"))
        elif how == "ln":
            for year, x in variables[var].items():
                if not math.isnan(x) and x <= 0:
                    problems.append(Problem(cells[("Variables", year, var)], f"(variable {var}, {year}): {x:g} is "
                                            "not positive, so ln is undefined (set its Transform to none?)"))
    if not data_years or not var_years:
        return
    in_vars = {y for y in var_years if y is not None}
    in_data = {y for y in data_years if y is not None}
    for table, years, other, name in ((data_table, data_years, in_vars, "Variables"),
                                      (var_table, var_years, in_data, "Data")):
        if any(y is None for y in data_years + var_years):
            return
        for i, y in enumerate(years):
            if y not in other:
                problems.append(Problem(table.addr(i, 0), f"the year {y} is in {table.spec.sheet} but not in {name}"))


def _check_settings(settings: Settings, where: dict[str, str], years: int, problems: list[Problem]) -> None:
    """Settings that are wrong together, or for these data, at their cells."""
    a, b = settings.interval
    if settings.standardize == "interval" and not a < b:
        problems.append(Problem(where.get("interval_b", where.get("interval_a", "Settings!A1")),
                                f"the interval ({a:g}, {b:g}) is reversed or empty: interval_a must be below "
                                f"interval_b (also {where.get('interval_a', 'Settings')})"))
    if settings.cov == "HAC" and settings.maxlags is not None and years and settings.maxlags >= years:
        problems.append(Problem(where.get("maxlags", "Settings!A1"), f"setting maxlags = {settings.maxlags}: "
                                f"{years} years allow at most {years - 1} HAC lags"))
    bad = label_issue(settings.index_label)
    if bad:
        problems.append(Problem(where.get("index_label", "Settings!A1"), f"(index label): {bad}"))


def _check_labels(model: pd.DataFrame, model_table: _Table, labels: dict[str, str], dims: Sequence[str],
                  settings: Settings, problems: list[Problem]) -> None:
    """A variable's label may not be the index's or a sub-index's name."""
    taken = {norm_key(settings.index_label): "the index (Settings: index_label)"}
    for d in dims:
        taken.setdefault(norm_key(labels.get(d, d)), f"the sub-index of {d}")
    jlab, jvar = model_table.col("Label"), model_table.col("Variable")
    for i, (var, how, lab) in enumerate(zip(model["Variable"], model["Transform"], model["Label"])):
        label = lab or default_label(var, how)
        if var and norm_key(label) in taken:
            j = jlab if lab and jlab is not None else jvar
            problems.append(Problem(model_table.addr(i, j), f"(variable {var}): the label {label} is also the name "
                                    f"of {taken[norm_key(label)]}: choose another"))


def _check_values(data: pd.DataFrame, variables: pd.DataFrame, model: pd.DataFrame, var_table: _Table,
                  settings: Settings, cells: dict, problems: list[Problem]) -> None:
    """Gaps when imputation is off (every one, at its cell), and variables constant once imputed."""
    if settings.impute == "none":
        for sheet, frame in (("Data", data), ("Variables", variables)):
            for col in frame.columns:
                for year in frame.index[frame[col].isna()]:
                    problems.append(Problem(cells.get((sheet, year, col), sheet), f"({col}, {year}): the value is "
                                            "missing and impute = none: type it, or choose mean or linear in Settings"))
    for var in model["Variable"]:
        if var in variables.columns:
            col = variables[var].dropna()
            if len(col) and col.nunique() == 1 and len(variables) > 1:
                gaps = int(variables[var].isna().sum())
                once = f" (and {gaps} missing value(s) imputed as the same)" if gaps else ""
                problems.append(Problem(var_table.column_range(var_table.col(var)), f"(variable {var}): the value is "
                                        f"{number_text(col.iloc[0])} in every year{once}, so it is constant: its "
                                        "coefficient is undefined"))


@contextmanager
def collector_paused():
    """The cyclic garbage collector paused while a workbook is read or written: a big panel's tables are tens
    of thousands of keys and row lists but no reference cycles, and each full collection would walk every
    cell of them for nothing (a third of the reading time on a 56,000-row panel). Reference counting frees
    memory as usual; the collector runs again afterwards (unless it was off already)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def parse_grids(grids: Mapping[str, Sequence[Sequence]]) -> StudyInputs:
    """Read a filled template from its sheets' cell values and check it.

    ``grids`` maps a sheet name to a 2-D list of its cell values, first row and column = A1 (with a
    ``tables`` attribute, as :class:`dnqp.workbook.reader.Grids` has, the Excel Tables' own ranges are used).
    Missing values may be blank, ``NA`` or ``#N/A``; numbers typed as text are read as numbers and reported
    in :attr:`StudyInputs.reports`; blank rows inside a table are skipped and columns the study does not use
    ignored, both noted in :attr:`StudyInputs.notes`. Raises :class:`InputError` listing every problem, each
    naming its cell.
    """
    with collector_paused():
        return _parse_grids(grids)


def _parse_grids(grids: Mapping[str, Sequence[Sequence]]) -> StudyInputs:
    problems: list[Problem] = []
    reports: list[CellReport] = []
    notes: list[str] = []
    cells: dict = {}
    ind_t = _read_table(grids, schema.INDICATORS, problems, notes)
    dim_t = _read_table(grids, schema.DIMENSIONS, problems, notes, optional=True) if ind_t is not None else None
    data_t = _read_table(grids, schema.DATA, problems, notes)
    var_t = _read_table(grids, schema.VARIABLES, problems, notes)
    model_t = _read_table(grids, schema.MODEL, problems, notes)
    set_t = _read_table(grids, schema.SETTINGS, problems, notes)
    if problems:  # a missing sheet or header, a duplicate or blank header, a formula without a saved value:
        raise InputError(problems)  # what follows would only repeat it in other words
    from .panel_grid import is_panel_table, parse_panel  # a Region column: a panel (regions × years)

    if is_panel_table(data_t) or is_panel_table(var_t):
        return parse_panel(grids, (ind_t, dim_t, data_t, var_t, model_t, set_t), notes)

    where: dict[str, str] = {}
    settings = _read_settings(set_t, problems, where)
    ind = _read_indicators(ind_t, problems, settings)
    dims = list(dict.fromkeys(d for d in ind["Dimension"] if d))
    labels = _read_dimensions(dim_t, dims, problems)
    if settings.index_label in labels.values():
        dim = next(d for d, lab in labels.items() if lab == settings.index_label)
        problems.append(Problem(dim_t.addr(list(_text_columns(dim_t, ["Dimension"])["Dimension"]).index(dim),
                                           dim_t.col("Label")),
                                f"the label {settings.index_label} is also the name of the index (Settings)"))
    jdim = ind_t.col("Dimension")
    for d in dims:  # a dimension without a label names its sub-index itself
        if d not in labels and label_issue(d):
            i = list(ind["Dimension"]).index(d)
            problems.append(Problem(ind_t.addr(i, jdim), f"(dimension {d}): {label_issue(d)} (or give it a label "
                                    "in the Dimensions table)"))
    model_problems: list[Problem] = []
    model = _read_model(model_t, model_problems)  # reported after the numbers, in the order of the sheets
    codes = [c for c in ind["Code"] if c]
    data_years = _read_years(data_t, problems)
    data = _read_numbers(data_t, data_years, "indicator", problems, reports, cells, codes, notes)
    var_years = _read_years(var_t, problems)
    variables = _read_numbers(var_t, var_years, "variable", problems, reports, cells,
                              [v for v in model["Variable"] if v], notes)
    problems += model_problems
    _check_settings(settings, where, len({y for y in data_years if y is not None}), problems)
    _check_labels(model, model_t, labels, dims, settings, problems)
    _check_cross(ind, ind_t, data, data_t, data_years, variables, var_t, var_years, model, model_t, settings,
                 cells, problems)
    _check_values(data, variables, model, var_t, settings, cells, problems)
    if problems:
        raise InputError(problems)
    ind["Direction"] = [row[ind_t.col("Direction")] for row in ind_t.rows]  # as typed: +, −, 1, cost, 正向…
    indicators = ind[ind["Code"] != ""].reset_index(drop=True)
    return StudyInputs(
        indicators=indicators,
        data=data,
        variables=variables,
        model=model[model["Variable"] != ""].reset_index(drop=True),
        settings=settings,
        dimension_labels=labels,
        reports=tuple(reports),
        cells=cells,
        notes=tuple(notes),
        setting_cells=where,
    )
