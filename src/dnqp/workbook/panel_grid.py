"""Reading a filled panel template (regions × years): sheet grids in, the panel study's inputs out (pure).

A workbook is a panel when its Data or Variables table has a ``Region`` column (:func:`is_panel_table`);
:func:`dnqp.workbook.grid.parse_grids` then hands it to :func:`parse_panel`. Data and Variables hold one
row per region-year, keyed by Region then Year; the optional Regions sheet gives each region its Group.
Every problem names its cell, and all are collected before :class:`~dnqp.workbook.grid.InputError` is
raised: a region-year given twice, a region in one of Data and Variables only, a number or a blank in
Region, a Region or Year column in one sheet but not the other, a region without a Group (when group
heterogeneity is asked for), a group with fewer than two regions. A region with a single year and fewer
than 10 clusters are warnings in the Log. Unbalanced panels are read as they are; the absent
region-years are listed in the Log, never invented.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter

import numpy as np
import pandas as pd

from . import schema
from ..engine.cells import cell_text as _text, is_blank as _blank, shown as _shown
from ..engine.checks import YEARS, norm_key, year_issues
from ..engine.panel import REGION, YEAR
from ..engine.panel_regression import MIN_CLUSTERS
from ..engine.panel_study import PanelStudyResult, run_panel_study
from ..engine.prepare import _NUMBER_KINDS, _number_floats, _plain_numbers, coerce_cell
from ..engine.settings import Settings
from . import grid
from .grid import (CellReport, InputError, Problem, _check_labels, _read_dimensions, _read_indicators, _read_model,
                   _read_settings, _read_table, _Table, _text_columns, run_naming_cells)

__all__ = ["PanelStudyInputs", "parse_panel", "is_panel_table"]


@dataclass(frozen=True)
class PanelStudyInputs:
    """What :func:`dnqp.engine.panel_study.run_panel_study` needs, read from a panel workbook, plus where every
    value came from (``cells``: (table, (region, year), column) → ``Data!C5``)."""

    indicators: pd.DataFrame
    data: pd.DataFrame
    variables: pd.DataFrame
    model: pd.DataFrame
    regions: pd.DataFrame | None
    settings: Settings
    dimension_labels: dict[str, str]
    reports: tuple[CellReport, ...] = ()
    cells: Mapping[tuple, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    setting_cells: Mapping[str, str] = field(default_factory=dict)
    design: str = ""

    def address(self, table: str, row, column: str) -> str:
        """The cell (``Data!D5``) that holds ``column`` of region-year ``row`` = (region, year) in ``table``."""
        region, year = row
        return self.cells.get((table, (str(region), int(year)), str(column)), "")

    def run(self) -> PanelStudyResult:
        """Run the panel study; the reader's notes come first among the result's warnings."""
        return run_naming_cells(self, lambda: run_panel_study(self.indicators, self.data, self.variables,
                                                               self.model, self.settings, regions=self.regions,
                                                               dimension_labels=self.dimension_labels))


def is_panel_table(table: _Table | None) -> bool:
    """True when a Data or Variables table has a Region column."""
    return table is not None and table.col(REGION) is not None


def _read_keys(table: _Table, problems: list[Problem], like: _Table | None = None) -> list[tuple[str, int] | None]:
    """The (region, year) of every body row (None where it is bad, with a problem reported); ``like``: a table
    read before, whose keys are taken over when its Region and Year columns hold the same values."""
    sheet = table.spec.sheet
    jr, jy = table.col(REGION), table.col(YEAR)
    if jr != 0 or jy != 1:
        problems.append(Problem(table.addr(-1, 0), f"a panel's {sheet} table starts with the columns Region, Year "
                                f"(found {', '.join(repr(h) for h in table.header[:2])})"))
        return [None] * len(table.rows)
    if not table.rows:
        problems.append(Problem(table.addr(0, 0), f"the {sheet} table has no rows (one row per region-year)"))
    fast = _plain_keys(table, like)
    if fast is not None:
        return fast
    keys: list = []
    seen: dict[tuple, int] = {}
    # Each distinct region and year is checked once (a region has a row per year, a year one per region).
    region_actions: dict[tuple, str] = {}
    year_checks: dict[tuple, tuple] = {}
    for i, row in enumerate(table.rows):
        region, year = row[0], row[1]
        key_ok = True
        if _blank(region):
            problems.append(Problem(table.addr(i, 0), "the Region is blank but the row has values"))
            key_ok = False
        else:
            seen_as = (region.__class__, region)
            try:
                action = region_actions.get(seen_as)
            except TypeError:  # an unhashable value
                seen_as, action = None, None
            if action is None:
                action = coerce_cell(region)[1]
                if seen_as is not None:
                    region_actions[seen_as] = action
            if action in ("number", "coerced") and not isinstance(region, bool):
                problems.append(Problem(table.addr(i, 0), f"Region {_shown(region)} is a number, not a region name: "
                                        "is the Region column shifted? (type names such as Beijing)"))
                key_ok = False
        seen_as = (year.__class__, year)
        try:
            checked = year_checks.get(seen_as) if year != 0 else None  # 0.0 and -0.0 are shown apart
        except TypeError:
            seen_as, checked = None, None
        if checked is None:
            _, issues = year_issues([year])
            checked = (issues[0].message if issues else None,
                       None if issues else int(float(coerce_cell(year)[0])))
            if seen_as is not None and year != 0:
                year_checks[seen_as] = checked
        if checked[0] is not None:
            problems.append(Problem(table.addr(i, 1), checked[0]))
            key_ok = False
        if not key_ok:
            keys.append(None)
            continue
        key = (_text(region).strip(), checked[1])
        folded = (norm_key(key[0]), key[1])
        if folded in seen:
            problems.append(Problem(table.addr(i, 0), f"region {key[0]}, year {key[1]} is given twice "
                                    f"(also {table.addr(seen[folded], 0)})"))
            keys.append(None)
            continue
        seen[folded] = i
        keys.append(key)
    return keys


def _plain_keys(table: _Table, like: _Table | None = None) -> list[tuple[str, int]] | None:
    """The (region, year) of every body row at once when none has a problem: every Region a non-blank text
    that is not a number, every Year a whole number in :data:`~dnqp.engine.checks.YEARS` (typed as a number),
    no region-year twice. None otherwise, and :func:`_read_keys` looks at each row (and says what is wrong).
    The regions' folded spellings (:func:`norm_key`) are kept on the table for :func:`_folds`."""
    arr = table.array() if grid._FAST else None
    if arr is None:
        return None
    regions, years = arr[:, 0].tolist(), arr[:, 1].tolist()
    if set(map(type, regions)) != {str} or not set(map(type, years)) <= {float, int}:
        return None
    before = like.derived.get("key_columns") if like is not None else None
    if before is not None and before[3] == regions and before[4] == years:  # the same keys, typed alike
        table.derived["folds"], table.derived["key_columns"] = like.derived["folds"], before
        return list(before[0])
    names = list(map(str.strip, regions))
    if not all(names):
        return None
    distinct = set(regions)
    if any(coerce_cell(r)[1] == "coerced" for r in distinct):  # a number typed as text in Region
        return None
    try:
        y = arr[:, 1].astype(float)
    except OverflowError:
        return None
    with np.errstate(invalid="ignore"):
        if not (np.isfinite(y) & (y == np.floor(y)) & (y >= YEARS[0]) & (y <= YEARS[1])).all():
            return None
    whole = y.astype(np.int64)
    fold = {r: norm_key(r) for r in distinct}
    number = {f: n for n, f in enumerate(dict.fromkeys(fold.values()))}  # each folded region's number
    code = {r: number[f] for r, f in fold.items()}
    region_year = np.array(list(map(code.__getitem__, regions)), dtype=np.int64) * (YEARS[1] + 1) + whole
    if pd.Index(region_year).has_duplicates:  # a region-year twice
        return None
    table.derived["folds"] = list(map(fold.__getitem__, regions))
    keys = list(zip(names, whole.tolist()))
    table.derived["key_columns"] = (keys, np.array(names, dtype=object), whole, regions, years)
    return keys


def _folds(table: _Table, keys: list) -> list[str | None]:
    """The folded region (:func:`norm_key`) of every key (None for a bad row), worked out once per table."""
    folds = table.derived.get("folds")
    if folds is None or len(folds) != len(keys):
        memo: dict[str, str] = {}
        folds = [None if k is None else memo[k[0]] if k[0] in memo else memo.setdefault(k[0], norm_key(k[0]))
                 for k in keys]
        table.derived["folds"] = folds
    return folds


def _read_panel_numbers(table: _Table, keys: list, what: str, problems: list[Problem], reports: list[CellReport],
                        cells: _CellAddresses, used: Sequence[str], notes: list[str]) -> pd.DataFrame:
    """(Region, Year)-indexed floats of the ``used`` columns; bad cells are problems, text numbers reports."""
    sheet = table.spec.sheet
    wanted = {norm_key(u): u for u in used}
    found = [(j, wanted[norm_key(h)]) for j, h in enumerate(table.header) if j > 1 and h and norm_key(h) in wanted]
    unused = [j for j, h in enumerate(table.header) if j > 1 and h and norm_key(h) not in wanted]
    if unused:
        notes.append(f"{sheet}: column(s) {', '.join(f'{table.header[j]} ({table.addr(-1, j)})' for j in unused)} "
                     f"are not used by the study ({'not indicators' if what == 'indicator' else 'not in Model'}) "
                     "and were ignored")
    columns = [c for _, c in found]
    cells.add(sheet, table, keys, {col: j for j, col in found})
    fast = _column_floats(table, keys, found, what, problems, reports)
    if fast is None:
        fast = _plain_columns(table, keys, found)
    if fast is not None:
        index, values = fast
    else:
        values = {c: [] for c in columns}
        index = []
        for i, row in enumerate(table.rows):
            key = keys[i]
            where = f"{key[0]} {key[1]}" if key else "no region-year"
            for j, col in found:
                v = row[j]
                x, action, reason = coerce_cell(v)
                if action == "rejected":
                    problems.append(Problem(table.addr(i, j), f"({what} {col}, {where}): {_shown(v)} is not a "
                                            f"number — {reason}"))
                elif action == "coerced" or (action == "missing" and not _blank(v)):
                    reports.append(CellReport(table.addr(i, j), sheet, key, col, v, x, action))
                if key is not None:
                    values[col].append(x)
            if key is not None:
                index.append(key)
    return pd.DataFrame(values, index=_key_index(table, index), columns=columns, dtype=float)


def _key_index(table: _Table, index: list) -> pd.MultiIndex:
    """The (Region, Year) index of the keyed rows ``index``; from the key columns when every row is keyed."""
    columns = table.derived.get("key_columns")
    if columns is not None and columns[0] == index:  # the very keys of every row: built from the two columns
        return pd.MultiIndex.from_arrays(columns[1:3], names=[REGION, YEAR])
    return pd.MultiIndex.from_tuples(index, names=[REGION, YEAR]) if index else pd.MultiIndex.from_tuples(
        [], names=[REGION, YEAR])


def _column_floats(table: _Table, keys: list, found: list, what: str, problems: list[Problem],
                   reports: list[CellReport]) -> tuple[list, dict] | None:
    """The keyed rows and the ``found`` columns' floats, column by column off the body array: a column of plain
    numbers and empty cells (None/NaN) in one step, any other cell by cell, its problems and reports put in
    the careful path's order (row by row, then column by column). None without the array."""
    arr = table.array() if grid._FAST else None
    if arr is None or not found:
        return None
    kinds = table.kinds()
    every = None not in keys
    keep = None if every else np.array([k is not None for k in keys], dtype=bool)
    index = list(keys) if every else [k for k in keys if k is not None]
    js = [j for j, _ in found]
    if all(kinds[j] in _NUMBER_KINDS for j in js):  # all the columns in one step (the usual case)
        block = arr[:, js[0]:js[-1] + 1] if js == list(range(js[0], js[-1] + 1)) else arr[:, js]
        floats = _plain_floats(block)
        if floats is not None:
            floats = floats if every else floats[keep]
            return index, {col: floats[:, p] for p, (_, col) in enumerate(found)}
    sheet = table.spec.sheet
    bad: list[tuple[int, int, Problem]] = []
    told: list[tuple[int, int, CellReport]] = []
    values = {}
    for p, (j, col) in enumerate(found):
        column = arr[:, j]
        floats = _plain_floats(column) if kinds[j] in _NUMBER_KINDS else None
        if floats is None:  # text numbers, markers, bad cells: each coerced and checked
            floats = np.empty(len(column))
            for i, v in enumerate(column.tolist()):
                x, action, reason = coerce_cell(v)
                if action == "rejected":
                    key = keys[i]
                    where = f"{key[0]} {key[1]}" if key else "no region-year"
                    bad.append((i, p, Problem(table.addr(i, j), f"({what} {col}, {where}): {_shown(v)} is not a "
                                              f"number — {reason}")))
                elif action == "coerced" or (action == "missing" and not _blank(v)):
                    told.append((i, p, CellReport(table.addr(i, j), sheet, keys[i], col, v, x, action)))
                floats[i] = x
        values[col] = floats if every else floats[keep]
    problems += [item for *_, item in sorted(bad, key=itemgetter(0, 1))]
    reports += [item for *_, item in sorted(told, key=itemgetter(0, 1))]
    return index, values


def _plain_floats(cells: np.ndarray) -> np.ndarray | None:
    """Cells of a number kind as floats when none needs a problem or a report (in range; every blank None or
    NaN), else None."""
    fast = _number_floats(cells)
    if fast is None or fast[1].any():
        return None
    blank = np.isnan(fast[0])
    if blank.any() and not all(v is None or v.__class__ is float for v in cells[blank]):
        return None  # e.g. pd.NA: coerce_cell says what it is
    return fast[0]


def _plain_columns(table: _Table, keys: list, found: list) -> tuple[list, dict] | None:
    """The keyed rows and the ``found`` columns' floats when every cell is a plain number or an empty cell
    (None/NaN), which need no report and no problem; None otherwise (then each cell is coerced and checked)."""
    keep = np.array([k is not None for k in keys], dtype=bool)
    values = {}
    for j, col in found:
        column = np.empty(len(table.rows), dtype=object)
        column[:] = [row[j] for row in table.rows]
        fast = _plain_numbers(column)
        if fast is None or fast[1].any():
            return None
        blank = np.isnan(fast[0])
        if blank.any() and not all(v is None or v.__class__ is float for v in column[blank]):
            return None  # e.g. pd.NA: coerce_cell says what it is
        values[col] = fast[0][keep]
    return [k for k in keys if k is not None], values


class _CellAddresses(Mapping):
    """(table, (region, year), column) → the cell (``Data!C5``) that holds it, worked out when asked for."""

    def __init__(self) -> None:
        self._tables: dict[str, tuple[_Table, list, dict]] = {}
        self._rows: dict[str, dict] = {}

    def add(self, sheet: str, table: _Table, keys: list, columns: dict) -> None:
        """A table's cells: ``keys`` = the (region, year) of each body row (None: not read), ``columns`` =
        column name → its index in the table."""
        self._tables[sheet] = (table, keys, columns)
        self._rows.pop(sheet, None)

    def _rows_of(self, sheet: str) -> dict:
        """(region, year) → body row, built when first asked for."""
        rows = self._rows.get(sheet)
        if rows is None:
            keys = self._tables[sheet][1]
            if None in keys:
                rows = {key: i for i, key in enumerate(keys) if key is not None}
            else:
                rows = dict(zip(keys, range(len(keys))))
            self._rows[sheet] = rows
        return rows

    def __getitem__(self, item: tuple) -> str:
        sheet, key, col = item
        try:
            table, _, columns = self._tables[sheet]
            return table.addr(self._rows_of(sheet)[key], columns[col])
        except (KeyError, TypeError):
            raise KeyError(item) from None

    def __iter__(self):
        for sheet, (_, _, columns) in self._tables.items():
            for key in self._rows_of(sheet):
                for col in columns:
                    yield sheet, key, col

    def __len__(self) -> int:
        return sum(len(self._rows_of(sheet)) * len(columns) for sheet, (_, _, columns) in self._tables.items())


def _read_regions(grids, problems: list[Problem], notes: list[str]) -> tuple[_Table | None, pd.DataFrame | None]:
    if schema.REGIONS.sheet not in grids:
        return None, None
    table = _read_table(grids, schema.REGIONS, problems, notes, optional=True)
    if table is None or table.col(REGION) is None:
        return table, None
    df = _text_columns(table, ["Region", "Group"])
    seen: dict[str, int] = {}
    jr = table.col(REGION)
    for i, r in enumerate(df["Region"]):
        if not r:
            problems.append(Problem(table.addr(i, jr), "the Region is blank"))
        elif norm_key(r) in seen:
            problems.append(Problem(table.addr(i, jr), f"region {r} is listed twice (also "
                                    f"{table.addr(seen[norm_key(r)], jr)})"))
        else:
            seen[norm_key(r)] = i
    return table, df


def _first_rows(folds: list) -> dict[str, int]:
    """Each region's first body row in a table (by the matching rule), in the order of the rows."""
    n = len(folds)
    last_wins = dict(zip(reversed(folds), range(n - 1, -1, -1)))  # the first row of each, in one step
    last_wins.pop(None, None)
    return dict(sorted(last_wins.items(), key=itemgetter(1)))


def _spellings(keys: list, folds: list) -> dict[str, str]:
    """Folded region → its spelling in the table (the last row's, when it is typed in more ways)."""
    if None in keys:
        return {f: k[0] for f, k in zip(folds, keys) if k is not None}
    return dict(zip(folds, map(itemgetter(0), keys)))


class _Spellings(Mapping):
    """Folded region → its last spelling in Data then Variables, worked out when a message needs one."""

    def __init__(self, *pairs) -> None:
        self._pairs, self._names = pairs, None

    def _all(self) -> dict[str, str]:
        if self._names is None:
            data_keys, d_folds, var_keys, v_folds = self._pairs
            self._names = {**_spellings(data_keys, d_folds), **_spellings(var_keys, v_folds)}
        return self._names

    def __getitem__(self, key: str) -> str:
        return self._all()[key]

    def __iter__(self):
        return iter(self._all())

    def __len__(self) -> int:
        return len(self._all())


def _region_years(keys: list, folds: list) -> dict[tuple, int]:
    """(folded region, year) → its body row."""
    if None in keys:
        return {(f, k[1]): i for i, (f, k) in enumerate(zip(folds, keys)) if k is not None}
    return dict(zip(zip(folds, map(itemgetter(1), keys)), range(len(keys))))


def _check_panel(data_t, data_keys, var_t, var_keys, reg_t, regions, settings: Settings, where: dict,
                 model, variables, cells, problems: list[Problem], notes: list[str]) -> None:
    """The checks across a panel's tables, each at the cell to fix."""
    d_folds, v_folds = _folds(data_t, data_keys), _folds(var_t, var_keys)
    d_first, v_first = _first_rows(d_folds), _first_rows(v_folds)
    names = _Spellings(data_keys, d_folds, var_keys, v_folds)
    for first, other, table, other_t in ((d_first, v_first, data_t, var_t), (v_first, d_first, var_t, data_t)):
        for key, i in first.items():
            if key not in other:
                problems.append(Problem(table.addr(i, 0), f"region {names[key]} is in {table.spec.sheet} but not in "
                                        f"{other_t.spec.sheet}"))
    same = None not in data_keys and data_keys == var_keys  # the same rows in the same order: nothing to report
    d_set, v_set = ({}, {}) if same else (_region_years(data_keys, d_folds), _region_years(var_keys, v_folds))
    for mine, theirs, table, other_t in ((d_set, v_set, data_t, var_t), (v_set, d_set, var_t, data_t)):
        if mine.keys() == theirs.keys():  # the same region-years: nothing to report
            continue
        for (r, y), i in mine.items():
            if (r, y) not in theirs and r in (v_first if table is data_t else d_first):
                problems.append(Problem(table.addr(i, 1), f"region {names[r]}, year {y} is in {table.spec.sheet} "
                                        f"but not in {other_t.spec.sheet}"))
    # Single-year regions and the number of clusters: warnings.
    years_of = Counter(d_folds)  # a region's years: one row each (a region-year given twice has no key)
    years_of.pop(None, None)
    for key, count in years_of.items():
        if count == 1:
            notes.append(f"{data_t.addr(d_first[key], 0)}: region {names[key]} has a single year "
                         f"({data_keys[d_first[key]][1]}): under "
                         "region fixed effects it is a singleton"
                         + (", dropped as reghdfe does" if settings.panel_convention == "reghdfe" else ""))
    if settings.cluster == "region" and 0 < len(years_of) < MIN_CLUSTERS:
        notes.append(f"{data_t.column_range(0)}: only {len(years_of)} regions, so {len(years_of)} clusters: clustered "
                     f"standard errors are unreliable with fewer than {MIN_CLUSTERS} (setting cluster, "
                     f"{where.get('cluster', 'Settings')})")
    if settings.cov in ("HC3", "HAC"):
        problems.append(Problem(where.get("cov", "Settings!A1"), f"setting cov = '{settings.cov}' is not available "
                                "for a panel: choose nonrobust or HC1 (with cluster = none), or keep cluster = region "
                                "for clustered standard errors"))
    # Groups.
    asked = settings.group_test
    given = regions is not None and bool((regions["Group"] != "").any())
    if asked == "yes" and not given:
        cell = reg_t.addr(-1, 0) if reg_t is not None else f"{schema.REGIONS.sheet}!{schema.REGIONS.anchor}"
        problems.append(Problem(cell, f"setting group_test = 'yes' ({where.get('group_test', 'Settings')}) but no "
                                "region has a Group: fill the Regions table (Region, Group)"))
    if asked != "no" and given:
        jg = reg_t.col("Group")
        region_of, group_of = list(regions["Region"]), list(regions["Group"])
        listed = {norm_key(r): i for i, r in enumerate(region_of) if r}
        for key, i in d_first.items():
            if key not in listed:
                problems.append(Problem(data_t.addr(i, 0), f"region {names[key]} has no row in the Regions table, so "
                                        "no Group: add it (or set group_test = no)"))
        members: dict[str, list[int]] = {}
        for key, i in listed.items():
            if key not in d_first:
                continue
            g = group_of[i]
            if not g:
                problems.append(Problem(reg_t.addr(i, jg), f"region {region_of[i]} has no Group: "
                                        "type one (or set group_test = no)"))
            else:
                members.setdefault(norm_key(g), []).append(i)
        for rows in members.values():
            if len(rows) < 2:
                i = rows[0]
                problems.append(Problem(reg_t.addr(i, jg), f"group {group_of[i]} has only one region "
                                        f"({region_of[i]}): a group needs at least two"))
        if len(members) == 1:
            i = next(iter(members.values()))[0]
            problems.append(Problem(reg_t.addr(i, jg), "every region is in one group: heterogeneity by group needs "
                                    "at least two (or set group_test = no)"))
    # ln of non-positive values, gaps under impute = none.
    for var, how in zip(model["Variable"], model["Transform"]):
        if var in variables.columns and how == "ln":
            values = variables[var].to_numpy()
            with np.errstate(invalid="ignore"):
                bad = np.flatnonzero(values <= 0)  # NaN is not <= 0
            for key, x in zip(variables.index[bad].tolist(), values[bad].tolist()):
                if not math.isnan(x) and x <= 0:
                    problems.append(Problem(cells[("Variables", key, var)], f"(variable {var}, {key[0]} {key[1]}): "
                                            f"{x:g} is not positive, so ln is undefined (set its Transform to none?)"))


def _gaps(frames: Mapping[str, pd.DataFrame], cells: dict, problems: list[Problem]) -> None:
    for sheet, frame in frames.items():
        for col in frame.columns:
            for key in frame.index[frame[col].isna()]:
                problems.append(Problem(cells.get((sheet, key, col), sheet), f"({col}, {key[0]} {key[1]}): the value "
                                        "is missing and impute = none: type it, or choose mean or linear in Settings"))


def _empty_in_region(frames: Mapping[str, tuple[pd.DataFrame, _Table]], cells: dict, what: Mapping[str, str],
                     problems: list[Problem]) -> None:
    """A column with no value at all (once, at its range), or none in any year of a region (it cannot be
    imputed within the region: at that region's cells)."""
    for sheet, (frame, table) in frames.items():
        if frame.empty or (grid._FAST and not np.isnan(frame.to_numpy(dtype=float)).any()):
            continue  # a value in every cell: nothing to report
        blank = [c for c in frame.columns if frame[c].isna().all()]
        for col in blank:
            problems.append(Problem(table.column_range(table.col(col)), f"({what[sheet]} {col}): the column has no "
                                    "values at all"))
        empty = frame.drop(columns=blank).isna().groupby(level=0, sort=False).all()
        for r, c in np.argwhere(empty.to_numpy(dtype=bool)):  # region by region, column by column
            region, col = empty.index[r], empty.columns[c]
            keys = [k for k in frame.index if k[0] == region]
            first, last = cells[(sheet, keys[0], col)], cells[(sheet, keys[-1], col)]
            span = first if first == last else f"{first}:{last.split('!')[1]}"
            problems.append(Problem(span, f"({what[sheet]} {col}, region {region}): no value in any year, so it "
                                    "cannot be imputed within the region: type the values"))


def _design(data: pd.DataFrame, data_t: _Table) -> tuple[str, list[str]]:
    regions = data.index.unique(level=0).tolist()  # in the order of the rows
    years = sorted(data.index.unique(level=1).tolist())
    full = len(regions) * len(years)
    design = (f"design: panel (Region column at {data_t.addr(-1, 0)}): {len(regions)} regions × {len(years)} years "
              f"({years[0]}–{years[-1]}), {len(data)} region-years" if regions else "design: panel (no rows)")
    notes = [design + ("" if len(data) == full or not regions else
                       f"; unbalanced: {full - len(data)} region-year(s) absent, reported and not invented")]
    if len(data) == full:  # every region-year of regions × years (the keys are distinct)
        absent = []
    else:
        have = set(zip(data.index.get_level_values(0), data.index.get_level_values(1)))
        absent = [(r, y) for r in regions for y in years if (r, y) not in have]
    if absent:
        shown = ", ".join(f"{r} {y}" for r, y in absent[:20])
        notes.append(f"absent region-years: {shown}" + (f" (and {len(absent) - 20} more)" if len(absent) > 20 else ""))
    return design, notes


def parse_panel(grids, tables: Sequence, notes: list[str]) -> PanelStudyInputs:
    """Read a panel workbook whose tables :func:`dnqp.workbook.grid.parse_grids` has located (Indicators,
    Dimensions, Data, Variables, Model, Settings) and check it; raises InputError listing every problem."""
    ind_t, dim_t, data_t, var_t, model_t, set_t = tables
    problems: list[Problem] = []
    reports: list[CellReport] = []
    cells = _CellAddresses()
    for t, other in ((data_t, var_t), (var_t, data_t)):
        for key in (REGION, YEAR):
            if t.col(key) is None and other.col(key) is not None:
                problems.append(Problem(t.addr(-1, 0), f"the {t.spec.sheet} table has no {key} column but the "
                                        f"{other.spec.sheet} table has one ({other.addr(-1, other.col(key))}): a panel "
                                        "keys both by Region and Year"))
    reg_t, regions = _read_regions(grids, problems, notes)
    if problems:
        raise InputError(problems)
    where: dict[str, str] = {}
    settings = _read_settings(set_t, problems, where)
    ind = _read_indicators(ind_t, problems, settings)
    dims = list(dict.fromkeys(d for d in ind["Dimension"] if d))
    labels = _read_dimensions(dim_t, dims, problems)
    model_problems: list[Problem] = []
    model = _read_model(model_t, model_problems)
    codes = [c for c in ind["Code"] if c]
    data_keys = _read_keys(data_t, problems)
    data = _read_panel_numbers(data_t, data_keys, "indicator", problems, reports, cells, codes, notes)
    var_keys = _read_keys(var_t, problems, like=data_t)
    variables = _read_panel_numbers(var_t, var_keys, "variable", problems, reports, cells,
                                    [v for v in model["Variable"] if v], notes)
    problems += model_problems
    _check_labels(model, model_t, labels, dims, settings, problems)
    jcode = ind_t.col("Code")
    for i, code in enumerate(ind["Code"]):
        if code and code not in data.columns:
            problems.append(Problem(ind_t.addr(i, jcode), f"(indicator {code}): the Data table has no column {code}"))
    jvar = model_t.col("Variable")
    for i, var in enumerate(model["Variable"]):
        if var and var not in variables.columns:
            problems.append(Problem(model_t.addr(i, jvar), f"(variable {var}): the Variables table has no column {var}"))
    _check_panel(data_t, data_keys, var_t, var_keys, reg_t, regions, settings, where, model, variables, cells,
                 problems, notes)
    if settings.impute == "none":
        _gaps({"Data": data, "Variables": variables}, cells, problems)
    else:
        _empty_in_region({"Data": (data, data_t), "Variables": (variables, var_t)}, cells,
                         {"Data": "indicator", "Variables": "variable"}, problems)
    if problems:
        raise InputError(problems)
    design, design_notes = _design(data, data_t)
    ind["Direction"] = [row[ind_t.col("Direction")] for row in ind_t.rows]  # as typed
    indicators = ind[ind["Code"] != ""].reset_index(drop=True)
    regions_out = None
    if regions is not None and settings.group_test != "no" and (regions["Group"] != "").any():
        spelled = _spellings(data_keys, _folds(data_t, data_keys))  # the Data sheet's spelling
        regions_out = regions[regions["Region"] != ""].reset_index(drop=True)
        regions_out["Region"] = [spelled.get(norm_key(r), r) for r in regions_out["Region"]]
    for t in (data_t, var_t):  # the arrays worked out for reading: not kept with the inputs
        t.derived.clear()
    return PanelStudyInputs(
        indicators=indicators, data=data, variables=variables,
        model=model[model["Variable"] != ""].reset_index(drop=True), regions=regions_out, settings=settings,
        dimension_labels=labels, reports=tuple(reports), cells=cells, notes=(*design_notes, *notes),
        setting_cells=where, design=design)
