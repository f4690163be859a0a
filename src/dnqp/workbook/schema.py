"""The shared workbook template's layout: sheet names, tables, columns and settings.

One source of truth for everything that reads or writes a template (the generator, the workbook
reader, the ribbon scripts and the live formulas). Every input table is an Excel Table (ListObject)
whose header row starts at the anchor cell given here; :func:`dnqp.workbook.grid.scan_table` finds its rows
(blank rows inside skipped, notes below ignored).
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TableSpec", "INDICATORS", "DIMENSIONS", "DATA", "VARIABLES", "MODEL", "SETTINGS", "INPUT_SHEETS",
           "GUIDE_SHEET", "RESULT_PREFIX", "MISSING_TEXT", "PANEL_DATA", "PANEL_VARIABLES", "REGIONS",
           "PANEL_INPUT_SHEETS"]


@dataclass(frozen=True)
class TableSpec:
    """An input table: the sheet it lives on, its Excel Table name, header anchor and columns."""

    sheet: str
    name: str
    anchor: str  # top-left cell of the header row, e.g. "A1"
    columns: tuple[str, ...]  # fixed columns; DATA and VARIABLES have Year then one column per code/variable
    required: tuple[str, ...] = ()


GUIDE_SHEET = "Guide"

INDICATORS = TableSpec("Indicators", "Indicators", "A1",
                       ("Code", "Indicator", "Dimension", "Unit", "Source", "Direction"),
                       required=("Code", "Dimension", "Direction"))
#: Short labels of the sub-indices as regressors (e.g. Infra), one row per dimension; beside Indicators.
DIMENSIONS = TableSpec("Indicators", "Dimensions", "I1", ("Dimension", "Label"), required=("Dimension",))
DATA = TableSpec("Data", "Data", "A1", ("Year",), required=("Year",))
VARIABLES = TableSpec("Variables", "Variables", "A1", ("Year",), required=("Year",))
#: Role (dependent / control), transform (ln / none) and table label of each regression variable.
MODEL = TableSpec("Model", "Model", "A1", ("Variable", "Role", "Transform", "Label", "Description"),
                  required=("Variable", "Role"))
#: One row per setting of :data:`dnqp.engine.settings.REGISTRY` (the one place settings are declared).
SETTINGS = TableSpec("Settings", "Settings", "A1", ("Setting", "Value", "Choices", "Description"),
                     required=("Setting", "Value"))

INPUT_SHEETS = (GUIDE_SHEET, INDICATORS.sheet, DATA.sheet, VARIABLES.sheet, MODEL.sheet, SETTINGS.sheet)

#: Result sheets that the tool creates carry this prefix (and a hidden marker) and are the only sheets
#: it ever writes, replaces or deletes.
RESULT_PREFIX = "dnqp_"
#: How a missing value is typed in the template (blank, NA and #N/A are all accepted).
MISSING_TEXT = "NA"

# ---- panel studies (regions × years) ----
#: A panel's Data and Variables: one row per region-year, keyed by Region then Year (same sheets and Tables).
PANEL_DATA = TableSpec("Data", "Data", "A1", ("Region", "Year"), required=("Region", "Year"))
PANEL_VARIABLES = TableSpec("Variables", "Variables", "A1", ("Region", "Year"), required=("Region", "Year"))
#: Each region's Group (for heterogeneity by region group), its name as printed and the grouping's source.
REGIONS = TableSpec("Regions", "Regions", "A1", ("Region", "Group", "Name", "Source"), required=("Region",))
PANEL_INPUT_SHEETS = (GUIDE_SHEET, INDICATORS.sheet, DATA.sheet, VARIABLES.sheet, REGIONS.sheet, MODEL.sheet,
                      SETTINGS.sheet)
