"""An errata check of a published regression table: are its printed t, p, stars and F consistent?

A table prints rounded figures. :func:`audit_table` turns every printed figure into the interval of
values that print that way (± half a unit in its last printed digit), propagates the intervals through

* t = coef / SE,
* p = 2·P(T > |t|) with the residual degrees of freedom df = N − k − 1 (k regressors besides the constant),
* the stars (one per threshold p is below, :data:`dnqp.engine.regression.STARS`),
* F = (R² / k) / ((1 − R²) / df), adjusted R² = 1 − (1 − R²)(N − 1)/df and Prob > F,

and flags a printed figure only when its own interval and the recomputed interval do not overlap: a slip
beyond rounding. Trailing zeros are read as possible padding (papers often print Stata's 3.15 as 3.1500,
its 0.014 as 0.0140), so by default the last non-zero digit sets the interval; ``padded=False`` takes
every printed digit at its word.

The table is rows of cells as printed (text keeps its trailing zeros; numbers are read at the digits
their ``repr`` shows). The first non-empty row is the header: a term column first, then any of Coef.,
Std. Err., t, P>|t| (English or Chinese headings, see :data:`COLUMN_NAMES`). Term rows follow; model rows
(Observations, R-squared, Adj R-squared, F, Prob > F, k) hold their figure in the second column
(:data:`MODEL_ROWS`). Stars are read from the coefficient cell (1.6890**).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..errors import DataError
from .regression import STARS, f_from_rsquared, t_pvalue

__all__ = ["Printed", "Finding", "AuditResult", "parse_printed", "audit_table", "example_table", "COLUMN_NAMES",
           "MODEL_ROWS", "CONSTANT_NAMES", "EXAMPLE"]

#: The shipped example: the seed paper's Table 4 as printed (provenance in ``data/seed_table4.md``).
EXAMPLE = "seed_table4.csv"

#: Column → the headings that name it (compared case- and space-insensitively).
COLUMN_NAMES = {
    "coef": ("coef", "coef.", "coefficient", "coefficients", "b", "beta", "estimate", "系数", "回归系数", "估计值"),
    "se": ("se", "s.e.", "std. err.", "std.err.", "std err", "std. error", "standard error", "robust std. err.",
           "标准误", "标准误差"),
    "t": ("t", "t-stat", "t stat", "t-statistic", "t statistic", "t value", "t-value", "t值", "t统计量"),
    "p": ("p", "p>|t|", "p-value", "p value", "pvalue", "prob.", "p值"),
    # stars in a column of their own (Stata-like output); a column so headed that holds numbers is SPSS's
    # Sig., a p-value
    "stars": ("stars", "sig.", "sig", "significance", "显著性"),
}
#: Model-level row → the labels that name it.
MODEL_ROWS = {
    "n": ("n", "obs", "obs.", "observations", "number of obs", "no. of obs", "sample size", "观测值", "样本量",
          "观测数", "样本数"),
    "k": ("k", "regressors", "number of regressors", "解释变量个数", "自变量个数"),
    "r2": ("r2", "r²", "r-squared", "r squared", "r-sq", "r-sq.", "拟合优度", "r方"),
    "adj_r2": ("adj r2", "adj. r2", "adj r²", "adj. r²", "adj r-squared", "adj. r-squared", "adjusted r-squared",
               "adjusted r2", "调整r²", "调整r2", "调整后r²", "调整后r2"),
    "f": ("f", "f-test", "f test", "f-statistic", "f statistic", "f-stat", "f值", "f统计量"),
    "prob_f": ("prob > f", "prob>f", "p(f)", "f p-value", "prob (f)", "f检验p值"),
}
#: Rows of a table that are neither terms nor checked statistics (skipped).
IGNORED_ROWS = ("mean vif", "root mse", "aic", "bic", "log likelihood", "controls", "control variables",
                "region fe", "year fe", "individual fe", "time fe", "province fe", "city fe", "控制变量",
                "地区固定效应", "年份固定效应", "个体固定效应", "时间固定效应", "省份固定效应", "城市固定效应")
#: Terms that are the constant (not counted in k).
CONSTANT_NAMES = ("_cons", "cons", "const", "constant", "intercept", "c", "常数项", "常数")

_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$", re.IGNORECASE)
_F_DF = re.compile(r"^f\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)$", re.IGNORECASE)


def _key(text) -> str:
    return " ".join(str(text).replace("（", "(").replace("）", ")").strip().lower().split())


@dataclass(frozen=True)
class Printed:
    """One printed figure: its text, value, the interval of values that print as it, and its stars."""

    text: str
    value: float
    low: float
    high: float
    stars: int = 0


def parse_printed(cell, padded: bool = True) -> Printed | None:
    """A printed figure, or None for a blank cell.

    Stars after the number are counted; parentheses, full-width brackets, the minus sign − and a leading
    dot (.0387) are read as printed.

    >>> p = parse_printed("1.6890**")
    >>> p.value, p.stars, round(p.low, 6), round(p.high, 6)
    (1.689, 2, 1.6885, 1.6895)
    >>> q = parse_printed("1.6890**", padded=False)
    >>> round(q.low, 6), round(q.high, 6)
    (1.68895, 1.68905)
    >>> parse_printed("(-0.32)").value, parse_printed("") is None
    (-0.32, True)
    """
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise DataError(f"{cell!r} is not a number")
    if isinstance(cell, int | float):
        if isinstance(cell, int) and abs(cell) > 2**1023:  # beyond a double (JSON allows 10**400)
            raise DataError(f"{str(cell)[:12]}… is too large to be a number")
        if not math.isfinite(cell):
            return None
        text = repr(float(cell)) if isinstance(cell, float) else str(cell)
        if "e" in text.lower():
            text = f"{cell:.15f}".rstrip("0")
    else:
        text = str(cell)
    raw = text.strip()
    if not raw or raw in ("—", "——", "-", "--", "."):
        return None
    s = raw.replace("−", "-").replace("–", "-").replace("（", "(").replace("）", ")").replace(" ", "")
    stars = len(s) - len(s.rstrip("*"))
    s = s.rstrip("*")
    if s.startswith("(") and s.endswith(")") or s.startswith("[") and s.endswith("]"):
        s = s[1:-1]
    s = s.rstrip("*")
    if not _NUMBER.match(s):
        raise DataError(f"{raw!r} is not a printed number")
    mantissa, _, exponent = s.lower().partition("e")
    frac = mantissa.partition(".")[2]
    if padded:
        frac = frac.rstrip("0")
    unit = 10.0 ** (-len(frac) + (int(exponent) if exponent else 0))
    value = float(s)
    return Printed(raw, value, value - unit / 2, value + unit / 2, stars)


@dataclass(frozen=True)
class Finding:
    """One inconsistency: the row, what was checked, the printed text and the interval recomputed."""

    item: str
    check: str
    printed: str
    low: float
    high: float
    line: str


@dataclass(frozen=True)
class AuditResult:
    """The audit of one table: its inconsistencies, and what was checked."""

    findings: tuple[Finding, ...]
    checks: int
    terms: int
    nobs: int | None
    k: int | None
    df_resid: int | None

    @property
    def consistent(self) -> bool:
        return not self.findings

    def lines(self) -> list[str]:
        """One line per inconsistency, or one line saying the table is consistent."""
        if self.findings:
            return [f.line for f in self.findings]
        if not self.checks:
            return ["nothing to check: give t with Std. Err., or P>|t| or stars with Observations, or F with "
                    "R-squared and Observations"]
        df = f" (residual df = {self.df_resid})" if self.df_resid is not None else ""
        return [f"consistent: all {self.checks} checks on {self.terms} term(s) and the model statistics agree "
                f"within the printed rounding{df}"]


def _fmt(x: float, digits: int = 4) -> str:
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return f"{x:.{digits}g}"


def _span(low: float, high: float) -> str:
    """[low, high] with enough significant digits to tell them apart."""
    digits = 4
    while digits < 8 and _fmt(low, digits) == _fmt(high, digits) and low != high:
        digits += 1
    return f"[{_fmt(low, digits)}, {_fmt(high, digits)}]"


def _overlap(p: Printed, low: float, high: float) -> bool:
    tol = 1e-12 * max(1.0, abs(low), abs(high))
    return p.low <= high + tol and low - tol <= p.high


def _ratio(num: Printed, den: Printed) -> tuple[float, float] | None:
    """The interval of num/den over both intervals (None when den's interval reaches 0)."""
    if den.low <= 0 <= den.high:
        return None
    corners = [a / b for a in (num.low, num.high) for b in (den.low, den.high)]
    return min(corners), max(corners)


def _p_of_t(low: float, high: float, df: int) -> tuple[float, float]:
    """The p-values over a t interval (p falls as |t| grows)."""
    a_hi = max(abs(low), abs(high))
    a_lo = 0.0 if low <= 0 <= high else min(abs(low), abs(high))
    return float(t_pvalue(a_hi, df)), float(t_pvalue(a_lo, df))


def _stars_possible(n: int, low: float, high: float, levels: Sequence[float]) -> bool:
    """Whether some p in [low, high] earns exactly n stars (p strictly below n thresholds)."""
    upper = levels[n - 1] if n else math.inf  # p < upper
    lower = levels[n] if n < len(levels) else -math.inf  # p >= lower
    return low < upper and high >= lower


def _header(rows: list[list]) -> tuple[int, dict[str, int]]:
    for i, row in enumerate(rows):
        if not any(c is not None and str(c).strip() for c in row):
            continue
        names = {}
        for j, c in enumerate(row[1:], start=1):
            key = _key(c) if c is not None else ""
            for col, aliases in COLUMN_NAMES.items():
                if key in aliases and col not in names:
                    names[col] = j
        return i, names
    raise DataError("the table is empty: it needs a header row (term, Coef., Std. Err., t, P>|t|) and terms")


def _model_key(label: str) -> str | None:
    key = _key(label)
    for name, aliases in MODEL_ROWS.items():
        if key in aliases:
            return name
    return "f_df" if _F_DF.match(key) else None


def _cell(row: list, j: int | None):
    return row[j] if j is not None and j < len(row) else None


def _read(row_label: str, cell, padded: bool, what: str) -> Printed | None:
    try:
        return parse_printed(cell, padded)
    except DataError:
        raise DataError(f"{row_label}: the {what} {str(cell).strip()!r} is not a printed number") from None


def _split_cell(cell) -> tuple:
    """A cell holding a coefficient and its statistic on two lines ("2.7704**\\n(2.90)") → its two parts."""
    if isinstance(cell, str):
        parts = cell.replace("（", "(").replace("）", ")").split()
        if len(parts) == 2 and parts[1].startswith("("):
            return parts[0], parts[1]
    return cell, None


def _is_esttab(rows: list[list], h: int) -> bool:
    """Whether the table has one column per model, statistics in parentheses under the coefficients."""
    for row in rows[h + 1:]:
        for cell in row[1:]:
            text = str(cell).strip().replace("（", "(").replace("）", ")") if cell is not None else ""
            if text.startswith("(") and text.rstrip("*").endswith(")") or _split_cell(cell)[1] is not None:
                return True
    return False


def _audit_models(rows: list[list], h: int, levels: tuple[float, ...], padded: bool, stat: str) -> AuditResult:
    """An esttab-style table: each model column becomes a long table audited on its own."""
    if stat not in ("t", "se"):
        raise DataError(f"the statistic in parentheses must be t or se, not {stat!r}")
    header = rows[h]
    width = max(len(r) for r in rows)
    names = [str(header[j]).strip() if j < len(header) and header[j] is not None and str(header[j]).strip()
             else f"({j})" for j in range(1, width)]
    per_model: list[list[list]] = [[["term", "coef", stat]] for _ in names]
    pending = None
    for row in rows[h + 1:]:
        label = "" if not row or row[0] is None else str(row[0]).strip()
        cells = [row[j] if j < len(row) else None for j in range(1, width)]
        if label and _model_key(label) is None and _key(label) not in IGNORED_ROWS:
            split = [_split_cell(c) for c in cells]
            for m, (coef, second) in enumerate(split):
                per_model[m].append([label, coef, second])
            pending = None if any(sec is not None for _, sec in split) else label
        elif label:
            for m, c in enumerate(cells):
                per_model[m].append([label, c])
            pending = None
        elif pending is not None:
            for m, c in enumerate(cells):
                per_model[m][-1][2] = c
            pending = None
    findings, checks, terms = [], 0, 0
    results = []
    for name, table in zip(names, per_model):
        if not any(len(r) > 1 and r[1] is not None and str(r[1]).strip() for r in table[1:]):
            continue
        r = _audit_long(table, 0, {"coef": 1, stat: 2}, levels, padded)
        results.append(r)
        checks += r.checks
        terms += r.terms
        findings += [Finding(f"{name} {f.item}", f.check, f.printed, f.low, f.high, f"{name} — {f.line}")
                     for f in r.findings]
    if not results:
        raise DataError("the table's model columns hold no coefficients")
    first = results[0]
    return AuditResult(tuple(findings), checks, terms, first.nobs, first.k,
                       first.df_resid if all(r.df_resid == first.df_resid for r in results) else None)


def audit_table(rows: Sequence[Sequence], *, levels: Sequence[float] = STARS, padded: bool = True,
                stat: str = "t") -> AuditResult:
    """Check a published regression table's t, p, stars, F, adjusted R² and Prob > F for slips beyond rounding.

    Parameters
    ----------
    rows : sequence of rows
        The table as printed: a header row (term column, then Coef., Std. Err., t and/or P>|t|), the
        terms, then model rows (Observations, R-squared, F, optionally k, Adj R-squared, Prob > F, or
        F(k, df)) with their figure in the second column. k defaults to the number of terms other than
        the constant.
    levels : sequence of float
        The star thresholds, largest first (default 0.10, 0.05, 0.01).
    padded : bool
        Read trailing zeros as possible padding (default), so 0.0140 may be a padded 0.014.
    stat : {"t", "se"}
        In a table with one column per model (esttab layout: the coefficient, then its statistic in
        parentheses on the row below or on a second line of the cell), what the parentheses hold.

    Returns
    -------
    AuditResult
        ``lines()`` gives one line per inconsistency, or one line saying the table is consistent.

    Examples
    --------
    The seed paper's Table 4 (two terms shown): its F and the lnStruc p are slips, DNQP is fine.

    >>> table = [["", "Coef.", "Std. Err.", "t", "P>|t|"],
    ...          ["DNQP", "1.6890**", "0.5370", "3.1500", "0.0140"],
    ...          ["lnStruc", "0.0312*", "0.0168", "1.8600", "0.0950"],
    ...          ["Observations", "15"], ["k", "6"], ["R-squared", "0.9643"], ["F-test", "56.19"]]
    >>> for line in audit_table(table).lines():
    ...     print(line)
    lnStruc: P>|t| printed 0.0950, but t = 0.0312/0.0168 ∈ [1.849, 1.866] gives p ∈ [0.09906, 0.1017] with 8 df
    F-test: printed 56.19, but R² = 0.9643 with N = 15, k = 6 gives F ∈ [35.96, 36.07]
    """
    rows = [list(r) if isinstance(r, list | tuple) else [r] for r in rows]
    levels = tuple(float(x) for x in levels)
    h, cols = _header(rows)
    if "coef" not in cols and not cols and _is_esttab(rows, h):
        return _audit_models(rows, h, levels, padded, stat)
    return _audit_long(rows, h, cols, levels, padded)


def _audit_long(rows: list[list], h: int, cols: dict[str, int], levels: tuple[float, ...],
                padded: bool) -> AuditResult:
    if "coef" not in cols:
        raise DataError("the table has no Coef. column (a header such as Coef., coefficient or 系数)")
    if "se" not in cols and "t" not in cols:
        raise DataError("the table has neither a Std. Err. nor a t column: t cannot be recomputed or checked")
    cols = dict(cols)
    star_col = cols.pop("stars", None)
    if star_col is not None and "p" not in cols and any(
            _NUMBER.match(str(_cell(r, star_col) or "").strip()) for r in rows[h + 1:]):
        cols["p"], star_col = star_col, None  # SPSS's Sig.: a p-value

    terms: list[tuple[str, dict[str, Printed | None]]] = []
    model: dict[str, Printed] = {}
    model_labels: dict[str, str] = {}
    f_df: tuple[int, int] | None = None
    for row in rows[h + 1:]:
        label = "" if not row or row[0] is None else str(row[0]).strip()
        if not label:
            if any(c is not None and str(c).strip() for c in row):
                continue  # a t or SE row under its coefficient in an esttab layout: not this reader's format
            continue
        if _key(label) in IGNORED_ROWS:
            continue
        mk = _model_key(label)
        if mk is not None:
            value = next((c for c in row[1:] if c is not None and str(c).strip()), None)
            if mk == "f_df":
                m = _F_DF.match(_key(label))
                f_df = (int(m.group(1)), int(m.group(2)))
                mk = "f"
            got = _read(label, value, padded, "figure")
            if got is not None:
                model[mk], model_labels[mk] = got, label
            continue
        cells = {c: _read(label, _cell(row, j), padded, {"coef": "coefficient", "se": "standard error",
                                                         "t": "t", "p": "p"}[c]) for c, j in cols.items()}
        if all(v is None for v in cells.values()):
            continue  # a heading row such as "lnUpgrade ——"
        marks = str(_cell(row, star_col) or "").strip() if star_col is not None else ""
        if marks and set(marks) == {"*"} and cells["coef"] is not None:
            cells["coef"] = dataclasses.replace(cells["coef"], stars=max(cells["coef"].stars, len(marks)))
        terms.append((label, cells))
    if not terms:
        raise DataError("the table lists no terms under its header")

    nobs = k = df = None
    if "n" in model:
        if not float(model["n"].value).is_integer() or model["n"].value < 1:
            raise DataError(f"{model_labels['n']}: {model['n'].text} is not a number of observations")
        nobs = int(model["n"].value)
    if "k" in model:
        k = int(model["k"].value)
    elif f_df is not None:
        k = f_df[0]
    else:
        k = sum(_key(t) not in CONSTANT_NAMES and any(c.get(x) is not None for x in ("se", "t", "p"))
                for t, c in terms)
    findings: list[Finding] = []
    checks = 0
    uses_stars = any(c["coef"] is not None and c["coef"].stars for _, c in terms)  # else no star is a slip
    if nobs is not None:
        df = nobs - k - 1
        if df < 1:
            raise DataError(f"N = {nobs} with k = {k} regressors leaves {df} residual degrees of freedom")
        if f_df is not None and f_df != (k, df):
            findings.append(Finding(model_labels["f"], "df", model_labels["f"], df, df,
                                    f"{model_labels['f']}: printed degrees of freedom ({f_df[0]}, {f_df[1]}), but "
                                    f"N = {nobs} and k = {k} give ({k}, {df})"))
    needs_df = any(c.get("p") is not None or c["coef"] is not None and c["coef"].stars for _, c in terms) \
        or any(m in model for m in ("f", "adj_r2", "prob_f"))
    if df is None and needs_df:
        raise DataError("the table has no Observations (N) row: p, the stars and F need the residual degrees "
                        "of freedom N − k − 1")

    for label, c in terms:
        coef, se, t, p = c["coef"], c.get("se"), c.get("t"), c.get("p")
        t_spans = []
        ratio = _ratio(coef, se) if coef is not None and se is not None else None
        if ratio is not None:
            t_spans.append(ratio)
            how = f"{coef.text.rstrip('*')}/{se.text}"
            if t is not None:
                checks += 1
                if not _overlap(t, *ratio):
                    findings.append(Finding(label, "t", t.text, *ratio,
                                            f"{label}: t printed {t.text}, but {how} gives t ∈ {_span(*ratio)}"))
        if t is not None:
            t_spans.append((t.low, t.high))
            if coef is not None and ratio is None and coef.value * t.value < 0 \
                    and (coef.high < 0 or coef.low > 0) and (t.high < 0 or t.low > 0):
                checks += 1
                findings.append(Finding(label, "sign", t.text, t.low, t.high,
                                        f"{label}: the coefficient {coef.text} and its t {t.text} have opposite signs"))
        if df is None or not t_spans:
            continue
        lo, hi = min(s[0] for s in t_spans), max(s[1] for s in t_spans)
        p_lo, p_hi = _p_of_t(lo, hi, df)
        # the true t lies in every span: where coef/SE and a printed t (whose zeros may be padding: 2.00 may be
        # 2) agree, p is checked against their intersection too, which a slip in p cannot hide behind
        both = (max(s[0] for s in t_spans), min(s[1] for s in t_spans))
        if p is not None:
            checks += 1
            if not _overlap(p, p_lo, p_hi):
                src = f"t = {how} ∈ {_span(*ratio)}" if ratio is not None and (lo, hi) == ratio \
                    else f"t ∈ {_span(lo, hi)}"
                findings.append(Finding(label, "p", p.text, p_lo, p_hi,
                                        f"{label}: P>|t| printed {p.text}, but {src} gives p ∈ {_span(p_lo, p_hi)} "
                                        f"with {df} df"))
            elif len(t_spans) > 1 and both[0] <= both[1] and not _overlap(p, *_p_of_t(*both, df)):
                b_lo, b_hi = _p_of_t(*both, df)
                findings.append(Finding(label, "p", p.text, b_lo, b_hi,
                                        f"{label}: P>|t| printed {p.text}, but t ∈ {_span(*both)} ({how} and the "
                                        f"printed t {t.text}) gives p ∈ {_span(b_lo, b_hi)} with {df} df"))
        if coef is not None and uses_stars:
            s_lo, s_hi = (min(max(p.low, 0.0), p_lo), max(p.high, p_hi)) if p is not None else (p_lo, p_hi)
            checks += 1
            if not _stars_possible(coef.stars, s_lo, s_hi, levels):
                legend = ", ".join(f"{'*' * (i + 1)} p<{x:g}" for i, x in enumerate(levels))
                findings.append(Finding(label, "stars", coef.text, s_lo, s_hi,
                                        f"{label}: {coef.stars or 'no'} star{'s' * (coef.stars != 1)} printed on "
                                        f"{coef.text}, but p ∈ {_span(s_lo, s_hi)} ({legend})"))

    if "r2" in model and df is not None:
        r2 = model["r2"]

        def f_of(r):  # F rises with R²
            return math.inf if r >= 1 else f_from_rsquared(max(r, 0.0), nobs, k)

        def adj_of(r):
            return 1 - (1 - r) * (nobs - 1) / df

        f_lo, f_hi = f_of(r2.low), f_of(r2.high)
        if "f" in model:
            checks += 1
            if not _overlap(model["f"], f_lo, f_hi):
                lab = model_labels["f"]
                findings.append(Finding(lab, "F", model["f"].text, f_lo, f_hi,
                                        f"{lab}: printed {model['f'].text}, but R² = {r2.text} with N = {nobs}, "
                                        f"k = {k} gives F ∈ {_span(f_lo, f_hi)}"))
        if "adj_r2" in model:
            checks += 1
            a_lo, a_hi = adj_of(r2.low), adj_of(r2.high)
            if not _overlap(model["adj_r2"], a_lo, a_hi):
                lab = model_labels["adj_r2"]
                findings.append(Finding(lab, "adj R²", model["adj_r2"].text, a_lo, a_hi,
                                        f"{lab}: printed {model['adj_r2'].text}, but R² = {r2.text} with N = {nobs}, "
                                        f"k = {k} gives {_span(a_lo, a_hi)}"))
    elif "f" in model and df is not None and "prob_f" not in model:
        raise DataError("the table has an F row but no R-squared row: F is recomputed from R², N and k")
    if "prob_f" in model and "f" in model and df is not None:
        from scipy.special import fdtrc

        fp = model["f"]
        q_lo, q_hi = float(fdtrc(k, df, max(fp.high, 0.0))), float(fdtrc(k, df, max(fp.low, 0.0)))
        checks += 1
        if not _overlap(model["prob_f"], q_lo, q_hi):
            lab = model_labels["prob_f"]
            findings.append(Finding(lab, "Prob > F", model["prob_f"].text, q_lo, q_hi,
                                    f"{lab}: printed {model['prob_f'].text}, but F = {fp.text} with ({k}, {df}) df "
                                    f"gives {_span(q_lo, q_hi)}"))
    return AuditResult(tuple(findings), checks, len(terms), nobs, k, df)


def example_table() -> list[list[str]]:
    """The seed paper's Table 4 as printed (:data:`EXAMPLE`; provenance in ``data/seed_table4.md``).

    Examples
    --------
    >>> [f.item for f in audit_table(example_table()).findings]
    ['lnStruc', 'F-test']
    """
    import csv
    from importlib import resources

    text = resources.files("dnqp.engine").joinpath("data", EXAMPLE).read_text(encoding="utf-8")
    return [row for row in csv.reader(text.splitlines())]
