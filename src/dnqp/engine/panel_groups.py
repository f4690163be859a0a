"""Heterogeneity by region group (METHOD.md §5): one regression per group, and tests that a coefficient is
the same in every group.

* **Interaction (Chow-type) test**: one pooled model with the same fixed effects and clustering, where the
  tested regressors are interacted with the group dummies (the first group is the reference); a Wald F
  that every interaction is 0, with the pooled model's covariance. ``interact="all"`` interacts every
  regressor (the Chow test of equal slopes), ``"variable"`` only the tested one.
* **Fisher's permutation test** of the difference ``d = b_A − b_B`` between two groups, as Stata's
  ``bdiff``: the group labels are reassigned at random among the regions of A and B (group sizes kept;
  regions keep all their years, so the panel structure is kept), the two subsample regressions are
  re-estimated, and the empirical p-value is the share of the ``reps`` replications whose difference is
  at least as extreme. The seed is fixed and reported, so a run can be repeated exactly.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations

import numpy as np
import pandas as pd

from ..errors import DataError, DnqpError, ModelError, SettingsError
from .settings import REGISTRY
from .panel_regression import PanelOLSResult, panel_model_table, panel_ols
from .parallel import WORTH_ROWS, fit_all

__all__ = ["DEFAULT_SEED", "DEFAULT_REPS", "INTERACT", "InteractionTest", "PermutationTest", "GroupHeterogeneity",
           "group_heterogeneity", "fe_coefficients", "RegionMoments"]

DEFAULT_SEED = REGISTRY["permutation_seed"].read(None)  # the Settings defaults: one declaration
DEFAULT_REPS = REGISTRY["permutation_reps"].read(None)
INTERACT = REGISTRY["interact"].choices


@dataclass(frozen=True)
class InteractionTest:
    """The Chow-type test: Wald F that the interactions of the tested regressors with the groups are all 0."""

    reference: str
    terms: tuple
    fvalue: float
    df_num: int
    df_den: float
    pvalue: float
    model: PanelOLSResult


@dataclass(frozen=True)
class PermutationTest:
    """Fisher's permutation test of ``b_A − b_B`` (Stata's ``bdiff``).

    ``p_one_sided`` is bdiff's empirical p-value: the share of replications with a difference at least
    ``d`` (when d ≥ 0; at most d when d < 0). ``p_two_sided`` counts ``|d*| ≥ |d|``.
    """

    group_a: str
    group_b: str
    variable: str
    coef_a: float
    coef_b: float
    difference: float
    reps: int
    seed: int
    p_one_sided: float
    p_two_sided: float
    draws: np.ndarray = field(repr=False)


@dataclass(frozen=True)
class GroupHeterogeneity:
    """:func:`group_heterogeneity`'s result.

    Attributes
    ----------
    variable : str
        The regressor whose equality across groups is tested.
    subsamples : dict
        Group → :class:`~dnqp.engine.panel_regression.PanelOLSResult` of that group's regions.
    interaction : InteractionTest
    permutations : tuple of PermutationTest
        One per pair of groups.
    warnings : tuple of str
    """

    variable: str
    groups: tuple
    subsamples: dict
    interaction: InteractionTest
    permutations: tuple
    warnings: tuple = ()

    def table(self, **kwargs) -> pd.DataFrame:
        """One column per group (:func:`~dnqp.engine.panel_regression.panel_model_table`), with the FE rows."""
        return panel_model_table([self.subsamples[g] for g in self.groups], [str(g) for g in self.groups], **kwargs)

    def tests(self) -> pd.DataFrame:
        """One row per pair: both coefficients, their difference, the permutation p-values, reps and seed."""
        rows = [{"Group A": p.group_a, "Group B": p.group_b, "b(A)": p.coef_a, "b(B)": p.coef_b,
                 "b(A) − b(B)": p.difference, "p (one-sided, bdiff)": p.p_one_sided,
                 "p (two-sided)": p.p_two_sided, "Replications": p.reps, "Seed": p.seed}
                for p in self.permutations]
        return pd.DataFrame(rows)


def fe_coefficients(y: np.ndarray, X: np.ndarray, region: np.ndarray, year: np.ndarray, effects: str) -> np.ndarray:
    """Slope coefficients of a fixed-effects regression, from the rows (the reference :class:`RegionMoments`
    is held to; it gives the permutation replications the same slopes from per-region sums).

    Region means are removed with ``bincount``; under two-way effects the year dummies (demeaned by region)
    are then partialled out (Frisch–Waugh), which is exact in an unbalanced panel. Only the point estimates:
    the permutation test needs no standard errors. A test holds it to :func:`panel_ols` (linearmodels).

    Examples
    --------
    >>> r = np.array([0, 0, 1, 1, 2, 2]); t = np.array([0, 1, 0, 1, 0, 1])
    >>> x = np.array([[1.0], [2.0], [2.0], [5.0], [1.0], [1.5]])
    >>> y = 3 * x[:, 0] + np.array([1.0, 1.0, 2.0, 2.0, 0.0, 0.0])
    >>> fe_coefficients(y, x, r, t, "region").round(10).tolist()  # the region shifts are absorbed
    [3.0]
    """
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    if effects == "none":
        Z = np.column_stack([X, np.ones(len(y))])
        return np.linalg.lstsq(Z, y, rcond=None)[0][: X.shape[1]]
    codes = pd.factorize(region)[0]
    counts = np.bincount(codes).astype(float)

    def demean(M: np.ndarray) -> np.ndarray:
        sums = np.stack([np.bincount(codes, weights=M[:, j]) for j in range(M.shape[1])], axis=1)
        return M - (sums / counts[:, None])[codes]

    M = demean(np.column_stack([y, X]))
    if effects == "twoway":
        # The year dummies D (first year dropped), demeaned by region (D̃ = M_R D), partialled out without
        # forming D: D̃'M̃ = D'M̃ (year sums of the demeaned columns) and D̃'D̃ = diag(n_t) − C' diag(1/n_r) C,
        # C the region × year counts; D̃β = Dβ − its region means. Exact in an unbalanced panel.
        tc = pd.factorize(year)[0]
        n_t = int(tc.max()) + 1
        C = np.bincount(codes * n_t + tc, minlength=len(counts) * n_t).reshape(len(counts), n_t).astype(float)
        G = np.diag(C.sum(axis=0)) - C.T @ (C / counts[:, None])
        DM = np.stack([np.bincount(tc, weights=M[:, j], minlength=n_t) for j in range(M.shape[1])], axis=1)
        beta = np.linalg.lstsq(G[1:, 1:], DM[1:], rcond=None)[0]
        Db = np.vstack([np.zeros((1, M.shape[1])), beta])[tc]
        M = M - demean(Db)
    Z = M[:, 1:]
    return np.linalg.lstsq(Z.T @ Z, Z.T @ M[:, 0], rcond=None)[0]


class RegionMoments:
    """Per-region sums from which the slopes of the fixed-effects regression of any set of whole regions follow
    without touching the rows again (the permutation test refits thousands of such sets).

    Regions keep all their years in a permutation, so each region's own means, and hence the region-demeaned
    rows M̃ = M − M̄_r (M = [y, X]), are the same in every subsample. A set A of regions then has
    ``M̃'M̃ = Σ_{r∈A} P_r`` (``P_r`` each region's cross-products); under two-way effects the year dummies,
    demeaned by region, are partialled out (Frisch–Waugh) from ``D'M̃ = Σ_{r∈A} S_r`` (``S_r`` each region's
    year sums of M̃) and ``D̃'D̃ = diag(n_t) − C_A' diag(1/n_r) C_A`` (C the region × year counts), as
    :func:`fe_coefficients` does on the rows: Z'Z = M̃'M̃ − (D'M̃)'β with β the year effects. Without effects,
    the sums and raw cross-products of M give the centred ones. Exact in an unbalanced panel.

    Examples
    --------
    >>> r = np.array([0, 0, 1, 1, 2, 2, 3, 3]); t = np.array([0, 1, 0, 1, 0, 1, 0, 1])
    >>> x = np.array([[1.0], [2.0], [2.0], [5.0], [1.0], [1.5], [0.0], [2.0]])
    >>> y = 3 * x[:, 0] + np.array([1.0, 1.5, 2.0, 2.0, 0.0, 0.2, 1.0, 0.0])
    >>> m = RegionMoments(y, x, r, t, "twoway")
    >>> chosen = np.array([True, True, True, False])
    >>> bool(np.allclose(m.slopes(chosen), fe_coefficients(y[:6], x[:6], r[:6], t[:6], "twoway")))
    True
    """

    def __init__(self, y: np.ndarray, X: np.ndarray, region: np.ndarray, year: np.ndarray, effects: str):
        M = np.column_stack([np.asarray(y, dtype=float), np.asarray(X, dtype=float)])
        if effects == "none":  # shifted by the pool's means (the slopes do not move): no cancellation in Q − ss'/n
            M = M - M.mean(axis=0)
        codes, self.regions = pd.factorize(region)
        R = len(self.regions)
        self.effects = effects
        self.n_r = np.bincount(codes, minlength=R).astype(float)
        sums = np.stack([np.bincount(codes, weights=M[:, j], minlength=R) for j in range(M.shape[1])], axis=1)
        if effects == "none":
            self.s = sums  # R × (k+1): Σ M per region
        else:
            M = M - (sums / self.n_r[:, None])[codes]
        k1 = M.shape[1]
        outer = (M[:, :, None] * M[:, None, :]).reshape(len(M), k1 * k1)
        self.P = np.stack([np.bincount(codes, weights=outer[:, j], minlength=R) for j in range(k1 * k1)],
                          axis=1).reshape(R, k1, k1)  # each region's M'M (raw, or region-demeaned)
        if effects == "twoway":
            tc = pd.factorize(year, sort=True)[0]
            T = int(tc.max()) + 1
            cell = codes * T + tc
            self.C = np.bincount(cell, minlength=R * T).reshape(R, T).astype(float)
            self.S = np.stack([np.bincount(cell, weights=M[:, j], minlength=R * T) for j in range(k1)],
                              axis=1).reshape(R, T, k1)  # each region's year sums of M̃
            self.W = self.C / self.n_r[:, None]
            self.balanced = bool((self.C == 1).all())  # then D̃'D̃ = n_A (I − J/T): no per-region products
            self.O = None if self.balanced else (self.C[:, :, None] * self.W[:, None, :]).reshape(R, T * T)

    def slopes(self, chosen: np.ndarray) -> np.ndarray:
        """The slope coefficients of the regression on the regions where ``chosen`` (region order) is True."""
        w = np.asarray(chosen, dtype=float)
        Q = np.tensordot(w, self.P, axes=1)
        if self.effects == "none":
            n = w @ self.n_r
            s = w @ self.s
            Q = Q - np.outer(s, s) / n
        elif self.effects == "twoway":
            n_t = w @ self.C
            keep = np.flatnonzero(n_t > 0)[1:]  # the years present, the first one dropped (absorbed)
            G = np.diag(n_t) - (self.C * w[:, None]).T @ self.W
            DM = np.tensordot(w, self.S, axes=1)
            beta = np.linalg.lstsq(G[np.ix_(keep, keep)], DM[keep], rcond=None)[0]
            Q = Q - DM[keep].T @ beta
        return np.linalg.lstsq(Q[1:, 1:], Q[1:, 0], rcond=None)[0]

    def slopes_many(self, chosen: np.ndarray) -> np.ndarray:
        """:meth:`slopes` of many sets at once (``chosen``: sets × regions, bool): the sums are one matrix
        product for all the sets, the systems solved together; a set whose systems are singular, or that
        lacks a year, is solved alone by :meth:`slopes` (least squares, as the rows would be)."""
        w = np.asarray(chosen, dtype=float)
        K, R = w.shape
        k1 = self.P.shape[1]
        Q = (w @ self.P.reshape(R, -1)).reshape(K, k1, k1)
        if self.effects == "none":
            n = w @ self.n_r
            s = w @ self.s
            Q = Q - s[:, :, None] * s[:, None, :] / n[:, None, None]
        alone = np.zeros(K, dtype=bool)
        if self.effects == "twoway":
            T = self.C.shape[1]
            n_t = w @ self.C
            alone |= (n_t <= 0).any(axis=1)
            if self.balanced:
                G = (w.sum(axis=1)[:, None, None] * (np.eye(T) - 1.0 / T)).copy()
            else:
                G = -(w @ self.O).reshape(K, T, T)
                G[:, np.arange(T), np.arange(T)] += n_t
            DM = (w @ self.S.reshape(R, -1)).reshape(K, T, k1)
            G[alone] = np.eye(T)  # solved alone below
            try:
                beta = np.linalg.solve(G[:, 1:, 1:], DM[:, 1:, :])
            except np.linalg.LinAlgError:
                return np.stack([self._alone(c) for c in chosen])
            Q = Q - np.swapaxes(DM[:, 1:, :], 1, 2) @ beta
        A = Q[:, 1:, 1:]
        A[alone] = np.eye(k1 - 1)
        try:
            out = np.linalg.solve(A, Q[:, 1:, :1])[:, :, 0]
        except np.linalg.LinAlgError:
            return np.stack([self._alone(c) for c in chosen])
        for i in np.flatnonzero(alone):
            out[i] = self._alone(chosen[i])
        return out

    def _alone(self, chosen: np.ndarray) -> np.ndarray:
        try:
            return self.slopes(chosen)
        except np.linalg.LinAlgError:  # a degenerate draw counts as no replication (dropped from the p-value)
            return np.full(self.P.shape[1] - 1, np.nan)


def _group_fit(group, y, X, opts):
    """One subsample's fit (its errors name the group), or the pooled model (``group`` None)."""
    try:
        return panel_ols(y, X, **opts)
    except DnqpError as err:
        if group is None:
            raise
        raise type(err)(f"group {group}: {err}") from None


def _region_groups(groups, regions: Sequence) -> pd.Series:
    g = pd.Series(groups) if isinstance(groups, Mapping) else pd.Series(groups)
    out = {}
    for r in regions:
        v = g.get(r) if r in g.index else None
        if v is None or (isinstance(v, float) and np.isnan(v)) or str(v).strip() == "":
            raise DataError(f"region {r} has no Group: group heterogeneity needs one for every region")
        out[r] = str(v).strip()
    return pd.Series(out, name="Group")


def group_heterogeneity(
    y: pd.Series,
    X: pd.DataFrame,
    groups: Mapping | pd.Series,
    *,
    variable: str | None = None,
    effects: str = "twoway",
    cov: str = "cluster",
    convention: str = "reghdfe",
    interact: str = "all",
    reps: int = DEFAULT_REPS,
    seed: int = DEFAULT_SEED,
) -> GroupHeterogeneity:
    """Subsample regressions by region group, an interaction test and Fisher's permutation test (``bdiff``).

    Parameters
    ----------
    y, X : Series, DataFrame
        On a (Region, Year) MultiIndex, as :func:`~dnqp.engine.panel_regression.panel_ols` takes them.
    groups : mapping or Series
        Region → group (e.g. the NBS East / Central / West / Northeast division). Every region needs a group,
        every group at least two regions.
    variable : str, optional
        The regressor tested (default: the first, usually the index).
    effects, cov, convention
        As :func:`panel_ols`; every model (subsamples, pooled interaction model) uses them, clustered by region.
    interact : {"all", "variable"}
        Interact every regressor with the groups (Chow) or only ``variable``.
    reps : int
        Permutation replications (bdiff's ``reps()``); 0 skips the permutation test.
    seed : int
        Seed of NumPy's default generator, reported with the result.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> idx = pd.MultiIndex.from_product([[f"R{i}" for i in range(8)], range(2015, 2021)], names=["Region", "Year"])
    >>> x = pd.DataFrame({"x": rng.normal(size=48)}, index=idx)
    >>> slope = np.repeat([1.0] * 4 + [3.0] * 4, 6)
    >>> y = pd.Series(slope * x["x"] + rng.normal(scale=0.1, size=48), index=idx, name="y")
    >>> g = {f"R{i}": "East" if i < 4 else "West" for i in range(8)}
    >>> h = group_heterogeneity(y, x, g, effects="region", reps=200, seed=1)
    >>> p = h.permutations[0]
    >>> bool(p.difference < -1.5), p.p_one_sided, p.reps, p.seed, bool(h.interaction.pvalue < 0.01)
    (True, 0.02, 200, 1, True)
    """
    if interact not in INTERACT:
        raise SettingsError(f"interaction {interact!r} is not one of {', '.join(INTERACT)}")
    try:
        reps = int(reps)
        seed = int(seed)
    except (TypeError, ValueError):
        raise SettingsError("permutation replications and seed must be whole numbers") from None
    if reps < 0:
        raise SettingsError(f"permutation replications must be ≥ 0, got {reps}")
    if not (isinstance(y.index, pd.MultiIndex) and y.index.nlevels == 2):
        raise DataError("group heterogeneity needs data indexed by (Region, Year)")
    if isinstance(X, pd.Series):
        X = X.to_frame()
    names = [str(c) for c in X.columns]
    X = X.set_axis(names, axis=1)
    variable = names[0] if variable is None else str(variable)
    if variable not in names:
        raise DataError(f"variable {variable} is not among the regressors")
    regions = y.index.get_level_values(0)
    region_list = list(pd.unique(regions))
    rg = _region_groups(groups, region_list)
    given = pd.Series(groups).astype(str).str.strip()  # groups in the order the mapping lists them
    order = [g for g in dict.fromkeys(given) if g in set(rg)]
    sizes = rg.value_counts()
    small = [g for g in order if sizes[g] < 2]
    if small:
        raise DataError(f"group {small[0]} has {sizes[small[0]]} region(s): a group needs at least two")
    if len(order) < 2:
        raise DataError(f"only one group ({order[0]}): group heterogeneity needs at least two")
    row_group = rg.reindex(regions).to_numpy()
    opts = dict(effects=effects, cov=cov, convention=convention)
    notes: list[str] = []

    # Interaction (Chow-type) test in one pooled model with the same FE and clustering.
    tested = names if interact == "all" else [variable]
    pooled = X.copy()
    terms = []
    for g in order[1:]:
        d = (row_group == g).astype(float)
        if effects == "none":
            pooled[f"{g}"] = d
        for v in tested:
            name = f"{v}×{g}"
            pooled[name] = X[v].to_numpy() * d
            terms.append(name)
    # The subsample fits and the pooled model: independent, side by side under parallel.workers.
    tasks = [(g, y[row_group == g], X[row_group == g], opts) for g in order] + [(None, y, pooled, opts)]
    *fitted, model = fit_all(_group_fit, tasks, cost=[1.0] * len(order) + [2.0],
                                  worth=len(y) >= WORTH_ROWS)
    subsamples = dict(zip(order, fitted))
    for g in order:
        notes += [f"group {g}: {w}" for w in subsamples[g].warnings]
    b = model.params[terms].to_numpy()
    V = model.cov.loc[terms, terms].to_numpy()
    try:
        F = float(b @ np.linalg.solve(V, b) / len(terms))
    except np.linalg.LinAlgError:
        raise ModelError("the interaction test's covariance is singular: too few regions per group") from None
    from scipy.special import fdtrc

    inter = InteractionTest(reference=order[0], terms=tuple(terms), fvalue=F, df_num=len(terms),
                            df_den=model.df_resid, pvalue=float(fdtrc(len(terms), model.df_resid, F)), model=model)

    perms = []
    if reps:
        j = names.index(variable)
        rng = np.random.default_rng(seed)
        years = y.index.get_level_values(1).to_numpy()
        for a, bgrp in combinations(order, 2):
            ra, rb = subsamples[a], subsamples[bgrp]
            d0 = float(ra.params[variable] - rb.params[variable])
            m = (row_group == a) | (row_group == bgrp)
            pool = np.array([r for r in region_list if rg[r] in (a, bgrp)], dtype=object)
            moments = RegionMoments(y.to_numpy(dtype=float)[m], X.to_numpy(dtype=float)[m], np.asarray(regions)[m],
                                    years[m], effects)
            at = pd.Index(moments.regions).get_indexer(pool)  # each pool region's place among the moments
            n_a = int(sizes[a])
            chosen = np.zeros((reps, len(pool)), dtype=bool)
            for k in range(reps):
                shuffled = rng.permutation(len(pool))  # the same draws as permuting the pool itself
                chosen[k, at[shuffled[:n_a]]] = True
            draws = np.empty(reps)
            for lo in range(0, reps, 250):  # in blocks: the sums of 250 sets at a time
                block = chosen[lo:lo + 250]
                draws[lo:lo + 250] = moments.slopes_many(block)[:, j] - moments.slopes_many(~block)[:, j]
            valid = draws[np.isfinite(draws)]
            tol = 1e-12 * max(1.0, abs(d0))
            one = float(np.mean(valid >= d0 - tol) if d0 >= 0 else np.mean(valid <= d0 + tol))
            two = float(np.mean(np.abs(valid) >= abs(d0) - tol))
            perms.append(PermutationTest(group_a=a, group_b=bgrp, variable=variable, coef_a=float(ra.params[variable]),
                                         coef_b=float(rb.params[variable]), difference=d0, reps=reps, seed=seed,
                                         p_one_sided=one, p_two_sided=two, draws=draws))
        notes.append(f"permutation test (Fisher, as bdiff): {reps} replications per pair of groups, seed {seed}; "
                     "group labels reassigned among regions, group sizes kept")
    return GroupHeterogeneity(variable=variable, groups=tuple(order), subsamples=subsamples, interaction=inter,
                              permutations=tuple(perms), warnings=tuple(notes))
