"""Regional differences of a panel: Dagum's Gini, Theil's index, kernel densities (issue 12 §6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import pandas as pd

from ...errors import DataError, SettingsError
from ..settings import REGISTRY
from ._common import region_level, row_name, settings_choice, year_level

__all__ = ["DagumResult", "TheilResult", "DensityResult", "dagum_gini", "theil_index", "kernel_density",
           "pairwise_abs_sum", "cross_abs_sums", "KERNELS"]

#: Kernels of :func:`kernel_density`, with statsmodels' names.
KERNELS = dict(zip(REGISTRY["kde_kernel"].choices, ("gau", "epa")))


# ------------------------------------------------------------------------------------------ sort-based sums
def pairwise_abs_sum(sorted_y: np.ndarray) -> float:
    """``Σ_i Σ_r |y_i − y_r|`` of a sorted sample in O(n).

    Each gap ``y_(k+1) − y_(k)`` lies between ``k(n − k)`` ordered pairs, so the sum is
    ``2 Σ_k k (n − k) (y_(k+1) − y_(k))``: a sum of terms ≥ 0, free of the cancellation of the equivalent
    ``2 Σ_k (2k − n − 1) y_(k)``.

    Examples
    --------
    >>> pairwise_abs_sum(np.array([1.0, 2.0, 4.0]))  # 2·(|1−2| + |1−4| + |2−4|) = 2·6
    12.0
    """
    n = len(sorted_y)
    k = np.arange(1, n, dtype=float)
    return float(2.0 * ((k * (n - k)) @ np.diff(sorted_y)))


def cross_abs_sums(a: np.ndarray, b: np.ndarray, cum_b: np.ndarray | None = None,
                   cum_a: np.ndarray | None = None) -> tuple[float, float]:
    """``Σ_i Σ_r (a_i − b_r)⁺`` and ``Σ_i Σ_r (b_r − a_i)⁺`` of two sorted samples, in O((n_a + n_b) log n).

    With ``c_i`` the number of ``b`` below ``a_i`` (a ``searchsorted`` of ``a`` in ``b``) and ``B`` the
    cumulative sums of ``b``, the first is ``Σ_i (c_i a_i − B_{c_i})``; the second the same with the
    roles swapped. Their sum is ``Σ_i Σ_r |a_i − b_r|``. ``cum_*`` are ``[0, cumsum(·)]`` if known.

    Examples
    --------
    >>> cross_abs_sums(np.array([1.0, 5.0]), np.array([2.0, 3.0]))  # (5−2)+(5−3); (2−1)+(3−1)
    (5.0, 3.0)
    """
    if cum_b is None:
        cum_b = np.concatenate(([0.0], np.cumsum(b)))
    if cum_a is None:
        cum_a = np.concatenate(([0.0], np.cumsum(a)))
    # each row's term Σ_{r<c_i}(a_i − b_r) is ≥ 0: clip the rounding of c_i·a_i − B_{c_i} below 0
    c = np.searchsorted(b, a, side="left")
    up = float(np.maximum(c * a - cum_b[c], 0.0).sum())
    c2 = np.searchsorted(a, b, side="left")
    down = float(np.maximum(c2 * b - cum_a[c2], 0.0).sum())
    return up, down


# ------------------------------------------------------------------------------------------ panel layout
@dataclass(frozen=True)
class _Panel:
    """The values of a panel (or of one cross-section) with integer codes for years and groups."""

    y: np.ndarray
    year_codes: np.ndarray
    years: list
    group_codes: np.ndarray | None
    groups: list
    regions: pd.Index

    def sections(self, wanted: Sequence | None = None):
        """``(year, rows)`` per year in order (only the ``wanted`` years if given)."""
        order = np.argsort(self.year_codes, kind="stable")
        bounds = np.searchsorted(self.year_codes[order], np.arange(len(self.years) + 1))
        for k, yl in enumerate(self.years):
            if wanted is None or yl in wanted:
                yield yl, order[bounds[k]:bounds[k + 1]]


def _layout(values: pd.Series | pd.DataFrame, groups: Mapping | Sequence | pd.Series | None, what: str) -> _Panel:
    """Check the values (finite, ≥ 0) and the groups of a panel Series (or a cross-section indexed by region)."""
    if isinstance(values, pd.DataFrame):
        if values.shape[1] != 1:
            raise DataError(f"{what} takes one series of values, got {values.shape[1]} columns")
        values = values.iloc[:, 0]
    if not isinstance(values, pd.Series):
        values = pd.Series(values)
    name = values.name if values.name is not None else "values"
    y_all = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
    bad = ~np.isfinite(y_all)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"series {name}, row {row_name(values.index[i])}: the value is missing or not a number")
    neg = y_all < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise DataError(f"series {name}, row {row_name(values.index[i])}: value {y_all[i]:g} is negative; "
                        f"{what} needs values ≥ 0")
    ylev = year_level(values.index)
    if ylev is None:
        regions = pd.Index(values.index)
        region_codes = uniq_regions = None
        year_codes = np.zeros(len(values), dtype=np.intp)
        years: list = [None]
    else:
        rlev = region_level(values.index)
        regions = values.index.get_level_values(rlev)
        region_codes, uniq_regions = _level_codes(values.index, rlev, sort=False)
        year_codes, uniq = _level_codes(values.index, ylev, sort=True)
        years = list(uniq)
    group_codes, names = None, []
    if groups is not None:
        if isinstance(groups, Mapping) or (isinstance(groups, pd.Series) and not groups.index.equals(values.index)):
            if region_codes is None:
                region_codes, uniq_regions = pd.factorize(regions)
            missing = [r for r in uniq_regions if r not in groups]
            if missing:
                raise DataError(f"region {row_name(missing[0])} has no group")
            per_region = np.array([groups[r] for r in uniq_regions], dtype=object)
            labels, label_regions = per_region[region_codes], uniq_regions
            first_row = {k: k for k in range(len(uniq_regions))}
        else:
            labels = np.asarray(list(groups), dtype=object)
            if len(labels) != len(values):
                raise DataError(f"{len(labels)} group labels given for {len(values)} rows")
            per_region, label_regions, first_row = labels, regions, None
        blank = np.array([v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == ""
                          for v in per_region])
        if blank.any():
            k = int(np.flatnonzero(blank)[0])
            raise DataError(f"region {row_name(label_regions[k if first_row is None else first_row[k]])} has "
                            "no group")
        group_codes, uniq_groups = pd.factorize(labels, sort=False)
        names = list(uniq_groups)
        try:  # groups in sorted order when they sort (East, Central, …: alphabetical), else as first seen
            order = sorted(range(len(names)), key=lambda k: names[k])
            remap = np.empty(len(names), dtype=np.intp)
            remap[order] = np.arange(len(names))
            group_codes, names = remap[group_codes], [names[k] for k in order]
        except TypeError:
            pass
    return _Panel(y=y_all, year_codes=np.asarray(year_codes, dtype=np.intp), years=years, group_codes=group_codes,
                  groups=names, regions=regions)


def _level_codes(index: pd.MultiIndex, level: int, *, sort: bool) -> tuple[np.ndarray, pd.Index]:
    """Integer codes of one level of a MultiIndex and the labels they stand for (used labels only).

    Taken from the index's own codes (no pass over the labels themselves); ``sort`` orders the labels.
    """
    codes = np.asarray(index.codes[level], dtype=np.intp)
    labels = index.levels[level]
    if (codes < 0).any():
        raise DataError(f"a row has no {index.names[level] or 'label'}: every row needs a region and a year")
    used = np.flatnonzero(np.bincount(codes, minlength=len(labels)) > 0)
    keep = labels[used]
    order = np.argsort(keep, kind="stable") if sort else np.arange(len(used))
    remap = np.full(len(labels), -1, dtype=np.intp)
    remap[used[order]] = np.arange(len(used))
    return remap[codes], keep[order]


def _check_counts(counts: np.ndarray, names: list, year: object, what: str) -> np.ndarray:
    """The groups present in a year (count > 0); refuse fewer than 2 groups or a group with one region."""
    where = "" if year is None else f" in {row_name(year)}"
    present = np.flatnonzero(counts > 0)
    if len(present) < 2:
        only = f"; got only group {names[present[0]]}" if len(present) else ""
        raise DataError(f"{what} needs at least 2 groups{where}{only}")
    lonely = np.flatnonzero(counts == 1)
    if len(lonely):
        raise DataError(f"group {names[lonely[0]]} has only one region{where}: its within-group inequality is "
                        "undefined")
    return present


def _year_name(year: object) -> object:
    return "all" if year is None else year


# ------------------------------------------------------------------------------------------ Dagum
@dataclass(frozen=True)
class DagumResult:
    """What :func:`dagum_gini` computes, one row per year.

    Attributes
    ----------
    overall : DataFrame
        Columns ``G``, ``G_w``, ``G_nb``, ``G_t`` (``G = G_w + G_nb + G_t``) and their contributions in %.
    within : DataFrame
        Each group's own Gini ``G_jj``, years × groups.
    between : DataFrame
        Each pair's between-group Gini ``G_jh``, years × "j–h" pairs.
    pairs : DataFrame
        Long form per (year, pair): ``G_jh``, ``d_jh``, ``p_jh``, ``D_jh`` (j is the group with the higher mean).
    """

    overall: pd.DataFrame
    within: pd.DataFrame
    between: pd.DataFrame
    pairs: pd.DataFrame

    def table(self) -> pd.DataFrame:
        """Year | G | G_w | G_nb | G_t | G_w % | G_nb % | G_t %."""
        return self.overall


def dagum_gini(values: pd.Series, groups: Mapping | Sequence | pd.Series) -> DagumResult:
    """Dagum's (1997) Gini coefficient of each year, decomposed by group.

    With ``k`` groups, ``n_j`` regions and mean ``ȳ_j`` in group ``j``, ``p_j = n_j/n``, ``s_j = n_j ȳ_j/(n ȳ)``:

    .. math::

        G = \\frac{\\sum_j\\sum_h\\sum_i\\sum_r |y_{ji} - y_{hr}|}{2 n^2 \\bar y},\\quad
        G_{jj} = \\frac{\\sum_i\\sum_r |y_{ji} - y_{jr}|}{2 n_j^2 \\bar y_j},\\quad
        G_{jh} = \\frac{\\sum_i\\sum_r |y_{ji} - y_{hr}|}{n_j n_h (\\bar y_j + \\bar y_h)}

        G_w = \\sum_j G_{jj} p_j s_j,\\quad
        G_{nb} = \\sum_{j>h} G_{jh} (p_j s_h + p_h s_j) D_{jh},\\quad
        G_t = \\sum_{j>h} G_{jh} (p_j s_h + p_h s_j) (1 - D_{jh})

    with ``D_jh = (d_jh − p_jh)/(d_jh + p_jh)``, ``d_jh`` the mean of ``(y_ji − y_hr)⁺`` over all pairs and
    ``p_jh`` that of ``(y_hr − y_ji)⁺``, the pair ordered so that ``ȳ_j ≥ ȳ_h``. Every pairwise sum is
    taken from sorted values and cumulative sums (:func:`pairwise_abs_sum`, :func:`cross_abs_sums`), in
    O(n log n) per year rather than n².

    Parameters
    ----------
    values : Series
        The index, with a (Region, Year) MultiIndex (one decomposition per year) or indexed by region
        (one cross-section). Values must be ≥ 0.
    groups : mapping, Series or sequence
        Region → group (e.g. East / Central / West / Northeast), or one label per row. At least two
        groups, each with at least two regions, in every year.

    Examples
    --------
    Hand-checked: groups A = (1, 3) and B = (5, 7); n = 4, ȳ = 4. Within sums: 2·2 = 4 for each group;
    the cross sum |1−5| + |1−7| + |3−5| + |3−7| = 16. G = (4 + 4 + 2·16)/(2·16·4) = 0.3125;
    G_AA = 4/(2·4·2) = 0.25, G_BB = 4/(2·4·6) = 1/12; p = ½, ½; s_A = ¼, s_B = ¾;
    G_w = 0.25·½·¼ + (1/12)·½·¾ = 0.0625; G_BA = 16/(4·8) = 0.5, d_BA = 4, p_BA = 0 so D = 1:
    G_nb = 0.5·(½·¼ + ½·¾) = 0.25 and G_t = 0:

    >>> y = pd.Series([1.0, 3.0, 5.0, 7.0], index=["r1", "r2", "r3", "r4"], name="DNQP")
    >>> r = dagum_gini(y, {"r1": "A", "r2": "A", "r3": "B", "r4": "B"})
    >>> r.table()[["G", "G_w", "G_nb", "G_t"]]
               G     G_w  G_nb  G_t
    Year
    all   0.3125  0.0625  0.25  0.0
    >>> r.within.round(4).loc["all"].tolist(), r.between.loc["all"].tolist()
    ([0.25, 0.0833], [0.5])
    """
    panel = _layout(values, groups, "Dagum's Gini")
    if panel.group_codes is None:
        raise DataError("Dagum's Gini decomposition needs a group for every region")
    rows, within_rows, between_rows, pair_rows = [], [], [], []
    for year, idx in panel.sections():
        y, codes = panel.y[idx], panel.group_codes[idx]
        present = _check_counts(np.bincount(codes, minlength=len(panel.groups)), panel.groups, year,
                                "Dagum's Gini decomposition")
        names = [panel.groups[k] for k in present]
        order = np.lexsort((y, codes))  # by group, then by value: each group's values come out sorted
        bounds = np.searchsorted(codes[order], np.append(present, present[-1] + 1))
        n = len(y)
        mean = y.mean()
        where = "" if year is None else f" in {row_name(year)}"
        if not mean > 0:
            raise DataError(f"every value is 0{where}: the Gini coefficient is 0/0")
        ys = y[order]
        sorted_g = [ys[bounds[k]:bounds[k + 1]] for k in range(len(present))]
        cums = [np.concatenate(([0.0], np.cumsum(s))) for s in sorted_g]
        nj = np.array([len(s) for s in sorted_g], dtype=float)
        mj = np.array([c[-1] for c in cums]) / nj
        for g, m in zip(names, mj):
            if not m > 0:
                raise DataError(f"group {g} is 0 in every region{where}: its Gini coefficient is 0/0")
        pj, sj = nj / n, nj * mj / (n * mean)
        s_within = np.array([pairwise_abs_sum(s) for s in sorted_g])
        g_jj = s_within / (2.0 * nj ** 2 * mj)
        total = s_within.sum()
        g_w = float((g_jj * pj * sj).sum())
        g_nb = g_t = 0.0
        brow = {}
        for a, b in combinations(range(len(names)), 2):
            j, h = (a, b) if mj[a] >= mj[b] else (b, a)
            up, down = cross_abs_sums(sorted_g[j], sorted_g[h], cums[h], cums[j])
            cross = up + down
            total += 2.0 * cross
            g_jh = cross / (nj[j] * nj[h] * (mj[j] + mj[h]))
            d_jh, p_jh = up / (nj[j] * nj[h]), down / (nj[j] * nj[h])
            # d − p = ȳ_j − ȳ_h ≥ 0; rounding can tip it a hair below 0
            big_d = min(max((d_jh - p_jh) / (d_jh + p_jh), 0.0), 1.0) if d_jh + p_jh > 0 else 0.0
            share = pj[j] * sj[h] + pj[h] * sj[j]
            g_nb += g_jh * share * big_d
            g_t += g_jh * share * (1.0 - big_d)
            label = f"{names[a]}–{names[b]}"
            brow[label] = g_jh
            pair_rows.append({"Year": _year_name(year), "Pair": label, "Group j": names[j], "Group h": names[h],
                              "G_jh": g_jh, "d_jh": d_jh, "p_jh": p_jh, "D_jh": big_d})
        g = total / (2.0 * n * n * mean)
        pct = (lambda v: 100.0 * v / g) if g > 0 else (lambda v: float("nan"))
        rows.append({"Year": _year_name(year), "G": g, "G_w": g_w, "G_nb": g_nb, "G_t": g_t,
                     "G_w %": pct(g_w), "G_nb %": pct(g_nb), "G_t %": pct(g_t)})
        within_rows.append(pd.Series(g_jj, index=names, name=_year_name(year)))
        between_rows.append(pd.Series(brow, name=_year_name(year)))
    overall = pd.DataFrame(rows).set_index("Year")
    within = pd.DataFrame(within_rows).rename_axis(index="Year", columns="Group")
    between = pd.DataFrame(between_rows).rename_axis(index="Year", columns="Pair")
    return DagumResult(overall=overall, within=within, between=between,
                       pairs=pd.DataFrame(pair_rows).set_index(["Year", "Pair"]))


# ------------------------------------------------------------------------------------------ Theil
@dataclass(frozen=True)
class TheilResult:
    """What :func:`theil_index` computes, one row per year.

    Attributes
    ----------
    overall : DataFrame
        ``T``, and with groups ``T_w`` (within), ``T_b`` (between), ``T_w %``, ``T_b %``.
    within : DataFrame or None
        Each group's own Theil index ``T_k``, years × groups.
    """

    overall: pd.DataFrame
    within: pd.DataFrame | None

    def table(self) -> pd.DataFrame:
        """Year | T | T_w | T_b | T_w % | T_b %."""
        return self.overall


def _rlnr(r: np.ndarray) -> np.ndarray:
    """``r ln r`` with ``0·ln 0 = 0``."""
    t = np.zeros_like(r)
    np.log(r, out=t, where=r > 0)
    return np.multiply(r, t, out=t)


def theil_index(values: pd.Series, groups: Mapping | Sequence | pd.Series | None = None) -> TheilResult:
    """Theil's T of each year, with its within/between decomposition by group.

    .. math::

        T = \\frac1n \\sum_i \\frac{y_i}{\\bar y}\\ln\\frac{y_i}{\\bar y}
          = \\underbrace{\\sum_k s_k T_k}_{T_w} + \\underbrace{\\sum_k s_k \\ln\\frac{\\bar y_k}{\\bar y}}_{T_b},
        \\qquad s_k = \\frac{n_k \\bar y_k}{n \\bar y}

    with ``0·ln 0 = 0``. A year (or group) whose mean is not positive is refused.

    Examples
    --------
    Hand-checked: y = (1, 3) in A, (2, 2) in B; ȳ = 2; ½ ln ½ = −0.346574, 1.5 ln 1.5 = 0.608198, so
    T = ¼(0.261624) = 0.065406; T_A = ½(0.261624) = 0.130812, T_B = 0; s = ½, ½; T_w = 0.065406 and
    T_b = 0 (the group means are equal):

    >>> y = pd.Series([1.0, 3.0, 2.0, 2.0], index=["r1", "r2", "r3", "r4"])
    >>> theil_index(y, ["A", "A", "B", "B"]).table().round(6)
                 T       T_w  T_b  T_w %  T_b %
    Year
    all   0.065406  0.065406  0.0  100.0    0.0
    """
    panel = _layout(values, groups, "the Theil index")
    y, yc, n_years = panel.y, panel.year_codes, len(panel.years)
    n_y = np.bincount(yc, minlength=n_years).astype(float)
    sum_y = np.bincount(yc, y, minlength=n_years)
    mean_y = sum_y / n_y
    bad = ~(mean_y > 0)
    if bad.any():
        year = panel.years[int(np.flatnonzero(bad)[0])]
        where = "" if year is None else f" in {row_name(year)}"
        raise DataError(f"the mean is {mean_y[bad][0]:g}{where}: the Theil index needs a positive mean")
    t_y = np.bincount(yc, _rlnr(y / mean_y[yc]), minlength=n_years) / n_y
    out = pd.DataFrame({"T": t_y}, index=pd.Index([_year_name(v) for v in panel.years], name="Year"))
    within = None
    if panel.group_codes is not None:
        k = len(panel.groups)
        cell = yc * k + panel.group_codes
        n_c = np.bincount(cell, minlength=n_years * k).astype(float)
        for row in range(n_years):
            _check_counts(n_c[row * k:(row + 1) * k], panel.groups, panel.years[row], "the Theil decomposition")
        sum_c = np.bincount(cell, y, minlength=n_years * k)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean_c = sum_c / n_c
        zero = (n_c > 0) & ~(mean_c > 0)
        if zero.any():
            c = int(np.flatnonzero(zero)[0])
            year = panel.years[c // k]
            where = "" if year is None else f" in {row_name(year)}"
            raise DataError(f"group {panel.groups[c % k]} has mean 0{where}: the Theil index needs a positive mean")
        t_c = np.bincount(cell, _rlnr(y / mean_c[cell]), minlength=n_years * k)
        with np.errstate(invalid="ignore", divide="ignore"):
            t_c = np.where(n_c > 0, t_c / n_c, np.nan).reshape(n_years, k)
            share = (sum_c.reshape(n_years, k) / sum_y[:, None])
            log_ratio = np.where(n_c.reshape(n_years, k) > 0, np.log(mean_c.reshape(n_years, k) / mean_y[:, None]),
                                 0.0)
        t_w = np.nansum(share * t_c, axis=1)
        # a group whose share of the total underflows to 0 adds 0 (the limit of s·ln s), not 0·(−∞) = NaN
        t_b = np.where(share > 0, share * log_ratio, 0.0).sum(axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            out["T_w"], out["T_b"] = t_w, t_b
            out["T_w %"] = np.where(t_y > 0, 100.0 * t_w / t_y, np.nan)
            out["T_b %"] = np.where(t_y > 0, 100.0 * t_b / t_y, np.nan)
        within = pd.DataFrame(t_c, index=out.index, columns=pd.Index(panel.groups, name="Group"))
    return TheilResult(overall=out, within=within)


# ------------------------------------------------------------------------------------------ kernel density
@dataclass(frozen=True)
class DensityResult:
    """What :func:`kernel_density` computes.

    Attributes
    ----------
    density : DataFrame
        Tidy: columns ``Year``, ``x``, ``Density``, ``gridsize`` rows per year (each year on its own grid
        from ``min − cut·h`` to ``max + cut·h``, as statsmodels lays it out).
    bandwidth : Series
        ``h`` per year.
    kernel : str
    """

    density: pd.DataFrame
    bandwidth: pd.Series
    kernel: str

    def table(self) -> pd.DataFrame:
        """Year | x | Density (long form, one curve per year)."""
        return self.density


def kernel_density(
    values: pd.Series,
    years: Sequence | None = None,
    *,
    kernel: str = "gaussian",
    bandwidth: str | float = "silverman",
    gridsize: int = 100,
    cut: float = 3.0,
) -> DensityResult:
    """Kernel density of the values across regions, for each (chosen) year, by statsmodels.

    ``f̂(x) = (1/(n h)) Σ_i K((x − y_i)/h)`` with the Gaussian kernel ``K(u) = e^{−u²/2}/√(2π)`` or the
    Epanechnikov kernel ``K(u) = ¾(1 − u²)`` on ``|u| ≤ 1``; ``h`` by Silverman's rule of thumb
    ``0.9·min(σ̂, IQR/1.349)·n^{−1/5}`` (Silverman 1986, eq. 3.31; statsmodels' ``bw="silverman"``) or
    set by hand. Computed by :class:`statsmodels.nonparametric.kde.KDEUnivariate` (imported lazily).

    Parameters
    ----------
    values : Series
        (Region, Year) MultiIndex, or indexed by region (one cross-section).
    years : sequence, optional
        The years to draw (all by default).
    kernel : {"gaussian", "epanechnikov"}
    bandwidth : "silverman" or float > 0
    gridsize : int
        Points per curve (≥ 10).
    cut : float
        The grid extends ``cut·h`` beyond the smallest and the largest value.

    Examples
    --------
    Hand-checked, Gaussian, h = 0.1: in 2023 the values are 0.2 and 0.4, so at x = 0.2
    f̂ = (1/(2·0.1))·[φ(0) + φ(2)] = 5·(0.398942 + 0.053991) = 2.2647:

    >>> y = pd.Series([0.2, 0.4, 0.4, 0.6], index=pd.MultiIndex.from_product([["a", "b"], [2023, 2024]],
    ...               names=["Region", "Year"]))
    >>> r = kernel_density(y, bandwidth=0.1, gridsize=11, cut=0)
    >>> r.table().round(4).head(3)
       Year     x  Density
    0  2023  0.20   2.2647
    1  2023  0.22   2.3500
    2  2023  0.24   2.3960
    """
    settings_choice(kernel, tuple(KERNELS), "kernel")
    if isinstance(bandwidth, str):
        settings_choice(bandwidth, ("silverman",), "bandwidth")
    else:
        try:
            bandwidth = float(bandwidth)
        except (TypeError, ValueError, OverflowError):
            raise SettingsError(f"the bandwidth must be 'silverman' or a number > 0, got {bandwidth!r}") from None
        if not (np.isfinite(bandwidth) and bandwidth > 0):
            raise SettingsError(f"the bandwidth must be a number > 0, got {bandwidth:g}")
    try:
        gridsize, cut = int(gridsize), float(cut)
    except (TypeError, ValueError, OverflowError):
        raise SettingsError("the grid size must be a whole number and the cut a number") from None
    if gridsize < 10:
        raise SettingsError(f"the grid size must be at least 10, got {gridsize}")
    if not (np.isfinite(cut) and cut >= 0):
        raise SettingsError(f"the cut must be a number ≥ 0, got {cut:g}")
    from statsmodels.nonparametric.kde import KDEUnivariate  # heavy: only when a density is asked for

    panel = _layout(values, None, "the kernel density")
    wanted = None
    if years is not None:
        wanted = list(years)
        unknown = [v for v in wanted if v not in panel.years]
        if unknown:
            raise DataError(f"year {row_name(unknown[0])} is not in the data")
    frames, bws = [], {}
    for year, idx in panel.sections(wanted):
        y = panel.y[idx]
        where = "" if year is None else f" in {row_name(year)}"
        if len(y) < 2:
            raise DataError(f"the kernel density needs at least 2 regions{where}, got {len(y)}")
        if bandwidth == "silverman" and np.ptp(y) == 0:
            raise DataError(f"every region has the same value{where}: Silverman's bandwidth is 0; set one by hand")
        kde = KDEUnivariate(y)
        try:
            kde.fit(kernel=KERNELS[kernel], bw=bandwidth, fft=False, gridsize=gridsize, cut=cut)
        except RuntimeError:  # statsmodels: "Selected KDE bandwidth is 0" (e.g. IQR 0 and σ 0)
            raise DataError(f"Silverman's bandwidth is 0{where}: set one by hand") from None
        frames.append((kde.support, kde.density))
        bws[_year_name(year)] = float(kde.bw)
    labels = list(bws)
    density = pd.DataFrame({
        "Year": np.repeat(np.array(labels, dtype=object if None in panel.years else None), gridsize),
        "x": np.concatenate([f[0] for f in frames]),
        "Density": np.concatenate([f[1] for f in frames]),
    })
    return DensityResult(density=density,
                         bandwidth=pd.Series(bws, name="Bandwidth h").rename_axis("Year"), kernel=kernel)
