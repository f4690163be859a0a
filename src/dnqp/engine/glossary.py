"""The one glossary of the labels dnqp writes, in English and Chinese: table titles, headers, row labels, notes.

:data:`GLOSSARY` maps every fixed English label to its Chinese form; :data:`PATTERNS` does the same for
labels with a variable part (``Baseline regression: {0}``), the variable part translated too when it is
itself a glossary entry. Notes are translated clause by clause (clauses end at "; "). Anything that is
not an exact entry — the user's own labels: variable names, indicator codes, dimensions — is returned
unchanged, so the user's labels are never translated.

:func:`translate` translates one label, :func:`translate_note` one note, :func:`translate_block` every
fixed label of a result table (any dataclass with ``title``, ``header``, ``body``, ``notes``, such as
:class:`dnqp.workbook.blocks.Block`). :func:`glossary_rows` lists the glossary for the documentation.
"""

from __future__ import annotations

import dataclasses
import re

from ..errors import SettingsError
from .settings import REGISTRY

__all__ = ["LANGUAGES", "GLOSSARY", "PATTERNS", "translate", "translate_note", "translate_block", "check_language",
           "table_caption", "figure_caption", "glossary_rows", "glossary_markdown"]

#: The languages of the labels: English (the default) and Chinese (the ``language`` setting's choices).
LANGUAGES = REGISTRY["language"].choices

#: Fixed English label → Chinese label.
GLOSSARY: dict[str, str] = {
    # headers of the descriptives, VIF and regression tables (the examples first)
    "Variable": "变量",
    "Variables": "变量",
    "Obs": "样本量",
    "Mean": "均值",
    "Std. Dev.": "标准差",
    "Min": "最小值",
    "Max": "最大值",
    "Coef.": "系数",
    "Std. Err.": "标准误",
    "Observations": "观测值",
    "Region FE": "地区固定效应",
    "Year FE": "年份固定效应",
    "Individual FE": "个体固定效应",
    "Time FE": "时间固定效应",
    "Controls": "控制变量",
    "Yes": "是",
    "No": "否",
    "t statistics in parentheses": "括号内为t值",
    "standard errors in parentheses": "括号内为标准误",
    "t": "t值",
    "P>|t|": "P值",
    "Sig.": "显著性",
    "[95% Conf.": "[95%置信",
    "Interval]": "区间]",
    "VIF": "VIF",
    "1/VIF": "1/VIF",
    "Mean VIF": "平均VIF",
    "R-squared": "R²",
    "Adj R-squared": "调整后R²",
    "F": "F值",
    "F-test": "F检验",
    "Prob > F": "Prob > F",
    "Root MSE": "均方根误差",
    "Statistic": "统计量",
    "Value": "数值",
    "Sub-index": "分项指数",
    "_cons": "常数项",
    # the indicator system and weights
    "Dimension": "维度",
    "Code": "代码",
    "Indicator": "指标",
    "Indicators": "指标数",
    "Direction": "方向",
    "Entropy e": "信息熵 e",
    "Divergence d": "差异系数 d",
    "Weight w": "权重 w",
    "Weight": "权重",
    "Year": "年份",
    "Index": "指数",
    # titles (without their number)
    "Indicator system and entropy weights": "指标体系与熵值法权重",
    "Dimension weights": "维度权重",
    "Descriptive statistics": "描述性统计",
    "Multicollinearity test (VIF)": "多重共线性检验（VIF）",
    "Model statistics": "模型统计量",
    "Indicator weights (entropy weight method)": "指标权重（熵值法）",
    "Settings used": "所用设置",
    "Package versions": "软件包版本",
    "Cells read from text": "按文本读取的单元格",
    "Warnings": "警告",
    "Setting": "设置",
    "Package": "软件包",
    "Version": "版本",
    "Cell": "单元格",
    "Table": "表",
    "Column": "列",
    "Imputed value": "插补值",
    "Typed": "输入值",
    "Read as": "读取为",
    "Note": "说明",
    "Notes": "注",
    "none": "无",
    "missing": "缺失",
    # note clauses
    "Entropy weight method": "熵值法",
    "w = d / Σ d over indicators": "w = d / Σ d（对全部指标求和）",
    "Sum of the weights of each dimension's indicators": "各维度所含指标的权重之和",
    "Std. Dev. with n − 1": "标准差按 n − 1 计算",
    "variables after their Model transform": "变量为按 Model 表变换后的值",
    "Centred VIF from auxiliary regressions with a constant": "中心化VIF，由含常数项的辅助回归计算",
    "rule of thumb: VIF < 10": "经验标准：VIF < 10",
    "global weights, so they add up to the index": "采用全局权重，各分项指数之和等于总指数",
    "weights renormalised within each dimension": "权重在各维度内重新归一化",
    "min–max": "极差标准化",
    "classical (OLS)": "经典（OLS）",
    "Classical (OLS)": "经典（OLS）",
    "robust HC1": "稳健（HC1）",
    "Robust HC1": "稳健（HC1）",
    "robust HC3": "稳健（HC3）",
    "Robust HC3": "稳健（HC3）",
    "global": "全局",
    "mean": "均值插补",
    "linear": "线性插值",
    "within": "维度内",
    # figures
    "Index and sub-indices by year": "指数及分项指数的年度变化",
    "Weights by dimension": "各维度权重",
    "Coefficients with 95% confidence intervals": "系数及其95%置信区间",
    "Coefficient": "系数",
    "Score": "得分",
    "Entropy weight": "熵值法权重",
    "Indicator weights by dimension": "各维度指标权重",
    "Lower 95% bound": "95%置信下限",
    "Upper 95% bound": "95%置信上限",
}

#: Labels with variable parts: English template → Chinese template ({0}, {1} the variable parts).
PATTERNS: tuple[tuple[str, str], ...] = (
    ("Table {0}  {1}", "表{0}  {1}"),
    ("Table {0} {1}", "表{0} {1}"),
    ("Figure {0}  {1}", "图{0}  {1}"),
    ("Baseline regression: {0} ({1} standard errors)", "基准回归：{0}（{1}标准误）"),
    ("Baseline regression: {0}", "基准回归：{0}"),
    ("Heterogeneity: {0} on each sub-index", "异质性分析：{0}对各分项指数的回归"),
    ("{0} index and sub-indices by year ({1} weights)", "{0}指数及分项指数（{1}权重）"),
    ("{0} index and sub-indices by year", "{0}指数及分项指数"),
    ("Imputed cells ({0})", "插补的单元格（{0}）"),
    ("standardisation {0}, shift {1}", "标准化：{0}，平移量 {1}"),
    ("interval {0}", "区间 {0}"),
    ("Dropped: {0}", "已剔除：{0}"),
    ("Sub-indices: {0}", "分项指数：{0}"),
    ("{0} standard errors", "{0}标准误"),
    ("Newey–West HAC, {0} lag(s)", "Newey–West HAC（{0}阶滞后）"),
    ("Column (k) replaces {0} by the sub-index named in its header",
     "第(k)列以列标题所示的分项指数替代{0}"),
    ("t statistics in parentheses ({0} standard errors)", "括号内为t值（{0}标准误）"),
    ("platform {0}", "平台 {0}"),
    ("Coefficients of {0} with 95% confidence intervals", "{0}的系数及其95%置信区间"),
    ("Coefficients with 95% confidence intervals ({0})", "系数及其95%置信区间（{0}）"),
    ("{0} index and sub-indices, {1}", "{0}指数及分项指数，{1}"),
)

_COMPILED = [(re.compile("^" + re.escape(en).replace(r"\{0\}", "(.+?)").replace(r"\{1\}", "(.+?)") + "$"), en, zh)
             for en, zh in PATTERNS]
_ZH_PUNCT = {";": "；", ".": "。"}


def check_language(value, where: str = "the language setting") -> str:
    """``value`` as a language code (en or zh, case-insensitive; the registry's aliases such as English/中文
    too); else a one-line error naming ``where`` (e.g. "Settings!C14").

    >>> check_language(" ZH "), check_language("English")
    ('zh', 'en')
    """
    try:
        return REGISTRY["language"].choice(value, noun="language")
    except SettingsError as err:
        raise SettingsError(f"{where}: {err}") from None


def translate(text, language: str = "zh", keep=frozenset()):
    """One label in ``language``: an exact glossary entry or pattern; anything else (numbers, the user's
    labels) unchanged. A label in ``keep`` (the user's own labels) is never translated, nor is a pattern's
    variable part that is one.

    >>> translate("Std. Dev."), translate("Baseline regression: lnUpgrade"), translate("lnPort")
    ('标准差', '基准回归：lnUpgrade', 'lnPort')
    >>> translate("Table 6  Baseline regression: lnUpgrade"), translate("Obs", "en"), translate("Index", keep={"Index"})
    ('表6  基准回归：lnUpgrade', 'Obs', 'Index')
    """
    if language == "en" or not isinstance(text, str):
        return text
    check_language(language)
    key = text.strip()
    if key in keep:
        return text
    if key in GLOSSARY:
        return GLOSSARY[key]
    for rx, _, zh in _COMPILED:
        m = rx.match(key)
        if m:
            return zh.format(*(translate(g, language, keep) for g in m.groups()))
    return text


def translate_note(note, language: str = "zh", keep=frozenset()):
    """A note in ``language``, clause by clause (clauses end at "; " and a final "."); a clause that is not
    in the glossary stays as written.

    >>> translate_note("Centred VIF from auxiliary regressions with a constant; rule of thumb: VIF < 10.")
    '中心化VIF，由含常数项的辅助回归计算；经验标准：VIF < 10。'
    """
    if language == "en" or not isinstance(note, str):
        return note
    check_language(language)
    body, end = (note[:-1], "。") if note.endswith(".") else (note, "")
    whole = translate(body, language, keep)
    if whole is not body:
        return whole + end
    clauses = body.split("; ")
    out = [translate(c, language, keep) for c in clauses]
    if all(o is c for o, c in zip(out, clauses)):
        return note
    return "；".join(out) + end


def translate_block(block, language: str = "zh", keep=frozenset()):
    """A copy of a result table with its title, header cells, row labels (first column) and notes in
    ``language``. Only exact glossary entries change; numbers and the user's labels (``keep``) stay."""
    if language == "en":
        return block
    check_language(language)
    body = [[translate(row[0], language, keep), *row[1:]] if row else row for row in block.body]
    header = [[translate(c, language, keep) for c in row] for row in block.header]
    return dataclasses.replace(block, title=translate(block.title, language, keep), header=header, body=body,
                               notes=[translate_note(n, language, keep) for n in block.notes])


def table_caption(number: int, title: str, language: str = "en", keep=frozenset()) -> str:
    """A table's numbered caption: ``Table 3  Descriptive statistics`` / ``表3  描述性统计``."""
    title = translate(title, language, keep)
    return f"表{number}  {title}" if language == "zh" else f"Table {number}  {title}"


def figure_caption(number: int, title: str, language: str = "en", keep=frozenset()) -> str:
    """A figure's numbered caption: ``Figure 1  Weights by dimension`` / ``图1  各维度权重``."""
    title = translate(title, language, keep)
    return f"图{number}  {title}" if language == "zh" else f"Figure {number}  {title}"


def glossary_rows() -> list[tuple[str, str]]:
    """Every entry of the glossary as (English, Chinese), patterns last, for the documentation."""
    return [*GLOSSARY.items(), *PATTERNS]


def glossary_markdown() -> str:
    """The glossary as a Markdown table (English | 中文), for the documentation site.

    Examples
    --------
    >>> glossary_markdown().splitlines()[:3]
    ['| English | 中文 |', '|---|---|', '| Variable | 变量 |']
    """
    def cell(text: str) -> str:
        return text.replace("|", "\\|")

    return "\n".join(["| English | 中文 |", "|---|---|", *[f"| {cell(en)} | {cell(zh)} |" for en, zh in glossary_rows()]])
