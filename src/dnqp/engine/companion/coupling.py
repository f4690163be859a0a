"""Coupling coordination degree of two or more systems, with its ten-level grading (issue 12 §3)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ...errors import DataError, SettingsError
from ..prepare import as_numeric
from ..settings import REGISTRY
from ._common import check_series, row_name, settings_choice, standardized

__all__ = ["CouplingResult", "coupling_coordination", "coupling_grade", "COUPLING_GRADES", "COUPLING_VARIANTS",
           "COUPLING_SCALINGS", "LAG_THRESHOLD"]

#: ``"classic"``: C = n·(∏U)^{1/n}/ΣU; ``"revised"``: Wang Shujia et al. (2021).
COUPLING_VARIANTS = REGISTRY["coupling_variant"].choices
#: ``"none"``: U used as given (must lie in [0, 1]); ``"minmax"``: each system rescaled to [0, 1];
#: ``"spssau"``: each system rescaled to [0.01, 0.99], SPSSAU's default "data intervalisation".
COUPLING_SCALINGS = REGISTRY["coupling_scaling"].choices
#: A system lags when it falls more than this below the leading one.
LAG_THRESHOLD = 0.1

#: The ten grades of D, in steps of 0.1: (level, lower bound, 中文, English).
COUPLING_GRADES = (
    (1, 0.0, "极度失调", "extreme imbalance"),
    (2, 0.1, "严重失调", "serious imbalance"),
    (3, 0.2, "中度失调", "moderate imbalance"),
    (4, 0.3, "轻度失调", "mild imbalance"),
    (5, 0.4, "濒临失调", "on the verge of imbalance"),
    (6, 0.5, "勉强协调", "barely coordinated"),
    (7, 0.6, "初级协调", "primary coordination"),
    (8, 0.7, "中级协调", "intermediate coordination"),
    (9, 0.8, "良好协调", "good coordination"),
    (10, 0.9, "优质协调", "high-quality coordination"),
)


def coupling_grade(d: float | np.ndarray) -> np.ndarray:
    """Level 1–10 of D: ``[0, 0.1)`` → 1 … ``[0.9, 1]`` → 10 (SPSSAU's intervals; D = 1 is level 10).

    Examples
    --------
    >>> coupling_grade([0.0, 0.05, 0.1, 0.55, 0.95, 1.0]).tolist()
    [1, 1, 2, 6, 10, 10]
    """
    d = np.asarray(d, dtype=float)
    # Bounds compared as decimals (0.3 ≤ D, not 3 ≤ 10·D, which rounding can tip either way).
    bounds = np.array([g[1] for g in COUPLING_GRADES[1:]])
    return np.searchsorted(bounds, d, side="right") + 1


@dataclass(frozen=True)
class CouplingResult:
    """What :func:`coupling_coordination` computes. Series are indexed like the rows of U.

    Attributes
    ----------
    coupling, coordination, degree : Series
        The coupling degree C, the comprehensive coordination index T and D = √(C·T), each in [0, 1].
    level : Series
        Grade 1–10 of D (:data:`COUPLING_GRADES`); the properties ``grade_zh`` and ``grade_en`` name it.
    lagging : Series
        The lowest system when it lies more than ``lag_threshold`` below the highest, else "balanced".
    scores : DataFrame
        U after scaling, rows × systems.
    alpha : Series
        The weights α of T, by system.
    variant, scaling : str
    warnings : tuple of str
    """

    coupling: pd.Series
    coordination: pd.Series
    degree: pd.Series
    level: pd.Series
    lagging: pd.Series
    scores: pd.DataFrame
    alpha: pd.Series
    variant: str
    scaling: str
    warnings: tuple = ()

    def _grade(self, col: int, name: str) -> pd.Series:
        names = [g[col] for g in COUPLING_GRADES]
        return pd.Series(pd.Categorical.from_codes(self.level.to_numpy() - 1, names), index=self.level.index,
                         name=name)

    @property
    def grade_zh(self) -> pd.Series:
        """The Chinese name of each row's grade (极度失调 … 优质协调)."""
        return self._grade(2, "等级")

    @property
    def grade_en(self) -> pd.Series:
        """The English name of each row's grade (extreme imbalance … high-quality coordination)."""
        return self._grade(3, "Grade")

    def table(self) -> pd.DataFrame:
        """Row | U of each system | C | T | D | Level | Grade | 等级 | Lagging."""
        return pd.concat([self.scores, self.coupling, self.coordination, self.degree, self.level, self.grade_en,
                          self.grade_zh, self.lagging], axis=1)


def _alpha(alpha: Sequence | Mapping | pd.Series | None, systems: pd.Index) -> np.ndarray:
    n = len(systems)
    if alpha is None:
        return np.full(n, 1.0 / n)
    if isinstance(alpha, Mapping | pd.Series):
        missing = [s for s in systems if s not in alpha]
        if missing:
            raise SettingsError(f"system {missing[0]} has no α")
        raw = [alpha[s] for s in systems]
    else:
        raw = list(np.ravel(np.asarray(alpha, dtype=object)))
        if len(raw) != n:
            raise SettingsError(f"{len(raw)} α given for {n} systems")
    a = np.empty(n)
    for k, (s, v) in enumerate(zip(systems, raw)):
        try:
            a[k] = float(v)
        except (TypeError, ValueError, OverflowError):
            raise SettingsError(f"system {s}: α {v!r} is not a number") from None
        if not np.isfinite(a[k]) or a[k] < 0:
            raise SettingsError(f"system {s}: α {a[k]:g} must be a finite number ≥ 0")
    if abs(a.sum() - 1.0) > 1e-9:
        raise SettingsError(f"the α sum to {a.sum():g}, not 1")
    return a


def coupling_coordination(
    scores: pd.DataFrame,
    alpha: Sequence | Mapping | pd.Series | None = None,
    *,
    variant: str = "classic",
    scaling: str = "none",
    lag_threshold: float = LAG_THRESHOLD,
) -> CouplingResult:
    """Coupling coordination degree of ``n ≥ 2`` systems whose scores U lie in [0, 1].

    .. math::

        C = \\frac{n\\,(\\prod_i U_i)^{1/n}}{\\sum_i U_i},\\qquad T = \\sum_i \\alpha_i U_i,\\qquad D = \\sqrt{C\\,T}

    ``variant="revised"`` takes the coupling degree of Wang Shujia, Kong Wei, Ren Liang, Zhi Dandan & Dai
    Binting (2021), 国内耦合协调度模型的误区及修正, 自然资源学报 36(3): 793–810:

    .. math::

        C = \\sqrt{\\Bigl[1 - \\frac{\\sum_{i>j} |U_i - U_j|}{\\sum_{m=1}^{n-1} m}\\Bigr]
                  \\Bigl[\\prod_i \\frac{U_i}{\\max_k U_k}\\Bigr]^{1/(n-1)}}

    which for two systems with ``U_2 ≥ U_1`` is ``√[(1 − (U_2 − U_1))·U_1/U_2]``: unlike the classic C it
    spreads over [0, 1] instead of crowding near 1.

    Parameters
    ----------
    scores : DataFrame
        Rows are years (or region-years), one column per system (the DNQP index, a second system's index, or
        the sub-indices).
    alpha : sequence or mapping, optional
        The weights of T by system; equal (``1/n``) by default; they must be ≥ 0 and sum to 1.
    variant : {"classic", "revised"}
    scaling : {"none", "minmax", "spssau"}
        ``"none"`` (default): U as given, refused outside [0, 1]. ``"minmax"``: each system rescaled to
        [0, 1] over all rows. ``"spssau"``: to [0.01, 0.99], SPSSAU's default "data intervalisation"
        (both by the entropy step's standardisation, all systems as benefit).
    lag_threshold : float
        A system "lags" when it is more than this below the leading one (0.1).

    Examples
    --------
    Hand-checked, U = (0.4, 0.6): C = 2·√0.24 / 1.0 = 0.979796, T = 0.5, D = √(0.489898) = 0.699927
    (level 7, primary coordination); the revised C = √[(1 − 0.2)·(0.4/0.6)] = 0.730297; U₁ lags by 0.2:

    >>> U = pd.DataFrame({"DNQP": [0.4, 0.3], "Export": [0.6, 0.3]}, index=[2023, 2024])
    >>> r = coupling_coordination(U)
    >>> r.table()[["C", "T", "D", "Level", "Grade", "Lagging"]].round(6)
                 C    T         D  Level                 Grade   Lagging
    2023  0.979796  0.5  0.699927      7  primary coordination      DNQP
    2024  1.000000  0.3  0.547723      6    barely coordinated  balanced
    >>> r.grade_zh.tolist()
    ['初级协调', '勉强协调']
    >>> coupling_coordination(U, variant="revised").coupling.round(6).tolist()
    [0.730297, 1.0]
    """
    settings_choice(variant, COUPLING_VARIANTS, "coupling variant")
    settings_choice(scaling, COUPLING_SCALINGS, "coupling scaling")
    try:
        lag_threshold = float(lag_threshold)
    except (TypeError, ValueError, OverflowError):
        raise SettingsError(f"the lag threshold must be a number, got {lag_threshold!r}") from None
    if not isinstance(scores, pd.DataFrame):
        scores = pd.DataFrame(scores)
    if scores.shape[1] < 2:
        raise DataError(f"coupling needs at least 2 systems, got {scores.shape[1]}")
    if scores.columns.has_duplicates:
        raise DataError(f"system {scores.columns[scores.columns.duplicated()][0]} appears more than once")
    systems = pd.Index(scores.columns, name="System")
    a = _alpha(alpha, systems)
    x = scores if all(t == np.float64 for t in scores.dtypes) else as_numeric(scores, what="system")
    if scaling == "none":
        u = x.to_numpy(dtype=float)
    else:
        u0 = x.to_numpy(dtype=float)
        for k, s in enumerate(systems):
            check_series(u0[:, k], x.index, s, what="score U")
        interval = (0.0, 1.0) if scaling == "minmax" else (0.01, 0.99)
        u = standardized(x, np.ones(len(systems)), method="coupling scaling", undefined="rescaled score",
                         standardize="interval", interval=interval).z
    # u is column-major, as a DataFrame holds it: row-wise sums, products and extremes then run over
    # contiguous columns, which is the fast way round for a few systems and many rows
    n = u.shape[1]
    lowest, highest = u.min(axis=1), u.max(axis=1)  # NaN propagates into both: they also check the data
    if scaling == "none" and len(u) and not (np.isfinite(lowest).all() and np.isfinite(highest).all()
                                             and lowest.min() >= 0.0 and highest.max() <= 1.0):
        for k, s in enumerate(systems):  # the slow path names the series and the row at fault
            check_series(u[:, k], x.index, s, lo=0.0, hi=1.0, what="score U")
    total = u.sum(axis=1)
    notes: list[str] = []
    zero = total <= 0
    with np.errstate(invalid="ignore", divide="ignore", under="ignore"):
        if variant == "classic":
            gm = np.prod(u, axis=1) ** (1.0 / n)
            lost = (gm == 0) & (lowest > 0)  # the product underflowed: take it through logs
            if lost.any():
                gm[lost] = np.exp(np.log(u[lost]).mean(axis=1))
            c = n * gm / total
        else:
            srt = np.array(u, order="C")  # rows sort fastest when contiguous
            srt.sort(axis=1)
            coef = 2.0 * np.arange(1, n + 1) - n - 1  # Σ_{i<j}(u_(j) − u_(i)) = Σ_k (2k − n − 1) u_(k)
            spread = 1.0 - (srt * coef).sum(axis=1) / (n * (n - 1) / 2)
            # ∏_i (U_i / max U) = ∏U / (max U)^n; through logs where that underflows
            ratio = np.prod(u, axis=1) / highest ** n
            lost = ~(ratio > 0) & (lowest > 0)
            if lost.any():
                ratio[lost] = np.exp(np.log(u[lost]).sum(axis=1) - n * np.log(highest[lost]))
            ratio[lowest == 0] = 0.0  # a zero system: the product is 0 even where (max U)^n underflows
            ratio **= 1.0 / (n - 1)
            c = np.sqrt(np.clip(spread, 0.0, None) * ratio)
    if zero.any():
        c[zero] = 0.0
        notes.append(f"row {row_name(x.index[np.flatnonzero(zero)[0]])}"
                     + (f" and {int(zero.sum()) - 1} more" if zero.sum() > 1 else "")
                     + ": every system is 0, so C is 0/0; taken as 0 (D is 0 either way)")
    np.clip(c, 0.0, 1.0, out=c)  # rounding can lift C a hair above 1 when the U are equal
    t = total / n if alpha is None else (u * a).sum(axis=1)
    d = np.sqrt(c * t)
    level = coupling_grade(d)
    gap = highest - lowest
    low = np.zeros(len(u), dtype=np.intp)
    for k in range(n - 1, 0, -1):  # the first system at the minimum (argmin, column by column: faster here)
        low[u[:, k] == lowest] = k
    idx = x.index
    # the lagging system as a categorical: codes into a short list, not one string object per row
    lag_names = [str(v) for v in systems]
    lag = pd.Categorical.from_codes(np.where(gap > lag_threshold, low, n),
                                    lag_names + (["balanced"] if "balanced" not in lag_names else ["(balanced)"]))
    return CouplingResult(
        coupling=pd.Series(c, index=idx, name="C"),
        coordination=pd.Series(t, index=idx, name="T"),
        degree=pd.Series(d, index=idx, name="D"),
        level=pd.Series(level, index=idx, name="Level"),
        lagging=pd.Series(lag, index=idx, name="Lagging"),
        scores=x.rename_axis(columns="System") if scaling == "none" else pd.DataFrame(u, index=idx, columns=systems),
        alpha=pd.Series(a, index=systems, name="α"),
        variant=variant, scaling=scaling, warnings=tuple(notes),
    )
