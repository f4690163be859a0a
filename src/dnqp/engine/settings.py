"""The settings registry: every setting of a study declared once.

Each :class:`Setting` gives a setting's name (as typed in the Settings sheet), how it is typed in a
cell (its ``kind``), its default (as typed in the template), its allowed values, what it does in English
and Chinese, the group it belongs to and which studies it applies to. Everything else comes from
:data:`REGISTRY`:

* :class:`Settings`, the frozen dataclass the engine takes (its fields, defaults and validation, with
  messages naming the setting);
* the template's Settings sheet rows and validation lists (:mod:`dnqp.workbook.template`,
  :mod:`dnqp.workbook.xlsx`) and the reading of those cells (:func:`from_cells`);
* the worksheet functions' argument documentation (:data:`dnqp.excel.functions.DOC`);
* the choices that engine functions such as :func:`dnqp.entropy_weights` accept.

Adding a setting is one :class:`Setting` in :data:`REGISTRY` plus the code that uses it. A setting
that is typed in several cells (the interval: ``interval_a`` and ``interval_b``) is one declaration per
cell, sharing a ``field`` with its position ``part``.

>>> REGISTRY["cov"].choice("robust")
'HC1'
>>> Settings().interval, Settings().stars
((0.0, 1.0), (0.1, 0.05, 0.01))
>>> from_cells({"shift": "0.01", "stars": "0.05, 0.01, 0.001"}).shift
0.01
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field, fields, make_dataclass

from ..errors import SettingsError
from .cells import cell_text as _text, is_blank as _blank, shown

__all__ = ["Setting", "REGISTRY", "KINDS", "GROUPS", "COMPANION_MEASURES", "PANEL_MEASURES", "Settings", "from_cells", "settings_for", "cell_default"]


@dataclass(frozen=True)
class Kind:
    """How a kind of setting is typed in a cell: the template's *Choices* text when there is no list,
    the Python type of its :class:`Settings` field and the hint Excel shows on the cell."""

    typed: str
    annotation: str
    hint: str


#: The kinds of settings. ``choice``: one of ``choices`` (case-insensitive, ``aliases`` accepted);
#: ``number``: a number; ``lags``: a whole number ≥ 0 or blank (None); ``levels``: numbers in one text
#: cell, such as "0.10, 0.05, 0.01"; ``text``: non-empty text.
KINDS = {
    "choice": Kind("", "str", "Pick a value from the list."),
    "levels": Kind("", "tuple[float, ...]", "Pick a value from the list."),
    "number": Kind("number", "float", "A number."),
    "lags": Kind("whole number or blank", "int | None", "A whole number of lags, or blank for the rule of thumb."),
    "text": Kind("text", "str", ""),
    "count": Kind("whole number", "int", "A whole number ≥ 0."),
}
#: Groups of settings, in the order the Settings sheet shows them.
GROUPS = ("index", "regression", "output", "companion")


def _number(v) -> float | None:
    """A cell's number (text such as "0.01" too, read as :func:`dnqp.coerce_cell` reads it), or None."""
    if isinstance(v, int | float) and not isinstance(v, bool):
        return float(v)
    if isinstance(v, str) and re.fullmatch(r"\s*\d*\.?\d+\s*", v):  # plain digits: the defaults, at import
        return float(v)
    from .prepare import coerce_cell

    x, action, _ = coerce_cell(v)
    return x if action in ("number", "coerced") else None


@dataclass(frozen=True)
class Setting:
    """One setting, as typed in one cell of the Settings sheet.

    name
        The name in the Settings sheet's *Setting* column (and the :class:`Settings` field unless
        ``field`` is given).
    kind
        How it is typed: a key of :data:`KINDS`.
    default
        The default as typed in a cell (the template's *Value*); the :class:`Settings` default is read
        from it, so the two cannot differ.
    en, zh
        What it does, in English (the template's *Description*) and Chinese.
    choices
        The allowed values (``choice``), or the values offered in the cell's list (``levels``).
    aliases
        Other spellings accepted for a choice (lower case → choice).
    field, part
        The :class:`Settings` field it fills when that is not ``name``, and its position in a tuple
        field (``interval_a`` is part 0 of ``interval``).
    group
        One of :data:`GROUPS`.
    applies
        ``"all"`` studies, or ``"panel"`` studies only.
    doc
        The worksheet functions' documentation of the argument of the same meaning (None: no such
        argument).
    noun
        How an engine function's message names the value (``standardisation 'zscore' is not one of …``).
    minimum
        The smallest number allowed (``number`` kind).
    """

    name: str
    kind: str
    default: object
    en: str
    zh: str
    choices: tuple[str, ...] = ()
    aliases: Mapping[str, str] = field(default_factory=dict)
    field: str | None = None
    part: int | None = None
    group: str = "index"
    applies: str = "all"
    doc: str | None = None
    noun: str = ""
    minimum: float | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"setting {self.name}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.group not in GROUPS:
            raise ValueError(f"setting {self.name}: group {self.group!r} is not one of {', '.join(GROUPS)}")

    @property
    def attribute(self) -> str:
        """The :class:`Settings` field this cell fills."""
        return self.field or self.name

    @property
    def typed(self) -> str:
        """What may be typed, as the template's *Choices* column shows it."""
        return " | ".join(self.choices) if self.choices else KINDS[self.kind].typed

    def choice(self, value, noun: str | None = None) -> str:
        """The canonical spelling of a choice (case-insensitive; aliases accepted).

        The message names the setting (``setting cov = 'x' is not one of …``), or uses ``noun`` for an
        engine function's argument.
        """
        key = _text(value)
        for c in self.choices:
            if key.lower() == c.lower():
                return c
        if key.lower() in self.aliases:
            return self.aliases[key.lower()]
        what = f"{noun} {value!r}" if noun else f"setting {self.name} = {shown(value)}"
        raise SettingsError(f"{what} is not one of {', '.join(self.choices)}")

    def levels(self, value) -> tuple[float, ...]:
        """Thresholds from a number sequence or a text cell such as "0.10, 0.05, 0.01", checked."""
        if isinstance(value, str):
            parsed = [_number(p) for p in re.split(r"[,;\s]+", value.strip()) if p]
            if any(x is None for x in parsed):
                raise SettingsError(f"{self.noun} {value!r} are not numbers such as {self.default}")
            value = parsed
        levels = tuple(float(s) for s in value)
        if not levels or any(not 0 < s < 1 for s in levels) or list(levels) != sorted(levels, reverse=True):
            raise SettingsError(f"{self.noun} must be between 0 and 1, largest first (e.g. {self.default})")
        return levels

    def read(self, value):
        """The value of this setting's cell (blank: the default), or :class:`~dnqp.errors.SettingsError`
        naming the setting."""
        if _blank(value):
            value = self.default
            if _blank(value):
                return None
        if self.kind == "choice":
            return self.choice(value)
        if self.kind == "levels":
            return self.levels(_text(value))
        if self.kind == "text":
            return _text(value)
        x = _number(value)
        if x is None:
            raise SettingsError(f"setting {self.name} = {shown(value)} is not a number")
        if self.kind == "lags":
            if not (x.is_integer() and x >= 0):
                raise SettingsError(f"setting {self.name} = {shown(value)} is not a whole number of lags (or blank)")
            return int(x)
        if self.kind == "count":
            if not (x.is_integer() and x >= 0):
                raise SettingsError(f"setting {self.name} = {shown(value)} is not a whole number ≥ 0")
            return int(x)
        if self.minimum is not None and x < self.minimum:
            raise SettingsError(f"setting {self.name} = {shown(value)} must be ≥ {shown(self.minimum)}")
        return x


# ------------------------------------------------------------------------------ companion measures (issue 12)
#: The companion measures a study can add (setting ``companions``), each one results sheet.
COMPANION_MEASURES = ("weights", "topsis", "coupling", "obstacle", "grey", "dagum", "theil", "kde")
#: Measures that need a panel: regions grouped (Dagum, Theil by group) or regions × years (kernel density).
PANEL_MEASURES = ("dagum", "theil", "kde")
_WEIGHTS = ("entropy", "critic", "critic-abs", "equal", "multiplicative", "additive")
COMPANION_SETTINGS = (
    Setting("companions", "text", "none",
            "Companion measures, each a results sheet: none, all, or a list of "
            + ", ".join(COMPANION_MEASURES) + " (dagum, theil, kde need a panel)",
            "附加分析（每项一张结果表）：none 不做、all 全做，或列出 " + "、".join(COMPANION_MEASURES)
            + "（dagum、theil、kde 需面板数据）",
            group="companion", noun="companion list"),
    Setting("companion_weights", "choice", "entropy",
            "Weights of TOPSIS and the obstacle degree: entropy, critic, critic-abs (1 − |r|), equal, "
            "multiplicative or additive (entropy combined with CRITIC)",
            "TOPSIS 与障碍度所用权重：entropy 熵权、critic、critic-abs（1 − |r|）、equal 等权、"
            "multiplicative 乘法组合或 additive 加法组合（熵权与 CRITIC 组合赋权）",
            choices=_WEIGHTS, group="companion", noun="companion weights",
            doc="entropy (default), critic, critic-abs (1 − |r|), equal, multiplicative or additive "
                "(entropy combined with CRITIC)."),
    Setting("combine_lambda", "number", 0.5,
            "λ of the additive combination: w = λ·entropy + (1 − λ)·CRITIC, 0 ≤ λ ≤ 1",
            "加法组合赋权的 λ：w = λ·熵权 + (1 − λ)·CRITIC 权重，0 ≤ λ ≤ 1",
            group="companion", noun="λ", minimum=0,
            doc="λ of the additive combination, w = λ·entropy + (1 − λ)·CRITIC (0.5)."),
    Setting("topsis_normalise", "choice", "minmax",
            "TOPSIS normalisation: minmax (the entropy step's z) or vector (x/√Σx², cost ideals reversed)",
            "TOPSIS 规范化：minmax（熵权法的标准化值 z）或 vector（向量规范化 x/√Σx²，负向指标理想点取最小值）",
            choices=("minmax", "vector"), group="companion", noun="TOPSIS normalisation",
            doc="minmax (the entropy step's z; default) or vector (x/√Σx², cost ideals reversed)."),
    Setting("topsis_panel", "choice", "pooled",
            "Panel TOPSIS: pooled (one ideal over every region-year) or year (each year on its own)",
            "面板 TOPSIS：pooled 全局理想解（所有地区-年份），或 year 逐年计算",
            choices=("pooled", "year"), group="companion", applies="panel", noun="TOPSIS panel mode",
            doc="pooled (one ideal over every row; default) or year (each year normalised and ranked alone)."),
    Setting("coupling_systems", "choice", "subindices",
            "Systems of the coupling coordination: subindices, or index-dependent (the index and the "
            "dependent variable rescaled to [0, 1])",
            "耦合协调的系统：subindices 各分指数，或 index-dependent（综合指数与被解释变量，后者极差化到 [0, 1]）",
            choices=("subindices", "index-dependent"), group="companion", noun="coupling systems"),
    Setting("coupling_variant", "choice", "classic",
            "Coupling degree: classic C = n(ΠU)^(1/n)/ΣU, or revised (Wang Shujia et al. 2021)",
            "耦合度：classic 传统公式 C = n(ΠU)^(1/n)/ΣU，或 revised（王淑佳等 2021 修正模型）",
            choices=("classic", "revised"), group="companion", noun="coupling variant",
            doc="classic C = n(ΠU)^(1/n)/ΣU (default) or revised (Wang Shujia et al. 2021)."),
    Setting("coupling_scaling", "choice", "none",
            "Scores U before coupling: none (as computed, in [0, 1]), minmax, or spssau ([0.01, 0.99])",
            "耦合前的得分 U：none 原值（须在 [0, 1]）、minmax 极差化，或 spssau（区间化到 [0.01, 0.99]）",
            choices=("none", "minmax", "spssau"), group="companion", noun="coupling scaling",
            doc="none (U as given, within [0, 1]; default), minmax or spssau (each system to [0.01, 0.99])."),
    Setting("coupling_alpha", "text", "equal",
            "Weights α of T = Σ α·U, one per system in order (e.g. 0.5, 0.5), summing to 1; equal = 1/n",
            "综合协调指数 T = Σ α·U 的系数 α，按系统顺序填写（如 0.5, 0.5），之和为 1；equal 为等权 1/n",
            group="companion", noun="coupling α",
            doc="Weights α of T = Σ α·U, one per system, summing to 1 (blank: equal, 1/n)."),
    Setting("obstacle_top", "number", 3,
            "How many of the largest obstacles each year (region-year) lists",
            "每年（每个地区-年份）列出的最大障碍因子个数",
            group="companion", noun="number of top obstacles", minimum=1),
    Setting("grey_rho", "number", 0.5,
            "Grey relational analysis: distinguishing coefficient ρ, 0 < ρ ≤ 1",
            "灰色关联分析的分辨系数 ρ，0 < ρ ≤ 1",
            group="companion", noun="ρ", minimum=0,
            doc="Distinguishing coefficient ρ, 0 < ρ ≤ 1 (0.5)."),
    Setting("grey_normalise", "choice", "mean",
            "Grey relational analysis: series made dimensionless by the mean (a sub-index may start at 0), "
            "the initial value, or none",
            "灰色关联分析的无量纲化：mean 均值化（分指数首年可能为 0）、initial 初值化，或 none 不处理",
            choices=("initial", "mean", "none"), group="companion", noun="grey normalisation",
            doc="initial (divide by the first value; default), mean or none."),
    Setting("grey_series", "choice", "subindices",
            "Grey relational analysis of the dependent variable against the subindices or the indicators",
            "灰色关联分析：以被解释变量为参考序列，比较序列为 subindices 各分指数或 indicators 各指标",
            choices=("subindices", "indicators"), group="companion", noun="grey comparison series"),
    Setting("kde_kernel", "choice", "gaussian",
            "Kernel density of the index across regions: gaussian or epanechnikov kernel",
            "综合指数的核密度估计：gaussian 高斯核或 epanechnikov 核",
            choices=("gaussian", "epanechnikov"), group="companion", applies="panel", noun="kernel"),
    Setting("kde_bandwidth", "text", "silverman",
            "Kernel density bandwidth: silverman (rule of thumb) or a number > 0",
            "核密度带宽：silverman 经验法则，或填写大于 0 的数值",
            group="companion", applies="panel", noun="bandwidth"),
    Setting("kde_years", "text", "all",
            "Years whose kernel density is drawn: all, or a list such as 2012, 2018, 2024",
            "绘制核密度曲线的年份：all 全部，或列出如 2012, 2018, 2024",
            group="companion", applies="panel", noun="density years"),
)


_MINMAX = "minmax (paper, formula 4-1)"
#: Every setting, in the Settings sheet's order.
REGISTRY: dict[str, Setting] = {s.name: s for s in (
    Setting("standardize", "choice", "minmax",
            f"How indicators are standardised: {_MINMAX}, interval (a + (b − a)·z), "
            "none (data already standardised, ≥ 0)",
            "指标标准化方法：minmax（极差标准化，论文公式 4-1）、interval（区间化 a + (b − a)·z）、"
            "none（数据已标准化，须 ≥ 0）",
            choices=("minmax", "interval", "none"), noun="standardisation",
            doc="minmax (paper, default), interval or none (data already standardised, ≥ 0)."),
    Setting("shift", "number", 0,
            "Added after standardising (paper 0; SPSSAU-style 0.01; common 0.0001)",
            "标准化后加上的平移量（论文为 0；SPSSAU 常用 0.01；也常用 0.0001）",
            doc="Added after standardising: 0 (paper, default), 0.01 (SPSSAU) or 0.0001.", minimum=0),
    Setting("interval_a", "number", 0,
            "Lower end a of the interval (standardize = interval)",
            "区间化的下限 a（standardize = interval 时使用）", field="interval", part=0, minimum=0),
    Setting("interval_b", "number", 1,
            "Upper end b of the interval (standardize = interval)",
            "区间化的上限 b（standardize = interval 时使用）", field="interval", part=1),
    Setting("constant", "choice", "error",
            "An indicator that never changes: error (default) or drop it with a warning",
            "取值始终不变的指标：error 报错（默认），或 drop 剔除并给出警告",
            choices=("error", "drop"), noun="constant-indicator policy"),
    Setting("impute", "choice", "mean",
            "Missing values: mean (paper), linear (interpolation along the years) or none",
            "缺失值处理：mean 均值插补（论文）、linear 按年份线性插值，或 none 不插补",
            choices=("mean", "linear", "none"), noun="imputation",
            doc="mean (column mean, the paper's choice; default) or linear (interpolation along the years of a "
                "leading Year column, else along the rows)."),
    Setting("convention", "choice", "global",
            "Sub-indices: global weights (they add up to the index) or weights renormalised within "
            "each dimension",
            "分指数：global 使用全局权重（各分指数之和等于综合指数），或 within 在各维度内重新归一化权重",
            choices=("global", "within"), noun="sub-index convention",
            doc="Sub-indices: global (global weights, they add up to the index; default) or within "
                "(weights renormalised inside each dimension)."),
    Setting("cov", "choice", "nonrobust",
            "Standard errors: nonrobust (classical, paper), HC1 (Stata robust), HC3, HAC (Newey–West)",
            "标准误：nonrobust 普通标准误（论文）、HC1（Stata 稳健标准误）、HC3、HAC（Newey–West）",
            choices=("nonrobust", "HC1", "HC3", "HAC"), group="regression", noun="covariance",
            aliases={"classical": "nonrobust", "ols": "nonrobust", "robust": "HC1", "newey": "HAC",
                     "newey-west": "HAC", "neweywest": "HAC"},
            doc="Standard errors: nonrobust (classical, default), HC1 (Stata robust), HC3 or HAC (Newey–West)."),
    Setting("maxlags", "lags", None,
            "HAC lags; blank = Newey–West rule floor(4 (n/100)^(2/9))",
            "HAC 滞后阶数；留空则按 Newey–West 经验法则 floor(4 (n/100)^(2/9))",
            group="regression", doc="HAC lags (blank: floor(4 (n/100)^(2/9)))."),
    Setting("stars", "levels", "0.10, 0.05, 0.01",
            "Significance thresholds for *, **, *** (largest first)",
            "*、**、*** 对应的显著性水平（从大到小）",
            choices=("0.10, 0.05, 0.01", "0.05, 0.01, 0.001"), group="output", noun="star thresholds"),
    Setting("index_label", "text", "DNQP",
            "Name of the composite index in the tables",
            "综合指数在各表中的名称", group="output", noun="index label"),
    # ---- panel studies only (Region × Year): the panel template's Settings sheet shows these too ----
    Setting("panel_entropy", "choice", "global",
            "Panel entropy: global (pool all region-years, k = 1/ln(N·T): scores comparable across years) or "
            "by_year (weights within each year: scores comparable within a year only)",
            "面板熵值法：global 全局熵值法（所有地区-年份合并，k = 1/ln(N·T)，各年得分可比），或 by_year "
            "逐年计算权重（得分仅在同一年内可比）",
            choices=("global", "by_year"), applies="panel", noun="panel entropy"),
    Setting("effects", "choice", "twoway",
            "Fixed effects of the panel regressions: twoway (region and year, default), region, or none "
            "(pooled OLS)",
            "面板回归的固定效应：twoway 地区与年份双向固定效应（默认）、region 仅地区固定效应，或 none "
            "不设固定效应（混合 OLS）",
            choices=("twoway", "region", "none"), group="regression", applies="panel", noun="fixed effects",
            aliases={"two-way": "twoway", "both": "twoway", "fe": "region", "pooled": "none", "ols": "none"}),
    Setting("cluster", "choice", "region",
            "Panel standard errors: region = clustered by region (reghdfe vce(cluster id)); none = by cov: "
            "nonrobust (conventional) or HC1 (xtreg robust); HC3 and HAC are not offered for panels",
            "面板标准误：region 按地区聚类（reghdfe vce(cluster id)）；none 则按 cov：nonrobust 普通标准误，"
            "或 HC1（xtreg 的 robust）；面板不提供 HC3 与 HAC",
            choices=("region", "none"), group="regression", applies="panel", noun="cluster"),
    Setting("panel_convention", "choice", "reghdfe",
            "Whose sample: reghdfe (singleton regions dropped and reported, default) or xtreg (kept)",
            "样本口径：reghdfe（剔除并报告单例地区，默认）或 xtreg（保留）",
            choices=("reghdfe", "xtreg"), group="regression", applies="panel", noun="panel convention"),
    Setting("group_test", "choice", "auto",
            "Heterogeneity by region group: auto (when the Regions table gives groups), yes (required), no",
            "按地区分组的异质性分析：auto（Regions 表给出分组时进行）、yes（必须进行）、no（不进行）",
            choices=("auto", "yes", "no"), group="regression", applies="panel", noun="group test"),
    Setting("group_variable", "text", "index",
            "Regressor whose coefficient is compared across groups: index (the composite index) or a "
            "regressor's label",
            "在各组间比较其系数的解释变量：index（综合指数）或某个解释变量的标签",
            group="regression", applies="panel", noun="group variable"),
    Setting("interact", "choice", "all",
            "Interaction (Chow-type) test: all regressors × group, or only the group variable × group",
            "交互项（Chow 型）检验：all 全部解释变量与分组交互，或 variable 仅分组变量与分组交互",
            choices=("all", "variable"), group="regression", applies="panel", noun="interaction"),
    Setting("permutation_reps", "count", 1000,
            "Replications of Fisher's permutation test of the coefficient difference (as bdiff; 0 = skip)",
            "系数差异 Fisher 置换检验的重复次数（同 Stata bdiff；0 表示不做）",
            group="regression", applies="panel", noun="permutation replications"),
    Setting("permutation_seed", "count", 20260101,
            "Seed of the permutation test (fixed and logged, so the p-value can be reproduced)",
            "置换检验的随机数种子（固定并记录，结果可复现）",
            group="regression", applies="panel", noun="permutation seed"),
    *COMPANION_SETTINGS,
)}


def _fields() -> Iterator[tuple[str, list[Setting]]]:
    """Every :class:`Settings` field with the cells that fill it, in registry order."""
    by_field: dict[str, list[Setting]] = {}
    for s in REGISTRY.values():
        by_field.setdefault(s.attribute, []).append(s)
    yield from by_field.items()


def cell_default(name: str):
    """The Python default of a setting's cell (the registry default, read as a cell)."""
    return REGISTRY[name].read(None)


def _field_default(cells: list[Setting]):
    if len(cells) == 1:
        return cells[0].read(None)
    return tuple(float(c.read(None)) for c in sorted(cells, key=lambda c: c.part))


def _check(self) -> None:
    """Validate and normalise the fields that the registry can check by themselves."""
    for name, cells in _fields():
        s = cells[0]
        value = getattr(self, name)
        if s.kind == "choice":
            object.__setattr__(self, name, s.choice(value, noun=None))
        elif s.kind == "levels":
            object.__setattr__(self, name, s.levels(value))
        elif s.kind == "text" and not str(value).strip():
            raise SettingsError(f"the {s.noun} must not be empty")


def _describe(self) -> dict:
    """Settings as plain values, for a log (tuples as text: ``(0, 1)``, ``0.1, 0.05, 0.01``)."""
    d = asdict(self)
    for name, cells in _fields():
        if cells[0].kind == "levels":
            d[name] = ", ".join(f"{s:g}" for s in d[name])
        elif len(cells) > 1:
            d[name] = "(" + ", ".join(f"{v:g}" for v in d[name]) + ")"
    return d


def _from_mapping(cls, values: Mapping) -> "Settings":
    """Build settings from a field name → value mapping (unknown names are an error)."""
    known = {f.name for f in fields(cls)}
    unknown = [k for k in values if k not in known]
    if unknown:
        raise SettingsError(f"unknown setting {unknown[0]!r}")
    return cls(**dict(values))


def _doc() -> str:
    lines = ["How the study is computed; built from :data:`dnqp.engine.settings.REGISTRY`. The defaults",
             "reproduce the paper's method.", ""]
    for name, cells in _fields():
        lines += [name, "    " + "; ".join(c.en for c in cells) + "."]
    return "\n".join(lines)


Settings = make_dataclass(
    "Settings",
    [(name, KINDS[cells[0].kind].annotation if len(cells) == 1 else "tuple[float, float]",
      field(default=_field_default(cells))) for name, cells in _fields()],
    frozen=True,
    namespace={"__post_init__": _check, "describe": _describe, "from_mapping": classmethod(_from_mapping),
               "__doc__": _doc()},
)
Settings.__module__ = __name__


def settings_for(applies: str = "all") -> list[Setting]:
    """The settings a study of this kind reads (``"all"``: every study; ``"panel"`` adds panel-only ones)."""
    return [s for s in REGISTRY.values() if s.applies in ("all", applies)]


def from_cells(pairs: Mapping[str, object]) -> Settings:
    """:class:`Settings` from the Settings sheet's name → value pairs (registry names; blank = default).

    Each value is read by its :class:`Setting` (errors name the setting); cells of one tuple field are
    put together in ``part`` order.
    """
    kwargs: dict[str, object] = {}
    for name, cells in _fields():
        values = [c.read(pairs.get(c.name)) for c in cells]
        kwargs[name] = values[0] if len(cells) == 1 else tuple(
            v for _, v in sorted(zip((c.part for c in cells), values)))
    return Settings(**kwargs)
