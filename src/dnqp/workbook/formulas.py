"""The template's Analysis sheets (pure): live formulas that call dnqp's worksheet functions.

:func:`analysis_formulas` lays out, for the template's input sheets, the formulas that compute the
study in Excel itself with the UDF catalogue of :mod:`dnqp.udfs`: the weights (``ENTROPY_WEIGHTS``),
the index and sub-indices (``ENTROPY_SCORES``), descriptive statistics (``DNQP_DESCRIBE``), VIF
(``DNQP_VIF``), the baseline regression (``DNQP_OLS``) and the heterogeneity table (``DNQP_TABLE``),
plus the helper arrays they need (imputed data, directions, transformed variables, y and X).

Every formula is a dynamic array (it spills in Excel 365) and reads the input Excel Tables through
structured references (``Data[#All]``, ``Model[Label]``), which grow when the analyst adds a year or an
indicator row; later formulas read earlier results through spill references (``A5#``). Two variants:

* ``web=False``: desktop Excel with the dnqp add-in (xlwings VBA functions), ``=ENTROPY_WEIGHTS(…)``;
* ``web=True``: Office.js custom functions of ``dnqp serve``, shown as ``=DNQP.ENTROPY_WEIGHTS(…)``.
  In the file they are stored the way Excel stores JavaScript custom functions,
  ``_xldudf_DNQP_ENTROPY_WEIGHTS(…)``.

Each formula is given as written in the file (:attr:`Formula.text`: ``ANCHORARRAY(A5)`` for ``A5#``)
and as an analyst types it (:attr:`Formula.shown`). Its spill size is computed from the template's
shape (years, indicators, dimensions, variables), so the file records the spill range as Excel would.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from xlsxwriter.utility import xl_rowcol_to_cell

from . import schema
from .grid import scan_table
from ..engine.settings import REGISTRY
from ..engine.tables import CORE_ROW

__all__ = ["Formula", "analysis_formulas", "ANALYSIS_SHEETS", "FUNCTIONS", "PANEL_FUNCTIONS", "function_name", "TITLE_ROW",
           "FORMULA_ROW"]

#: Sheet name → web variant.
ANALYSIS_SHEETS = {"Analysis": False, "Analysis (web)": True}
#: The catalogue functions the Analysis sheets call.
FUNCTIONS = ("DNQP_IMPUTE", "ENTROPY_WEIGHTS", "ENTROPY_SCORES", "DNQP_DESCRIBE", "DNQP_VIF", "DNQP_OLS",
             "DNQP_TABLE")
#: Those of the panel template's Analysis sheets (missing values are imputed by formula, within region).
PANEL_FUNCTIONS = ("ENTROPY_WEIGHTS", "ENTROPY_SCORES", "DNQP_DESCRIBE", "DNQP_VIF", "DNQP_XTREG", "DNQP_TABLE")
#: Office.js namespace of ``dnqp serve`` (the manifest's), and the prefix Excel writes in files.
NAMESPACE = "DNQP"
_FILE_PREFIX = f"_xldudf_{NAMESPACE}_"
#: Rows (0-based): block titles, then the formulas' anchors.
TITLE_ROW = 3
FORMULA_ROW = 4
_GAP = 2  # blank columns between blocks: room for a block to widen by an indicator or a variable


def function_name(name: str, web: bool, in_file: bool = True) -> str:
    """A catalogue function's name in a formula: ``ENTROPY_WEIGHTS``, ``DNQP.ENTROPY_WEIGHTS`` (shown) or
    ``_xldudf_DNQP_ENTROPY_WEIGHTS`` (how Excel stores an Office.js custom function)."""
    if not web:
        return name
    return f"{_FILE_PREFIX}{name}" if in_file else f"{NAMESPACE}.{name}"


@dataclass(frozen=True)
class Formula:
    """A dynamic-array formula anchored at (``row``, ``col``) that spills over ``rows`` × ``cols`` cells."""

    key: str
    title: str | None
    row: int
    col: int
    rows: int
    cols: int
    text: str  # as stored in the file, with "=" (ANCHORARRAY(A5), _xldudf_ names on the web variant)
    shown: str  # as typed in Excel (A5#, DNQP. names on the web variant)

    @property
    def anchor(self) -> str:
        return xl_rowcol_to_cell(self.row, self.col)

    @property
    def ref(self) -> str:
        """The spill range, e.g. ``A5:D15``."""
        return f"{self.anchor}:{xl_rowcol_to_cell(self.row + self.rows - 1, self.col + self.cols - 1)}"


@dataclass(frozen=True)
class _Shape:
    years: int  # rows of Data (years; region-years in a panel)
    indicators: int
    dimensions: int
    model: int  # rows of Model
    controls: int
    periods: int = 0  # distinct years of a panel
    by_year: bool = False  # a panel's panel_entropy is by_year


def _table_rows(grid: Sequence[Sequence], col: int = 0) -> list[list]:
    """The header and body rows of the table whose header starts at column ``col`` of row 1."""
    header, rows, *_ = scan_table(grid, 0, col)
    return [header, *rows]


def _shape(grids: Mapping[str, Sequence[Sequence]], panel: bool = False) -> _Shape:
    data = _table_rows(grids[schema.DATA.sheet])
    indicators = _table_rows(grids[schema.INDICATORS.sheet])
    model = _table_rows(grids[schema.MODEL.sheet])
    settings = {r[0]: r[1] for r in _table_rows(grids[schema.SETTINGS.sheet])[1:]}
    dim = indicators[0].index("Dimension")
    role = model[0].index("Role")
    keys = 2 if panel else 1  # Region, Year
    return _Shape(years=len(data) - 1, indicators=len(data[0]) - keys,
                  dimensions=len({r[dim] for r in indicators[1:]}), model=len(model) - 1,
                  controls=sum(str(r[role]).strip().lower() == "control" for r in model[1:]),
                  periods=len({r[1] for r in data[1:]}) if panel else 0,
                  by_year=panel and str(settings.get("panel_entropy", "")).strip().lower() == "by_year")


#: Input tables by the names the formulas use for them.
_TABLES = {spec.name: spec for spec in (schema.INDICATORS, schema.DIMENSIONS, schema.DATA, schema.VARIABLES,
                                        schema.MODEL, schema.SETTINGS)}

# (key, title, spill size from the shape, formula). Title None: the formula sits under the previous one.
# In a formula, {NAME} is a catalogue function, {key#} the spill of block ``key``, {Table} an input table
# (its name from dnqp.workbook.schema) and {setting:name} the value of a setting of the Settings table.
_BLOCKS: tuple[tuple[str, str | None, object, str], ...] = (
    ("weights", "Entropy weights (ENTROPY_WEIGHTS)", lambda s: (s.indicators + 1, 4),
     "{ENTROPY_WEIGHTS}({data#},{directions#},{setting:shift})"),
    ("index", "Index and sub-indices by year (ENTROPY_SCORES)", lambda s: (s.years + 1, s.dimensions + 2),
     "{ENTROPY_SCORES}({data#},{directions#},{labels#},{setting:shift},{setting:convention})"),
    ("descriptives", "Descriptive statistics (DNQP_DESCRIBE)", lambda s: (s.controls + 3, 6),
     "{DNQP_DESCRIBE}(HSTACK({y#},{X#}))"),
    ("vif", "Multicollinearity (DNQP_VIF)", lambda s: (s.controls + 3, 3), "{DNQP_VIF}({X#})"),
    ("baseline", "Baseline regression (DNQP_OLS)", lambda s: (s.controls + 9, 8),
     "{DNQP_OLS}({y#},{X#},{setting:cov})"),
    ("heterogeneity", "Heterogeneity: one model per sub-index (DNQP_TABLE)",
     lambda s: (2 * s.controls + 10, s.dimensions + 1),
     "{DNQP_TABLE}({y#},DROP({index#},,2),DROP({X#},,1),{setting:cov})"),
    ("data", "Helper: Data with missing values imputed (DNQP_IMPUTE)", lambda s: (s.years + 1, s.indicators + 1),
     "{DNQP_IMPUTE}({Data}[#All],{setting:impute})"),
    ("codes", "Helper: indicator codes, directions and sub-index labels, in Data's column order",
     lambda s: (1, s.indicators), "DROP(TAKE({data#},1),,1)"),
    ("directions", None, lambda s: (1, s.indicators), "XLOOKUP({codes#},{Indicators}[Code],{Indicators}[Direction])"),
    ("labels", None, lambda s: (1, s.indicators),
     "XLOOKUP(XLOOKUP({codes#},{Indicators}[Code],{Indicators}[Dimension]),{Dimensions}[Dimension],"
     "{Dimensions}[Label])"),
    ("variables", "Helper: Variables with missing values imputed, in the Model's order",
     lambda s: (s.years + 1, s.model),
     "CHOOSECOLS({DNQP_IMPUTE}({Variables}[#All],{setting:impute}),"
     "XMATCH(TRANSPOSE({Model}[Variable]),{Variables}[#Headers]))"),
    ("transformed", "Helper: the variables after the Model's transforms, under their labels",
     lambda s: (s.years + 1, s.model),
     'VSTACK(TRANSPOSE({Model}[Label]),IF(TRANSPOSE({Model}[Transform])="ln",LN(DROP({variables#},1)),'
     "DROP({variables#},1)))"),
    ("y", "Helper: y", lambda s: (s.years + 1, 1), 'FILTER({transformed#},TRANSPOSE({Model}[Role])="dependent")'),
    ("X", "Helper: X (the index, then the controls)", lambda s: (s.years + 1, s.controls + 1),
     "HSTACK(VSTACK({setting:index_label},DROP(CHOOSECOLS({index#},2),1)),"
     'FILTER({transformed#},TRANSPOSE({Model}[Role])="control"))'),
)
def _within_region_mean(table: str) -> str:
    """``table[#All]`` (Region, Year, then values) without its key columns, each missing value replaced by
    the mean of its region's values in that column: the ``G·V / G·1`` of the same-region matrix ``G``."""
    body = f"DROP({{{table}}}[#All],1,2)"
    regions = f"DROP(CHOOSECOLS({{{table}}}[#All],1),1)"
    same = f"--({regions}=TRANSPOSE({regions}))"
    return (f"VSTACK(DROP(TAKE({{{table}}}[#All],1),,2),IF(ISNUMBER({body}),{body},"
            f"MMULT({same},IF(ISNUMBER({body}),{body},0))/MMULT({same},--ISNUMBER({body}))))")


_TS = {key: (key, title, size, formula) for key, title, size, formula in _BLOCKS}
_PANEL_ARGS = "{region#},{setting:panel_entropy}"
_FE = "{region#},{year#},{setting:effects},{setting:cluster}"
# The panel's blocks: Data and Variables have Region and Year first; the time-series blocks where they apply.
_PANEL_BLOCKS: tuple[tuple[str, str | None, object, str], ...] = (
    ("weights", "Entropy weights (ENTROPY_WEIGHTS; by year when panel_entropy is by_year)",
     lambda s: (s.periods + 1, s.indicators + 1) if s.by_year else (s.indicators + 1, 4),
     "{ENTROPY_WEIGHTS}({data#},{directions#},{setting:shift},\"minmax\",TRUE," + _PANEL_ARGS + ")"),
    ("index", "Index and sub-indices by region-year (ENTROPY_SCORES)", lambda s: (s.years + 1, s.dimensions + 3),
     "{ENTROPY_SCORES}({data#},{directions#},{labels#},{setting:shift},{setting:convention},TRUE," + _PANEL_ARGS + ")"),
    _TS["descriptives"],
    _TS["vif"],
    ("fe", "Two-way fixed effects (DNQP_XTREG)", lambda s: (s.controls + 17, 8),
     "{DNQP_XTREG}({y#},{X#}," + _FE + ",{setting:cov},{setting:panel_convention})"),
    ("heterogeneity", "Heterogeneity: one fixed-effects model per sub-index (DNQP_TABLE)",
     lambda s: (2 * s.controls + 14, s.dimensions + 1),
     f'{{DNQP_TABLE}}({{y#}},DROP({{index#}},,3),DROP({{X#}},,1),{{setting:cov}},"{CORE_ROW}",TRUE,' + _FE + ")"),
    ("data", "Helper: Year and indicators, each missing value the mean of its region's (Data)",
     lambda s: (s.years + 1, s.indicators + 1),
     "HSTACK(CHOOSECOLS({Data}[#All],2)," + _within_region_mean("Data") + ")"),
    ("region", "Helper: Region", lambda s: (s.years + 1, 1), "CHOOSECOLS({Data}[#All],1)"),
    ("year", "Helper: Year", lambda s: (s.years + 1, 1), "CHOOSECOLS({data#},1)"),
    ("codes", _TS["codes"][1], _TS["codes"][2], _TS["codes"][3]),
    _TS["directions"],
    _TS["labels"],
    ("variables", "Helper: Variables, each missing value the mean of its region's, in the Model's order",
     lambda s: (s.years + 1, s.model),
     "CHOOSECOLS(HSTACK(CHOOSECOLS({Variables}[#All],1,2)," + _within_region_mean("Variables") + "),"
     "XMATCH(TRANSPOSE({Model}[Variable]),{Variables}[#Headers]))"),
    _TS["transformed"],
    _TS["y"],
    ("X", _TS["X"][1], _TS["X"][2],
     _TS["X"][3].replace("CHOOSECOLS({index#},2)", "CHOOSECOLS({index#},3)")),
)

_PLACEHOLDER = re.compile(r"\{(setting:)?(\w+)(#?)\}")


def analysis_formulas(grids: Mapping[str, Sequence[Sequence]], web: bool = False,
                      panel: bool = False) -> list[Formula]:
    """The Analysis sheet's formulas for a template with these input sheets (see :mod:`dnqp.workbook.template`);
    ``panel``: the panel template's (Data and Variables keyed by Region and Year).

    Blocks sit side by side from column A, each anchored on row :data:`FORMULA_ROW`, so a year added to
    the inputs only lengthens them; untitled formulas sit under the previous one.
    """
    shape = _shape(grids, panel)
    blocks = _PANEL_BLOCKS if panel else _BLOCKS
    placed: dict[str, tuple[int, int, int, int]] = {}  # key → row, col, rows, cols
    next_col, row, col = 0, FORMULA_ROW, 0
    for key, title, size, _ in blocks:
        rows, cols = size(shape)
        if title is None:  # under the previous formula, in the same block
            row += placed[next(reversed(placed))][2]
        else:
            row, col = FORMULA_ROW, next_col
        placed[key] = (row, col, rows, cols)
        next_col = max(next_col, col + cols + _GAP)

    def render(key: str, template: str, file: bool) -> str:
        def sub(m: re.Match) -> str:
            setting, name, spill = m.groups()
            if setting:
                if name not in REGISTRY:
                    raise KeyError(f"formula {key!r} reads setting {name!r}, which the settings registry lacks")
                table = schema.SETTINGS.name
                return f'XLOOKUP("{name}",{table}[Setting],{table}[Value])'
            if spill:
                cell = xl_rowcol_to_cell(*placed[name][:2])
                return f"ANCHORARRAY({cell})" if file else f"{cell}#"
            if name in _TABLES:
                return _TABLES[name].name
            return function_name(name, web, in_file=file)

        return "=" + _PLACEHOLDER.sub(sub, template)

    return [Formula(key, title, *placed[key], render(key, template, True), render(key, template, False))
            for key, title, _, template in blocks]
