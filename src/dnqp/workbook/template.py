"""The contents of the workbook template (pure): the value of every input cell, blank or filled.

:func:`template_grids` gives sheet name → 2-D list of values (first row and column = A1), laid out as
:mod:`dnqp.workbook.schema` says. :func:`dnqp.workbook.xlsx.write_template` writes them with Excel Tables, validation,
frozen panes and styles; :func:`dnqp.workbook.grid.parse_grids` reads them back.
"""

from __future__ import annotations

import math

from . import schema
from ..engine.settings import settings_for
from ..engine.sample import DIMENSION_LABELS, INDICATORS, MODEL, PROVENANCE, YEARS, load_sample

__all__ = ["template_grids", "settings_rows", "GUIDE_ROWS", "PANEL_GUIDE_ROWS", "panel_template_grids"]

_MINUS = "\u2212"

#: Guide rows: (sheet, what to type in English, 中文说明).
GUIDE_ROWS = [
    ("Indicators",
     "One row per indicator: Code (short, unique, e.g. A1; it heads a column of Data), Indicator (name), "
     "Dimension (first-level indicator), Unit, Source, Direction (+ benefit, − cost; also 1/-1, benefit/cost, "
     "正向/负向). Any number of indicators and dimensions. The Dimensions table beside it (column I) gives "
     "each dimension a short label used for its sub-index (e.g. Infra).",
     "每行一个指标：代码（简短且唯一，如 A1，作为 Data 表的列名）、指标名称、所属维度（一级指标）、单位、数据来源、"
     "指标属性（+ 正向，− 负向；也可填 1/-1、benefit/cost、正向/负向）。指标和维度的数量不限。右侧 Dimensions "
     "表（I 列）为每个维度设定分指数的简称（如 Infra）。"),
    ("Data",
     "One row per year: Year, then one column per indicator code, raw yearbook values. A missing value is "
     "left blank or typed NA or #N/A; it is imputed (Settings: impute) and every imputed cell is listed in "
     "the results' Log.",
     "每年一行：年份，然后每个指标代码一列，填写统计年鉴原始数值。缺失值留空或填 NA、#N/A；按设置（impute）"
     "插补，所有被插补的单元格都会列在结果的 Log 表中。"),
    ("Variables",
     "One row per year (the same years as Data): Year, then the regression variables as published, not "
     "transformed (ln is applied by the Model sheet). The index and sub-indices are computed, not typed.",
     "每年一行（年份与 Data 相同）：年份，然后是回归变量的原始数值（不要取对数，取对数在 Model 表中设定）。"
     "综合指数和分指数由程序计算，无需填写。"),
    ("Model",
     "One row per regression variable: Variable (a column of Variables), Role (dependent: exactly one; "
     "control), Transform (ln or none), Label (its name in the tables, e.g. lnPort), Description.",
     "每个回归变量一行：变量名（Variables 表中的列名）、角色（dependent 被解释变量，仅一个；control 控制变量）、"
     "变换（ln 取自然对数或 none 不变换）、表中标签（如 lnPort）、说明。"),
    ("Settings",
     "How the study is computed; pick a value from each list. The defaults reproduce the paper's method.",
     "计算方法的设置，从下拉列表中选择。默认值即论文所用的方法。"),
    ("Analysis",
     "Live formulas: the weights, the index and sub-indices, descriptive statistics, VIF, the baseline "
     "regression and the heterogeneity table, computed in Excel by dnqp's worksheet functions as the data "
     "change. 'Analysis' is for the desktop add-in, 'Analysis (web)' for Excel on the web or Mac (dnqp "
     "serve): keep the one you use and delete the other.",
     "实时公式：由 dnqp 工作表函数在 Excel 中计算权重、指数与分指数、描述统计、VIF、基准回归和异质性检验，"
     "数据修改后自动更新。“Analysis”表用于桌面版加载项，“Analysis (web)”表用于网页版或 Mac 版 Excel"
     "（dnqp serve）：保留所用的一张，删除另一张。"),
    ("Run",
     "Save the workbook, then run: dnqp check WORKBOOK (lists every problem with its cell) and dnqp run "
     "WORKBOOK (writes WORKBOOK_results.xlsx next to it; this workbook is never changed).",
     "保存工作簿后运行：dnqp check 工作簿（列出所有问题及其单元格），dnqp run 工作簿（在同一文件夹生成 "
     "工作簿_results.xlsx；原工作簿不会被修改）。"),
]


def _num(x):
    """A cell value: NaN becomes the typed missing marker, whole floats become ints."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return schema.MISSING_TEXT
    x = float(x)
    return int(x) if x.is_integer() else x


def _guide(sample: bool) -> list[list]:
    rows = [["dnqp workbook — guide / 使用说明", None, None],
            [PROVENANCE if sample else "Blank template: the indicators and variables of the paper are pre-filled; "
             "type your own yearbook data, or change the indicators (any number).", None, None],
            [None, None, None],
            ["Sheet / 工作表", "What to type", "填写说明"]]
    rows += [list(r) for r in GUIDE_ROWS]
    rows += [[None, None, None],
             ["Yellow cells are inputs; blank rows inside a table are skipped and notes below it are ignored "
              "(dnqp check lists both). / 黄色单元格为输入区；表格内的空行会被跳过，表格下方的备注会被忽略"
              "（dnqp check 会列出）。", None, None]]
    return rows


def settings_rows(applies: str = "all") -> list[list]:
    """The Settings sheet: its header, then one row per setting of the registry (name, default as typed,
    what may be typed, description); ``applies="panel"`` adds the panel-only settings."""
    return [list(schema.SETTINGS.columns)] + [[s.name, s.default, s.typed, s.en] for s in settings_for(applies)]


def template_grids(sample: bool = False) -> dict[str, list[list]]:
    """Every input sheet's values: the paper's indicators and model, with the sample's data or blank."""
    data = load_sample() if sample else None
    indicators = INDICATORS.assign(Direction=[d.replace("-", _MINUS) for d in INDICATORS["Direction"]])
    ind_rows = [list(schema.INDICATORS.columns)] + [list(r) for r in indicators[list(schema.INDICATORS.columns)]
                                                      .itertuples(index=False)]
    dims = [list(schema.DIMENSIONS.columns)] + [[d, lab] for d, lab in DIMENSION_LABELS.items()]
    width = 10  # A..J: Indicators A:F, gap, Dimensions I:J
    ind_sheet = []
    for i in range(max(len(ind_rows), len(dims))):
        row = [None] * width
        if i < len(ind_rows):
            row[:len(ind_rows[i])] = ind_rows[i]
        if i < len(dims):
            row[8:10] = dims[i]
        ind_sheet.append(row)

    codes = list(INDICATORS["Code"])
    names = list(MODEL["Variable"])
    if data is None:
        data_rows = [[y] + [None] * len(codes) for y in YEARS]
        var_rows = [[y] + [None] * len(names) for y in YEARS]
    else:
        data_rows = [[int(y)] + [_num(v) for v in row] for y, row in zip(data["data"].index,
                                                                         data["data"][codes].to_numpy())]
        var_rows = [[int(y)] + [_num(v) for v in row] for y, row in zip(data["variables"].index,
                                                                       data["variables"][names].to_numpy())]
    model_rows = [list(schema.MODEL.columns)] + [list(r) for r in MODEL[list(schema.MODEL.columns)]
                                                   .itertuples(index=False)]
    return {
        schema.GUIDE_SHEET: _guide(sample),
        schema.INDICATORS.sheet: ind_sheet,
        schema.DATA.sheet: [["Year", *codes], *data_rows],
        schema.VARIABLES.sheet: [["Year", *names], *var_rows],
        schema.MODEL.sheet: model_rows,
        schema.SETTINGS.sheet: settings_rows(),
    }


# ---- the panel template (regions × years) ----
#: Guide rows of the panel template that differ from :data:`GUIDE_ROWS` (sheet → (English, 中文)).
PANEL_GUIDE_ROWS = {
    "Data": ("One row per region-year: Region (a name such as Beijing, text), Year, then one column per indicator "
             "code. An unbalanced panel is fine: absent region-years are listed in the Log, never invented. A "
             "missing value is blank, NA or #N/A and is imputed within its region, along its years.",
             "每个地区-年份一行：地区（名称，如 Beijing，文本）、年份，然后每个指标代码一列。允许非平衡面板：缺少的"
             "地区-年份会列在 Log 中，不会被补造。缺失值留空或填 NA、#N/A，在该地区内沿年份插补。"),
    "Variables": ("One row per region-year (the same regions and years as Data): Region, Year, then the "
                  "regression variables as published, not transformed.",
                  "每个地区-年份一行（地区与年份与 Data 相同）：地区、年份，然后是回归变量的原始数值（不取对数）。"),
    "Regions": ("One row per region: Region (as in Data), Group (for heterogeneity by region group, e.g. the "
                "NBS East / Central / West / Northeast division; every group needs two regions or more), Name, "
                "Source of the grouping. Leave Group blank everywhere (or set group_test = no) to skip it.",
                "每个地区一行：地区（与 Data 相同）、分组（用于按地区分组的异质性分析，如国家统计局东部/中部/西部/"
                "东北划分；每组至少两个地区）、名称、分组来源。分组全部留空（或设 group_test = no）则不做分组检验。"),
    "Settings": ("How the study is computed; pick a value from each list. The panel rows (panel_entropy, effects, "
                 "cluster, …) choose global or by-year entropy, the fixed effects, clustering by region and the "
                 "group test. cluster = region clusters by region; with cluster = none, cov nonrobust is "
                 "conventional and HC1 is xtreg's robust; HC3 and HAC are not offered for panels.",
                 "计算方法的设置，从下拉列表中选择。面板设置（panel_entropy、effects、cluster 等）选择全局或逐年熵值法、"
                 "固定效应、按地区聚类及分组检验。cluster = region 按地区聚类；cluster = none 时 cov 取 nonrobust 为普通"
                 "标准误、HC1 为 xtreg 的 robust；面板不提供 HC3 与 HAC。"),
    "Analysis": ("Live formulas: the weights, the index and sub-indices by region-year, descriptive statistics, "
                 "VIF, the two-way fixed-effects model and the fixed-effects heterogeneity table, computed in Excel "
                 "by dnqp's worksheet functions; a missing value takes its region's mean. 'Analysis' is for the "
                 "desktop add-in, 'Analysis (web)' for Excel on the web or Mac (dnqp serve): keep the one you use.",
                 "实时公式：由 dnqp 工作表函数在 Excel 中计算权重、各地区-年份的指数与分指数、描述统计、VIF、双向固定效应"
                 "模型和固定效应异质性检验；缺失值取该地区均值。“Analysis”表用于桌面版加载项，“Analysis (web)”表用于"
                 "网页版或 Mac 版 Excel（dnqp serve）：保留所用的一张。"),
    "Run": ("Save the workbook, then run: dnqp check WORKBOOK (the design detected, every problem with its cell) "
            "and dnqp run WORKBOOK (writes WORKBOOK_results.xlsx next to it; this workbook is never changed).",
            "保存工作簿后运行：dnqp check 工作簿（显示识别出的面板结构，列出所有问题及其单元格），dnqp run 工作簿"
            "（在同一文件夹生成 工作簿_results.xlsx；原工作簿不会被修改）。"),
}


def _panel_guide(sample: bool) -> list[list]:
    from ..engine.panel_sample import PROVENANCE as PANEL_PROVENANCE

    rows = [["dnqp panel workbook (regions × years) — guide / 面板工作簿使用说明", None, None],
            [PANEL_PROVENANCE if sample else "Blank panel template: the paper's indicators and variables, and China's "
             "31 provinces with the NBS four-region grouping, are pre-filled; type your own yearbook data for each "
             "region-year, or change the regions, years and indicators.", None, None],
            [None, None, None],
            ["Sheet / 工作表", "What to type", "填写说明"]]
    for sheet, en, zh in GUIDE_ROWS:
        if sheet == "Variables":
            rows.append([sheet, *PANEL_GUIDE_ROWS[sheet]])
            rows.append(["Regions", *PANEL_GUIDE_ROWS["Regions"]])
            continue
        rows.append([sheet, *PANEL_GUIDE_ROWS.get(sheet, (en, zh))])
    rows += [[None, None, None],
             ["Yellow cells are inputs; blank rows inside a table are skipped and notes below it are ignored "
              "(dnqp check lists both). / 黄色单元格为输入区；表格内的空行会被跳过，表格下方的备注会被忽略"
              "（dnqp check 会列出）。", None, None]]
    return rows


def panel_template_grids(sample: bool = False) -> dict[str, list[list]]:
    """Every input sheet of the panel template: the time-series template's Indicators and Model, Data and
    Variables keyed by Region and Year (the 31 provinces × 2012–2023; values from the ILLUSTRATIVE panel
    sample, or blank), the Regions table (NBS four-region division, its source stated) and the Settings
    with the panel rows."""
    from ..engine.panel_sample import GROUP_SOURCE, REGIONS, YEARS as PANEL_YEARS, load_panel_sample

    base = template_grids(False)
    codes = list(INDICATORS["Code"])
    names = list(MODEL["Variable"])
    regions = list(REGIONS["Region"])
    if sample:
        s = load_panel_sample()
        data_rows = [[r, int(y)] + [_num(v) for v in row] for (r, y), row in zip(s["data"].index,
                                                                               s["data"][codes].to_numpy())]
        var_rows = [[r, int(y)] + [_num(v) for v in row] for (r, y), row in zip(s["variables"].index,
                                                                              s["variables"][names].to_numpy())]
        reg = s["regions"]
    else:
        data_rows = [[r, y] + [None] * len(codes) for r in regions for y in PANEL_YEARS]
        var_rows = [[r, y] + [None] * len(names) for r in regions for y in PANEL_YEARS]
        reg = REGIONS.assign(Source=GROUP_SOURCE)
    region_rows = [list(schema.REGIONS.columns)] + [[r, g, n, src] for r, g, n, src in
                                                    reg[["Region", "Group", "Name", "Source"]].itertuples(index=False)]
    return {
        schema.GUIDE_SHEET: _panel_guide(sample),
        schema.INDICATORS.sheet: base[schema.INDICATORS.sheet],
        schema.DATA.sheet: [["Region", "Year", *codes], *data_rows],
        schema.VARIABLES.sheet: [["Region", "Year", *names], *var_rows],
        schema.REGIONS.sheet: region_rows,
        schema.MODEL.sheet: base[schema.MODEL.sheet],
        schema.SETTINGS.sheet: settings_rows("panel"),
    }
