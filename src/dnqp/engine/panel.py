"""Entropy weights on a panel of regions × years (METHOD.md §5), and the index tables a panel paper prints.

Two conventions:

* ``global`` (the default): one matrix of all N·T region-year rows. min and max are taken over every
  region-year, p over all rows, and ``e_j = −(1/ln(N·T)) Σ p ln p`` with N·T the number of region-year
  rows present. The scores are comparable across years. This is :func:`dnqp.engine.entropy.entropy_weights`
  on the stacked, (Region, Year)-indexed matrix.
* ``by_year``: the method of §2 within each year, giving a year × indicator weight table. Its scores are
  comparable within a year only.

A widely copied Stata loop takes ``k = 1/ln(T)`` (the number of years) while it sums ``p ln p`` over all
N·T rows: with N > 1 that divides a sum bounded by ln(N·T) by the smaller ln(T), so ``e`` exceeds 1 and
``d = 1 − e`` turns negative (see :func:`stata_slip_entropy`, kept to show the slip, never used).

Missing values are imputed within a region, along its years (mean of the region's observed years, or
linear interpolation along the year values). Unbalanced panels are allowed: absent region-years are
reported in :attr:`PanelEntropyResult.absent`, never invented.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import ConstantIndicatorError, DataError, DnqpError, SettingsError
from .entropy import CONVENTIONS, entropy_weights
from .settings import REGISTRY
from .prepare import IMPUTE_METHODS, MAX_MAGNITUDE, as_numeric, check_labels, row_label

__all__ = [
    "PANEL_ENTROPY",
    "REGION",
    "YEAR",
    "PanelEntropyResult",
    "PanelImputed",
    "PanelIndexTables",
    "panel_entropy",
    "panel_frame",
    "panel_impute",
    "panel_index_tables",
    "stata_slip_entropy",
]

PANEL_ENTROPY = REGISTRY["panel_entropy"].choices
REGION, YEAR = "Region", "Year"


def _year_value(v: object) -> object:
    """A year as an int when it is a whole number (2014.0 → 2014), else as given."""
    if isinstance(v, float | np.floating) and float(v).is_integer():
        return int(v)
    if isinstance(v, np.integer):
        return int(v)
    return v


def panel_frame(data: pd.DataFrame, *, region: str = REGION, year: str = YEAR, what: str = "indicator") -> pd.DataFrame:
    """``data`` as a numeric frame indexed by a (Region, Year) MultiIndex, sorted by region then year.

    ``data`` either has that MultiIndex already (two levels, region first) or ``region`` and ``year``
    columns. Regions must be text (a number in Region is refused: it is usually a shifted column), years
    numbers, and every region-year must appear once.

    Examples
    --------
    >>> df = pd.DataFrame({"Region": ["B", "A", "A"], "Year": [2012, 2013, 2012], "x": [1.0, 2.0, 3.0]})
    >>> panel_frame(df).index.tolist()
    [('A', 2012), ('A', 2013), ('B', 2012)]
    """
    if not isinstance(data, pd.DataFrame):
        raise DataError("panel data must be a table with Region and Year")
    if isinstance(data.index, pd.MultiIndex):
        if data.index.nlevels != 2:
            raise DataError(f"a panel is indexed by Region and Year, got {data.index.nlevels} index levels")
        frame = data.set_axis(data.index.set_names([REGION, YEAR]), axis=0)  # a new frame: the input stays as is
    else:
        missing = [c for c in (region, year) if c not in data.columns]
        if missing:
            raise DataError(f"panel data need a {missing[0]} column (or a (Region, Year) index)")
        frame = data.set_index([region, year])
        frame.index = frame.index.set_names([REGION, YEAR])
    # Checked on the index's levels (the distinct regions and years), not row by row: fast on 56,000 rows.
    index = frame.index.remove_unused_levels()
    for level, name in ((0, "Region"), (1, "Year")):
        missing = index.codes[level] == -1
        if missing.any():
            i = int(np.argmax(missing))
            raise DataError(f"row {i + 1}: {name} is empty")
    region_level = np.asarray(index.levels[0], dtype=object)
    for r in region_level:
        if not isinstance(r, str):
            i = int(np.argmax(index.codes[0] == list(region_level).index(r)))
            raise DataError(f"Region {row_label(r)} (row {i + 1}) is a number, not a region name: "
                            "is the Region column shifted?")
        if r.strip() == "":
            i = int(np.argmax(index.codes[0] == list(region_level).index(r)))
            raise DataError(f"row {i + 1}: Region is empty")
    year_level = []
    for y in index.levels[1]:
        if isinstance(y, bool) or not isinstance(y, int | float | np.integer | np.floating) or not np.isfinite(y):
            i = int(np.argmax(index.codes[1] == list(index.levels[1]).index(y)))
            raise DataError(f"region {index[i][0]}, row {i + 1}: Year {y!r} is not a year")
        year_level.append(_year_value(y))
    index = index.set_levels([pd.Index(region_level, dtype=object), pd.Index(year_level)], verify_integrity=False)
    frame.index = index.set_names([REGION, YEAR])
    if not frame.index.is_monotonic_increasing:
        frame = frame.sort_index(level=[0, 1], sort_remaining=False)
    if not frame.index.is_unique:
        dup = frame.index.duplicated()
        r, y = frame.index[int(np.argmax(dup))]
        raise DataError(f"region {r}, year {row_label(y)} is given twice")
    if all(t == np.float64 for t in frame.dtypes):
        check_labels(frame, what)
        values = frame.to_numpy()
        with np.errstate(invalid="ignore"):
            if not (np.abs(values) > MAX_MAGNITUDE).any():  # NaN compares False: missing values pass here
                return frame
    return as_numeric(frame, what=what)


def _absent(index: pd.MultiIndex) -> pd.DataFrame:
    """The region-years of the full Region × Year grid that the data do not have."""
    if isinstance(index, pd.MultiIndex) and len(index) == np.prod([len(lv) for lv in index.remove_unused_levels().levels]):
        return pd.DataFrame({REGION: [], YEAR: []})  # unique rows filling the grid: balanced
    regions = index.get_level_values(0).unique()
    years = sorted(index.get_level_values(1).unique())
    full = pd.MultiIndex.from_product([regions, years], names=[REGION, YEAR])
    gap = full.difference(index, sort=False)
    return pd.DataFrame({REGION: gap.get_level_values(0), YEAR: gap.get_level_values(1)}).sort_values(
        [REGION, YEAR], kind="stable").reset_index(drop=True)


@dataclass(frozen=True)
class PanelImputed:
    """:func:`panel_impute`'s result: the filled frame and the cells filled (Region, Year, column, value)."""

    data: pd.DataFrame
    cells: pd.DataFrame
    method: str


def panel_impute(data: pd.DataFrame, method: str = "mean", *, what: str = "indicator") -> PanelImputed:
    """Fill missing values within each region, along its years.

    ``"mean"``: the mean of the region's observed years; ``"linear"``: linear interpolation along the year
    values (a gap of absent years counts), a leading or trailing gap taking the nearest observed year;
    ``"none"``: nothing is filled and a missing value is an error. A region without any value of an
    indicator cannot be imputed within the region: that is an error naming both. Absent region-years
    stay absent.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("A", 2010), ("A", 2011), ("A", 2013), ("B", 2010), ("B", 2011)])
    >>> df = pd.DataFrame({"x": [1.0, None, 4.0, 5.0, None]}, index=idx)
    >>> panel_impute(df, "linear").data["x"].tolist()
    [1.0, 2.0, 4.0, 5.0, 5.0]
    """
    if method not in IMPUTE_METHODS:
        raise SettingsError(f"imputation {method!r} is not one of {', '.join(IMPUTE_METHODS)}")
    x = panel_frame(data, what=what)
    mask = x.isna().to_numpy()
    if not mask.any():
        return PanelImputed(x, pd.DataFrame([], columns=[REGION, YEAR, "column", "value"]), method)
    if method == "none":
        i, j = np.argwhere(mask)[0]
        r, y = x.index[i]
        raise DataError(f"{what} {x.columns[j]}, region {r}, year {row_label(y)} is missing and imputation is off")
    regions = x.index.get_level_values(0)
    counts = x.notna().groupby(regions, sort=False).sum()
    empty = counts.to_numpy() == 0
    if empty.any():
        i, j = np.argwhere(empty)[0]
        raise DataError(f"{what} {x.columns[j]} has no value for region {counts.index[i]}: "
                        "it cannot be imputed within the region")
    if method == "mean":
        filled = x.fillna(x.groupby(regions, sort=False).transform("mean"))
    else:
        years = x.index.get_level_values(1).to_numpy(dtype=float)
        parts = []
        for _, block in x.groupby(regions, sort=False):
            b = block.set_axis(years[x.index.get_indexer(block.index)], axis=0)
            b = b.interpolate(method="index", limit_direction="both")
            parts.append(b.set_axis(block.index, axis=0))
        filled = pd.concat(parts).reindex(x.index)
    rows, cols = np.nonzero(mask)
    cells = pd.DataFrame({REGION: x.index.get_level_values(0)[rows], YEAR: x.index.get_level_values(1)[rows],
                          "column": x.columns[cols], "value": filled.to_numpy(dtype=float)[rows, cols]})
    return PanelImputed(filled, cells, method)


@dataclass(frozen=True)
class PanelEntropyResult:
    """What :func:`panel_entropy` computes. Rows are (Region, Year), sorted by region then year.

    Attributes
    ----------
    mode : {"global", "by_year"}
    weights, entropy, divergence : Series or DataFrame
        ``global``: one value per indicator (Series). ``by_year``: a Year × indicator table; an
        indicator dropped in a year (``constant="drop"``) is NaN there.
    standardized : DataFrame
        ``z`` per region-year and indicator (over all region-years, or within each year).
    scores : Series
        The index per region-year.
    comparable_across_years : bool
        True for ``global``; False for ``by_year`` (its scores rank regions within a year only).
    rows, regions, years : int
        Region-year rows present (N·T of ``k = 1/ln(N·T)`` under ``global``), regions, years.
    absent : DataFrame
        Region, Year of the region-years absent from the full grid (an unbalanced panel).
    imputed : DataFrame
        Region, Year, column, value of every imputed cell; ``impute`` names the method.
    results : dict
        The :class:`~dnqp.engine.entropy.EntropyResult` behind it: key ``"global"``, or one per year.
    warnings : tuple of str
    """

    mode: str
    weights: pd.Series | pd.DataFrame
    entropy: pd.Series | pd.DataFrame
    divergence: pd.Series | pd.DataFrame
    standardized: pd.DataFrame
    scores: pd.Series
    directions: pd.Series
    comparable_across_years: bool
    rows: int
    regions: int
    years: int
    absent: pd.DataFrame
    imputed: pd.DataFrame
    impute: str
    results: dict
    warnings: tuple = field(default=())
    #: The indicator data as used: region-years × indicators, after imputation within each region.
    data: pd.DataFrame | None = None

    @property
    def balanced(self) -> bool:
        return len(self.absent) == 0

    def table(self) -> pd.DataFrame:
        """``global``: Indicator | Entropy e | Divergence d | Weight w. ``by_year``: the Year × indicator weights."""
        if self.mode == "global":
            return self.results["global"].table()
        return self.weights

    def dimension_weights(self, groups: Mapping | Sequence | pd.Series) -> pd.Series | pd.DataFrame:
        """Summed weight of each dimension (``by_year``: a Year × dimension table)."""
        if self.mode == "global":
            return self.results["global"].dimension_weights(groups)
        return pd.DataFrame({y: r.dimension_weights(groups) for y, r in self.results.items()}).T.rename_axis(YEAR)

    def subindices(self, groups: Mapping | Sequence | pd.Series, convention: str = "global") -> pd.DataFrame:
        """One column per dimension, one row per region-year (see :meth:`EntropyResult.subindices`).

        ``convention="global"``: ``S^k = Σ_{j∈k} w_j z_j``, adding up to the index; ``"within"``: weights
        renormalised inside each dimension. Under ``by_year`` each year uses its own weights.
        """
        if convention not in CONVENTIONS:
            raise SettingsError(f"sub-index convention {convention!r} is not one of global, within")
        if self.mode == "global":
            return self.results["global"].subindices(groups, convention)
        parts = []
        for y, r in self.results.items():
            try:
                s = r.subindices(groups, convention)
            except DnqpError as err:
                raise type(err)(f"year {row_label(y)}: {err}") from None
            parts.append(s.set_axis(pd.MultiIndex.from_arrays([s.index, [y] * len(s)], names=[REGION, YEAR])))
        return pd.concat(parts).reindex(self.scores.index)


def panel_entropy(
    data: pd.DataFrame,
    directions: Sequence | Mapping | pd.Series,
    *,
    mode: str = "global",
    impute: str = "mean",
    standardize: str = "minmax",
    shift: float = 0.0,
    interval: tuple[float, float] = (0.0, 1.0),
    constant: str = "error",
) -> PanelEntropyResult:
    """Entropy weights and index of a panel: ``global`` (pooled region-years) or ``by_year``.

    Parameters
    ----------
    data : DataFrame
        One row per region-year: a (Region, Year) MultiIndex, or ``Region`` and ``Year`` columns; the other
        columns are indicators.
    directions : sequence or mapping
        Per indicator, as :func:`~dnqp.engine.entropy.entropy_weights`.
    mode : {"global", "by_year"}
        ``global``: min, max and p over all region-years, ``k = 1/ln(N·T)``. ``by_year``: the method within
        each year (each year needs at least 3 regions).
    impute : {"mean", "linear", "none"}
        Missing values are filled within each region along its years (:func:`panel_impute`).
    standardize, shift, interval, constant
        As :func:`~dnqp.engine.entropy.entropy_weights`.

    Examples
    --------
    Two regions over three years, global entropy (k = 1/ln 6):

    >>> df = pd.DataFrame({"Region": ["A"] * 3 + ["B"] * 3, "Year": [2020, 2021, 2022] * 2,
    ...                    "x": [1.0, 2, 4, 3, 5, 6], "c": [9.0, 7, 4, 8, 5, 2]})
    >>> r = panel_entropy(df, {"x": "+", "c": "-"})
    >>> r.weights.round(6).tolist(), r.rows
    ([0.461368, 0.538632], 6)
    >>> r.comparable_across_years, r.balanced
    (True, True)
    """
    if mode not in PANEL_ENTROPY:
        raise SettingsError(f"panel entropy {mode!r} is not one of {', '.join(PANEL_ENTROPY)}")
    filled = panel_impute(data, impute)
    x = filled.data
    if x.shape[1] == 0:
        raise DataError("no indicators: the panel has no columns besides Region and Year")
    regions = x.index.get_level_values(0).unique()
    years = sorted(x.index.get_level_values(1).unique())
    absent = _absent(x.index)
    notes = []
    if len(absent):
        notes.append(f"unbalanced panel: {len(absent)} region-year(s) absent (first: region {absent.iloc[0, 0]}, "
                     f"year {row_label(absent.iloc[0, 1])}); they are reported, not invented")
    opts = dict(standardize=standardize, shift=shift, interval=interval, constant=constant)
    if mode == "global":
        r = entropy_weights(x, directions, **opts)
        notes += list(r.warnings)
        return PanelEntropyResult(
            mode=mode, weights=r.weights, entropy=r.entropy, divergence=r.divergence,
            standardized=r.standardized, scores=r.scores, directions=r.directions, comparable_across_years=True,
            rows=len(x), regions=len(regions), years=len(years), absent=absent, imputed=filled.cells,
            impute=impute, results={"global": r}, warnings=tuple(notes), data=x)

    results: dict = {}
    year_level = x.index.get_level_values(1)
    for y in years:
        block = x[year_level == y].droplevel(1)
        try:
            results[y] = entropy_weights(block, directions, **opts)
        except (ConstantIndicatorError, DataError) as err:
            raise type(err)(f"year {row_label(y)}: {err}") from None
        notes += [f"year {row_label(y)}: {w}" for w in results[y].warnings]
    notes.append("by-year entropy: the weights differ from year to year, so the scores rank regions within a "
                 "year and are not comparable across years")
    cols = x.columns

    def table(attr: str) -> pd.DataFrame:
        return pd.DataFrame({y: getattr(r, attr).reindex(cols) for y, r in results.items()}).T.rename_axis(YEAR)

    def stacked(attr: str):
        parts = []
        for y, r in results.items():
            s = getattr(r, attr)  # set_axis copies: the per-year results keep their region index
            parts.append(s.set_axis(pd.MultiIndex.from_arrays([s.index, [y] * len(s)], names=[REGION, YEAR])))
        return pd.concat(parts).reindex(x.index)

    weights = table("weights")
    weights.columns.name = "Indicator"
    return PanelEntropyResult(
        mode=mode, weights=weights, entropy=table("entropy"), divergence=table("divergence"),
        standardized=stacked("standardized").reindex(columns=cols), scores=stacked("scores").rename("Index"),
        directions=next(iter(results.values())).directions, comparable_across_years=False, rows=len(x),
        regions=len(regions), years=len(years), absent=absent, imputed=filled.cells, impute=impute,
        results=results, warnings=tuple(notes), data=x)


def stata_slip_entropy(z: np.ndarray, years: int) -> np.ndarray:
    """The entropy of a widely copied Stata loop: ``k = 1/ln(T)`` with ``p ln p`` summed over all N·T rows.

    Shown to document the slip (METHOD.md §5); dnqp never uses it. ``z`` is the standardised N·T × m
    matrix, ``years`` is T. With more than one region the result exceeds 1 for an evenly spread indicator,
    so its divergence ``1 − e`` is negative.

    Examples
    --------
    >>> z = np.ones((31 * 12, 1))
    >>> float(stata_slip_entropy(z, 12)[0]) > 1
    True
    """
    z = np.asarray(z, dtype=float)
    p = z / z.sum(axis=0)
    plogp = np.where(p > 0, p * np.log(np.where(p > 0, p, 1.0)), 0.0)
    return -plogp.sum(axis=0) / np.log(years)


# --------------------------------------------------------------------------------------------- index tables
@dataclass(frozen=True)
class PanelIndexTables:
    """The index of a panel laid out as a paper prints it (see :func:`panel_index_tables`).

    Attributes
    ----------
    wide : DataFrame
        Regions as rows, years as columns (an absent region-year is blank).
    long : DataFrame
        Region, Year, (Group), Index, the sub-indices, and Rank.
    ranks : DataFrame
        Rank of each region in each year (1 = highest index; ties share the lowest rank), regions × years.
    group_means : DataFrame or None
        Mean index by group (rows) and year (columns), when groups are given.
    """

    wide: pd.DataFrame
    long: pd.DataFrame
    ranks: pd.DataFrame
    group_means: pd.DataFrame | None


def panel_index_tables(scores: pd.Series, subindices: pd.DataFrame | None = None,
                       groups: Mapping | pd.Series | None = None) -> PanelIndexTables:
    """Region × year table, long form with sub-indices, ranks by year and group means by year.

    Parameters
    ----------
    scores : Series
        The index on a (Region, Year) MultiIndex (``PanelEntropyResult.scores``).
    subindices : DataFrame, optional
        Sub-indices on the same index (``PanelEntropyResult.subindices(...)``).
    groups : mapping or Series, optional
        Region → group (e.g. the NBS East / Central / West / Northeast division). Every region needs one.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_tuples([("A", 2020), ("A", 2021), ("B", 2020), ("B", 2021)],
    ...                                 names=["Region", "Year"])
    >>> t = panel_index_tables(pd.Series([0.2, 0.5, 0.4, 0.3], index=idx), groups={"A": "East", "B": "East"})
    >>> t.ranks.to_dict("index")
    {'A': {2020: 2, 2021: 1}, 'B': {2020: 1, 2021: 2}}
    >>> t.group_means.round(2).to_dict("index")
    {'East': {2020: 0.3, 2021: 0.4}}
    """
    if not isinstance(scores.index, pd.MultiIndex) or scores.index.nlevels != 2:
        raise DataError("the panel index needs a (Region, Year) row index")
    s = scores.rename("Index")
    s.index = s.index.set_names([REGION, YEAR])
    regions = list(s.index.get_level_values(0).unique())
    wide = s.unstack(YEAR).reindex(regions)
    wide.columns.name = YEAR
    ranks = wide.rank(axis=0, ascending=False, method="min").astype("Int64")
    long = s.to_frame()
    if subindices is not None:
        long = long.join(subindices)
    long["Rank"] = ranks.stack().reindex(long.index).to_numpy()
    long = long.reset_index()
    group_means = None
    if groups is not None:
        g = pd.Series(groups) if isinstance(groups, Mapping) else groups
        missing = [r for r in regions if r not in g.index or pd.isna(g.get(r)) or str(g.get(r)).strip() == ""]
        if missing:
            raise DataError(f"region {missing[0]} has no Group")
        long.insert(1, "Group", long[REGION].map(g).to_numpy())
        group_means = long.groupby(["Group", YEAR], sort=False)["Index"].mean().unstack(YEAR)
        present = set(g.reindex(regions))
        order = [x for x in dict.fromkeys(g) if x in present]  # groups in the order the mapping lists them
        group_means = group_means.reindex(order)
        group_means.columns.name = YEAR
    return PanelIndexTables(wide=wide, long=long, ranks=ranks, group_means=group_means)
