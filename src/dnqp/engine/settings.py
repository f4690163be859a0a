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

__all__ = ["Setting", "REGISTRY", "KINDS", "GROUPS", "Settings", "from_cells", "settings_for", "cell_default"]


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
}
#: Groups of settings, in the order the Settings sheet shows them.
GROUPS = ("index", "regression", "output")


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
        if self.minimum is not None and x < self.minimum:
            raise SettingsError(f"setting {self.name} = {shown(value)} must be ≥ {shown(self.minimum)}")
        return x


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
    Setting("language", "choice", "en",
            "Language of every table title, header, row label and note: en (English) or zh (Chinese); "
            "your own labels are never translated",
            "各表标题、表头、行标签和注释的语言：en 英文或 zh 中文；用户自己的标签不翻译",
            choices=("en", "zh"), group="output", noun="language",
            aliases={"english": "en", "英文": "en", "chinese": "zh", "cn": "zh", "中文": "zh", "zh-cn": "zh",
                     "zh_cn": "zh"}),
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
