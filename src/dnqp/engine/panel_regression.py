"""Fixed-effects panel regressions with Stata's small-sample conventions (METHOD.md §5).

The estimation — within transformation, two-way absorption, coefficients, the sandwich — is
linearmodels' ``PanelOLS`` (imported lazily: about a second). dnqp asks it for the *unscaled* covariance
(``debiased=False``, no effect counting) and applies the small-sample factor of the Stata command the
setting reproduces, so every factor is written down here, once:

=============  =====================================  ===================================================
``cov``        covariance                             Stata command reproduced
=============  =====================================  ===================================================
nonrobust      ``s² (X̃'X̃)⁻¹``, s² = RSS/(N − K − df_a)  ``xtreg y x, fe`` (= ``reghdfe … , absorb(id)``);
                                                      two-way: ``reghdfe y x, absorb(id year)``
robust         under region FE: clustered by region   ``xtreg y x, fe vce(robust)`` (Stata's ``robust``
               (as Stata); without FE: HC1            under ``fe`` *is* the cluster-by-panel estimator);
                                                      no FE: ``regress y x, vce(robust)``
cluster        ``G/(G−1)·(N−1)/(N−K)·Σ_g X̃'e e'X̃``    ``reghdfe y x, absorb(id [year]) vce(cluster id)``
                                                      (``convention="reghdfe"``) or ``xtreg y x
                                                      [i.year], fe vce(cluster id)`` (``"xtreg"``)
=============  =====================================  ===================================================

K counts the slopes, the constant, and the absorbed fixed effects *not nested* in the clusters (the
region effects are nested in region clusters and count 0; year effects count T minus the connected
components of the region–year graph, i.e. T − 1). Both commands use that K (held to Stata's output and to
reghdfe's printouts by the tests). They differ in the sample: ``reghdfe`` drops singleton regions (a region
with one observation, iteratively), ``xtreg`` keeps them, which changes N and G. ``convention`` picks the
command; the default is ``reghdfe``. t tests use G − 1 degrees of freedom with clusters and N − K − df_a
without. The constant is reported as both commands do: the grand means added back before the fit.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import CollinearityError, DataError, ModelError, SettingsError
from .panel import REGION, YEAR, panel_frame
from .prepare import row_label
from .settings import REGISTRY
from .regression import CONS, STARS, OLSResult, _check_collinearity, coefficient_lines, describe, stars, t_pvalue, vif
from .tables import model_table

__all__ = [
    "EFFECTS",
    "PANEL_COV",
    "PANEL_CONVENTIONS",
    "MIN_CLUSTERS",
    "PanelOLSResult",
    "panel_ols",
    "panel_describe",
    "panel_vif",
    "panel_model_table",
    "absorbed_degrees",
    "drop_singletons",
    "small_sample_scale",
]

EFFECTS = REGISTRY["effects"].choices
PANEL_COV = ("nonrobust", "robust", "cluster")
PANEL_CONVENTIONS = REGISTRY["panel_convention"].choices
#: Below this many clusters, clustered standard errors are unreliable (a warning, not an error).
MIN_CLUSTERS = 10


def drop_singletons(region: np.ndarray, year: np.ndarray | None) -> np.ndarray:
    """Rows kept after dropping singletons iteratively, as ``reghdfe`` does.

    A singleton is the only observation of a region (or, with year effects, of a year): its fixed effect
    fits it exactly, so it carries no information and would overstate the degrees of freedom. Dropping one
    can make another, so the rule repeats until none is left.

    Examples
    --------
    >>> drop_singletons(np.array(["A", "A", "B", "C", "C"]), None).tolist()
    [True, True, False, True, True]
    """
    keep = np.ones(len(region), dtype=bool)
    codes = [pd.factorize(region)[0]] + ([pd.factorize(year)[0]] if year is not None else [])
    while True:
        changed = False
        for c in codes:
            counts = np.bincount(c[keep], minlength=c.max() + 1 if len(c) else 0)
            single = keep & (counts[c] == 1)
            if single.any():
                keep &= ~single
                changed = True
        if not changed:
            return keep


def small_sample_scale(cov_type: str, nobs: int, k: int, df_absorbed: int, n_clusters: int | None = None
                       ) -> tuple[float, float]:
    """The factor dnqp multiplies linearmodels' unscaled covariance by, and the t tests' degrees of freedom.

    ``k`` counts the slopes; ``df_absorbed`` the other parameters that count: the constant, and the fixed
    effects (with clusters, only those not nested in them).

    * ``"nonrobust"``: ``N/(N − k − df_a)`` (s² = RSS/(N − k − df_a)), df ``N − k − df_a``;
    * ``"HC1"``: ``N/(N − k − 1)``, df ``N − k − 1`` (``regress, vce(robust)``);
    * ``"cluster"``: ``G/(G − 1)·(N − 1)/(N − K)`` with ``K = k + df_a``, df ``G − 1``.

    Examples
    --------
    >>> scale, df = small_sample_scale("cluster", 997, 2, 29 + 1, 30)  # reghdfe Y X1 X2, absorb(f1 f2) cluster(f1)
    >>> round(scale, 6), df
    (1.067715, 29.0)
    """
    if cov_type == "nonrobust":
        df = nobs - k - df_absorbed
        return nobs / df, float(df)
    if cov_type == "HC1":
        df = nobs - k - 1
        return nobs / df, float(df)
    if cov_type == "cluster":
        if not n_clusters or n_clusters < 2:
            raise ModelError("clustered standard errors need at least 2 clusters")
        return n_clusters / (n_clusters - 1) * (nobs - 1) / (nobs - k - df_absorbed), float(n_clusters - 1)
    raise SettingsError(f"covariance {cov_type!r} is not one of nonrobust, HC1, cluster")


def _components(region_codes: np.ndarray, year_codes: np.ndarray) -> int:
    """Connected components of the bipartite region–year graph (the year effects' redundancy)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    g, t = region_codes.max() + 1, year_codes.max() + 1
    graph = coo_matrix((np.ones(len(region_codes)), (region_codes, g + year_codes)), shape=(g + t, g + t))
    return int(connected_components(graph, directed=False)[0])


def absorbed_degrees(region: np.ndarray, year: np.ndarray | None, *, nested: bool) -> pd.DataFrame:
    """The table of absorbed degrees of freedom of ``reghdfe``: Categories − Redundant = Num. Coefs.

    Region effects nested in the clusters (``nested=True``) are all redundant; the year effects lose one
    per connected component of the region–year graph (one, in any panel where the years overlap).

    Examples
    --------
    >>> absorbed_degrees(np.array(["A", "A", "B", "B"]), np.array([1, 2, 1, 2]), nested=True).to_dict("index")
    {'Region': {'Categories': 2, 'Redundant': 2, 'Num. Coefs': 0, 'Nested': True}, 'Year': {'Categories': 2, 'Redundant': 1, 'Num. Coefs': 1, 'Nested': False}}
    """
    r = pd.factorize(region)[0]
    rows = {REGION: (r.max() + 1, r.max() + 1 if nested else 0, nested)}
    if year is not None:
        t = pd.factorize(year)[0]
        c = _components(r, t)
        rows[YEAR] = (t.max() + 1, c, False)
    out = pd.DataFrame(
        [(cat, red, cat - red, bool(nest)) for cat, red, nest in rows.values()],
        index=pd.Index(list(rows), name="Absorbed FE"), columns=["Categories", "Redundant", "Num. Coefs", "Nested"])
    return out


@dataclass(frozen=True)
class PanelOLSResult:
    """A fitted fixed-effects panel model. Series are indexed by term, the constant last as ``_cons``.

    Attributes
    ----------
    params, bse, tvalues, pvalues : Series
        Coefficients, standard errors (with the small-sample factor of :attr:`stata`), t and P>|t|.
    cov : DataFrame
        Their covariance matrix.
    nobs, n_regions, n_years : int
        Observations used (after dropping singletons), regions and years in them.
    df_model : int
        Number of slopes tested by the F statistic.
    df_resid : float
        Degrees of freedom of the t and F tests: G − 1 with clusters, N − K − df_a without.
    rsquared : float
        R² of the model with its fixed effects (reghdfe's "R-squared"; pooled OLS's R²).
    rsquared_within : float
        R² of the demeaned model (xtreg's "R-sq: within", reghdfe's "Within R-sq.").
    rsquared_adj : float
        reghdfe's "Adj R-squared", ``1 − (1 − R²)(N − 1)/(N − K − df_a)``.
    fvalue, f_pvalue : float
        The Wald F of all slopes, with (df_model, df_resid) degrees of freedom (as both commands).
    rmse : float
        ``√(RSS/(N − K − df_a))`` (xtreg's sigma_e, reghdfe's Root MSE).
    effects, cov_type, convention : str
        ``cov_type`` is what was computed: "nonrobust", "cluster" or "HC1".
    cluster_name : str or None
    n_clusters : int or None
    absorbed : DataFrame
        reghdfe's absorbed degrees of freedom table (empty without fixed effects).
    singletons : DataFrame
        Region, Year of the singleton observations dropped.
    stata : str
        The Stata command whose numbers these are.
    warnings : tuple of str
    """

    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    pvalues: pd.Series
    cov: pd.DataFrame
    nobs: int
    n_regions: int
    n_years: int
    df_model: int
    df_resid: float
    rsquared: float
    rsquared_within: float
    rsquared_adj: float
    fvalue: float
    f_pvalue: float
    rmse: float
    ssr: float
    effects: str
    cov_type: str
    convention: str
    cluster_name: str | None
    n_clusters: int | None
    absorbed: pd.DataFrame
    singletons: pd.DataFrame
    depvar: str
    exog: pd.DataFrame
    resid: pd.Series
    fitted: pd.Series
    stata: str
    warnings: tuple = field(default=())
    has_constant: bool = True

    @property
    def region_fe(self) -> bool:
        return self.effects in ("region", "twoway")

    @property
    def year_fe(self) -> bool:
        return self.effects == "twoway"

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Confidence intervals from the t distribution with :attr:`df_resid` degrees of freedom."""
        from scipy.special import stdtrit

        q = float(stdtrit(self.df_resid, 1 - alpha / 2))
        level = round(100 * (1 - alpha), 6)
        level = int(level) if float(level).is_integer() else level
        return pd.DataFrame({f"[{level}% Conf.": self.params - q * self.bse, "Interval]": self.params + q * self.bse})

    def table(self, *, alpha: float = 0.05, levels: Sequence[float] = STARS) -> pd.DataFrame:
        """The coefficient table (same columns as :meth:`OLSResult.table`): Coef., Std. Err., t, P>|t|, CI, Sig."""
        t = pd.DataFrame({"Coef.": self.params, "Std. Err.": self.bse, "t": self.tvalues, "P>|t|": self.pvalues})
        t = t.join(self.conf_int(alpha))
        t["Sig."] = [stars(p, levels) for p in self.pvalues]
        t.index.name = self.depvar
        return t

    def fe_rows(self) -> pd.Series:
        """The rows a panel table prints under the coefficients: Region FE, Year FE, Clusters."""
        return pd.Series({"Region FE": "Yes" if self.region_fe else "No", "Year FE": "Yes" if self.year_fe else "No",
                          "Clusters": f"{self.n_clusters} ({self.cluster_name})" if self.n_clusters else "—"},
                         name=self.depvar)

    def stats(self) -> pd.Series:
        """Observations, Regions, Years, R-squared, Within R-squared, Adj R-squared, F, Prob > F, Root MSE, Clusters."""
        return pd.Series({"Observations": self.nobs, "Regions": self.n_regions, "Years": self.n_years,
                          "R-squared": self.rsquared, "Within R-squared": self.rsquared_within,
                          "Adj R-squared": self.rsquared_adj, "F": self.fvalue, "Prob > F": self.f_pvalue,
                          "Root MSE": self.rmse,
                          "Clusters": float(self.n_clusters) if self.n_clusters else np.nan},
                         name=self.depvar, dtype=float)

    @property
    def cov_label(self) -> str:
        return {"nonrobust": "conventional", "HC1": "robust HC1",
                "cluster": f"clustered by {self.cluster_name}, {self.n_clusters} clusters"}[self.cov_type]

    def summary(self, *, levels: Sequence[float] = STARS) -> str:
        """Plain text in the layout of Stata's ``reghdfe``/``xtreg`` output, with the FE lines."""
        head = [f"Fixed-effects regression ({self.cov_label} standard errors) — as {self.stata}",
                f"Number of obs = {self.nobs:>9d}   Regions = {self.n_regions}   Years = {self.n_years}",
                f"F({self.df_model}, {self.df_resid:g}) = {self.fvalue:>10.2f}   Prob > F = {self.f_pvalue:.4f}",
                f"R-squared = {self.rsquared:.4f}   Within R-sq. = {self.rsquared_within:.4f}   "
                f"Root MSE = {self.rmse:.5g}", ""]
        lines = coefficient_lines(self.table(levels=levels), self.depvar)
        fe = self.fe_rows()
        lines += [""] + [f"{k}: {v}" for k, v in fe.items()]
        if len(self.singletons):
            lines.append(f"({len(self.singletons)} singleton observation(s) dropped)")
        return "\n".join(head + lines)


def _name(obj, default: str) -> str:
    return str(obj.name) if getattr(obj, "name", None) is not None else default


def _labels(values, n: int, what: str) -> np.ndarray:
    arr = np.asarray(values, dtype=object).ravel()
    if len(arr) != n:
        raise DataError(f"{what} has {len(arr)} rows but the data have {n}")
    return arr


def panel_ols(
    y,
    X,
    region=None,
    year=None,
    *,
    effects: str = "twoway",
    cov: str = "cluster",
    cluster=None,
    convention: str = "reghdfe",
) -> PanelOLSResult:
    """Fixed-effects regression of a panel, with the standard errors of Stata's ``reghdfe`` or ``xtreg``.

    Parameters
    ----------
    y : Series
        The dependent variable (its name labels the table), one value per region-year.
    X : DataFrame or Series
        The regressors. A constant ``_cons`` is reported (as Stata does).
    region, year : array-like, optional
        Region and year of each row, aligned with ``y``; by default taken from a (Region, Year) MultiIndex
        of ``y``. Each region-year may appear once; an unbalanced panel is fine.
    effects : {"twoway", "region", "none"}
        Region and year fixed effects, region effects only, or pooled OLS.
    cov : {"cluster", "robust", "nonrobust"}
        See the module's table. ``robust`` under region effects is the cluster-by-region estimator, as
        Stata's ``xtreg, fe vce(robust)``; without effects it is HC1.
    cluster : array-like, optional
        Cluster of each row when ``cov="cluster"`` (default: the region). Under region effects each
        region must lie within one cluster, as ``xtreg`` requires.
    convention : {"reghdfe", "xtreg"}
        Whose sample: ``reghdfe`` drops singleton regions (iteratively, and singleton years under two-way
        effects) and says so; ``xtreg`` keeps them. The small-sample factor is the same.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["A", "B", "C"], [2020, 2021, 2022]], names=["Region", "Year"])
    >>> x = pd.Series([1.0, 2, 4, 2, 3, 3, 5, 4, 7], index=idx, name="x")
    >>> y = (2 * x + pd.Series([0.1, -0.2, 0.1, 0.0, 0.2, -0.1, 0.3, -0.1, 0.0], index=idx)).rename("y")
    >>> r = panel_ols(y, x, effects="region", cov="nonrobust")
    >>> round(float(r.params["x"]), 4), r.nobs, r.n_regions, r.fe_rows()["Region FE"]
    (2.0167, 9, 3, 'Yes')
    """
    if effects not in EFFECTS:
        raise SettingsError(f"effects {effects!r} is not one of {', '.join(EFFECTS)}")
    cov_key = str(cov).strip().lower()
    if cov_key in ("conventional", "classical", "ols", "iid"):
        cov_key = "nonrobust"
    if cov_key not in PANEL_COV:
        raise SettingsError(f"panel covariance {cov!r} is not one of {', '.join(PANEL_COV)}")
    if convention not in PANEL_CONVENTIONS:
        raise SettingsError(f"convention {convention!r} is not one of {', '.join(PANEL_CONVENTIONS)}")

    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataError(f"the dependent variable must be one column, got {y.shape[1]}")
        y = y.iloc[:, 0]
    depvar = _name(y, "y")
    if isinstance(X, pd.Series):
        X = X.to_frame(_name(X, "x"))
    elif not isinstance(X, pd.DataFrame):
        arr = np.asarray(X, dtype=object)
        arr = arr[:, None] if arr.ndim == 1 else arr
        X = pd.DataFrame(arr, columns=[f"x{j + 1}" for j in range(arr.shape[1])])
    n = len(X)
    if len(y) != n:
        raise DataError(f"the dependent variable {depvar} has {len(y)} rows but the regressors have {n}")
    names = [str(c) for c in X.columns]
    if not names:
        raise ModelError("the model has no regressors")
    if len(set(names)) < len(names):
        raise DataError(f"regressor {pd.Index(names)[pd.Index(names).duplicated()][0]} appears more than once")
    if depvar in names:
        raise DataError(f"variable {depvar} is both the dependent variable and a regressor")
    if CONS in names:
        raise DataError(f"a regressor is named {CONS}, which is reserved for the constant")
    if region is None or year is None:
        if not (isinstance(y.index, pd.MultiIndex) and y.index.nlevels == 2):
            raise DataError("give region and year, or a dependent variable indexed by (Region, Year)")
        region = y.index.get_level_values(0) if region is None else region
        year = y.index.get_level_values(1) if year is None else year
    region = _labels(region, n, "Region")
    year = _labels(year, n, "Year")
    clus = None
    if cluster is not None and not (isinstance(cluster, str) and cluster.strip().lower() == "region"):
        clus = _labels(cluster, n, "the cluster variable")

    def column(values):  # floats as they are (nothing to coerce); anything else through the cell rules
        arr = np.asarray(values)
        return arr if arr.dtype.kind == "f" else np.asarray(values, dtype=object)

    frame = pd.DataFrame({depvar: column(y), **{nm: column(X[c]) for c, nm in zip(X.columns, names)}})
    frame.index = pd.MultiIndex.from_arrays([region, year])
    order = frame.index  # as given: panel_frame sorts, and the cluster labels follow
    data = panel_frame(frame, what="variable")
    if clus is not None:
        clus = clus[order.get_indexer(data.index)]
    nan = data.isna().to_numpy()
    if nan.any():
        i, j = np.argwhere(nan)[0]
        r, t = data.index[i]
        raise DataError(f"variable {data.columns[j]}, region {r}, year {row_label(t)} is missing")

    notes: list[str] = []
    regions = data.index.get_level_values(0).to_numpy(dtype=object)
    years = data.index.get_level_values(1).to_numpy()
    dropped = pd.DataFrame({REGION: [], YEAR: []})
    if effects != "none" and convention == "reghdfe":
        keep = drop_singletons(regions, years if effects == "twoway" else None)
        if not keep.all():
            dropped = pd.DataFrame({REGION: regions[~keep], YEAR: years[~keep]})
            first = f"region {dropped.iloc[0, 0]}, year {row_label(dropped.iloc[0, 1])}"
            notes.append(f"{int((~keep).sum())} singleton observation(s) dropped (first: {first}): a fixed effect "
                         "fits each exactly, as reghdfe drops them")
            data, regions, years = data[keep], regions[keep], years[keep]
            if clus is not None:
                clus = clus[keep]
    n = len(data)
    if n == 0:
        raise ModelError("every observation is a singleton (a region or year seen once): none is left once they "
                         "are dropped, as reghdfe drops them")
    yv = data[depvar].to_numpy(dtype=float)
    Xf = data[names]

    if effects != "none":
        _check_absorbed(Xf, regions, "region")
        if effects == "twoway":
            _check_absorbed(Xf, years, "year")
    if np.ptp(yv) == 0 if n else True:
        raise ModelError(f"the dependent variable {depvar} is constant: R-squared is undefined")
    _check_collinearity(Xf, centred=True)

    # Covariance and cluster set-up.
    if cov_key == "robust" and effects != "none":
        cov_key, robust_as_cluster = "cluster", True
    else:
        robust_as_cluster = False
    cluster_name = None
    n_clusters = None
    if cov_key == "cluster":
        if clus is None:
            clus, cluster_name = regions, REGION
        else:
            cluster_name = _name(cluster, "cluster") if not isinstance(cluster, np.ndarray) else "cluster"
            if cluster_name == REGION:
                cluster_name = "cluster"
        codes = pd.factorize(clus)[0]
        if effects != "none":
            per_region = pd.Series(codes).groupby(pd.factorize(regions)[0]).nunique()
            if (per_region > 1).any():
                bad = pd.unique(regions)[int(np.flatnonzero(per_region.to_numpy() > 1)[0])]
                raise DataError(f"region {bad} lies in more than one cluster: under region fixed effects the "
                                "regions must be nested within the clusters (as xtreg requires)")
        n_clusters = int(codes.max() + 1)
        if n_clusters < 2:
            raise ModelError("clustered standard errors need at least 2 clusters")
        if n_clusters < MIN_CLUSTERS:
            notes.append(f"only {n_clusters} clusters ({cluster_name}): clustered standard errors are unreliable "
                         f"with fewer than {MIN_CLUSTERS}")
    elif cov_key == "robust":
        cov_key = "HC1"

    ks = len(names)
    region_codes = pd.factorize(regions)[0]
    n_regions = int(region_codes.max() + 1)
    n_years = int(pd.factorize(years)[0].max() + 1)
    if effects == "none":
        absorbed = pd.DataFrame(columns=["Categories", "Redundant", "Num. Coefs", "Nested"],
                                index=pd.Index([], name="Absorbed FE"))
        df_a_all, df_a_free = 1, 1  # the constant
    else:
        yrs = years if effects == "twoway" else None
        absorbed = absorbed_degrees(regions, yrs, nested=cov_key == "cluster")
        all_fe = absorbed_degrees(regions, yrs, nested=False)
        df_a_all = int(all_fe["Num. Coefs"].sum())
        df_a_free = int(absorbed["Num. Coefs"].sum()) + 1  # both commands count the (recovered) constant
    df_conv = n - ks - df_a_all
    if df_conv <= 0:
        raise ModelError(f"{n} observations are too few for {ks} regressor(s) and {df_a_all} fixed effect(s)")

    fit = _linearmodels_fit(yv, Xf, regions, years, effects, cov_key, clus, depvar)
    params = fit.params
    raw = fit.cov
    cov_type = cov_key
    scale, df_t = small_sample_scale(cov_type, n, ks, df_a_all if cov_type != "cluster" else df_a_free, n_clusters)
    V = raw * scale
    terms = [*names, CONS]
    V = V.reindex(index=terms, columns=terms)
    b = params.reindex(terms)
    se = np.sqrt(np.diag(V.to_numpy()))
    tv = b.to_numpy() / se
    slopes = V.loc[names, names].to_numpy()
    bs = b[names].to_numpy()
    if cov_type == "cluster" and n_clusters - 1 < ks:  # the clustered covariance has rank ≤ G − 1 < K
        fvalue = float("nan")
        notes.append(f"F is not reported: {n_clusters} clusters give the covariance of the {ks} slopes a rank of at "
                     f"most {n_clusters - 1}, as Stata leaves it missing")
    else:
        try:
            fvalue = float(bs @ np.linalg.solve(slopes, bs) / ks)
        except np.linalg.LinAlgError:
            fvalue = float("nan")
    from scipy.special import fdtrc

    f_p = float(fdtrc(ks, df_t, fvalue)) if np.isfinite(fvalue) else float("nan")
    ssr = float(fit.ssr)
    tss = float(((yv - yv.mean()) ** 2).sum())
    r2 = 1 - ssr / tss
    r2_within = float(fit.r2_within) if effects != "none" else r2
    r2_adj = 1 - (1 - r2) * (n - 1) / df_conv
    stata = _stata_command(depvar, names, effects, cov_key, robust_as_cluster, cluster_name, convention)
    idx = pd.Index(terms, name="term")
    ser = lambda a, nm: pd.Series(np.asarray(a, dtype=float), index=idx, name=nm)  # noqa: E731
    return PanelOLSResult(
        params=ser(b, "Coef."), bse=ser(se, "Std. Err."), tvalues=ser(tv, "t"),
        pvalues=ser(t_pvalue(tv, df_t), "P>|t|"), cov=pd.DataFrame(V.to_numpy(), index=idx, columns=idx),
        nobs=n, n_regions=n_regions, n_years=n_years, df_model=ks, df_resid=df_t, rsquared=float(r2),
        rsquared_within=r2_within, rsquared_adj=float(r2_adj), fvalue=fvalue, f_pvalue=f_p,
        rmse=float(np.sqrt(ssr / df_conv)), ssr=ssr, effects=effects, cov_type=cov_type, convention=convention,
        cluster_name=cluster_name, n_clusters=n_clusters, absorbed=absorbed, singletons=dropped,
        depvar=depvar, exog=Xf, resid=pd.Series(fit.resid, index=data.index, name="resid"),
        fitted=pd.Series(yv - fit.resid, index=data.index, name="fitted"), stata=stata, warnings=tuple(notes))


def _check_absorbed(Xf: pd.DataFrame, groups: np.ndarray, what: str) -> None:
    """A regressor that does not vary within any region (year) is absorbed by its fixed effects: name it."""
    codes = pd.factorize(groups)[0]
    x = Xf.to_numpy(dtype=float)
    order = np.argsort(codes, kind="stable")
    starts = np.r_[0, np.flatnonzero(np.diff(codes[order])) + 1]
    lo = np.minimum.reduceat(x[order], starts, axis=0)
    hi = np.maximum.reduceat(x[order], starts, axis=0)
    flat = (hi - lo == 0).all(axis=0)
    if flat.any():
        bad = [str(c) for c in Xf.columns[flat]]
        raise CollinearityError(f"regressor {bad[0]} is constant within every {what}, so the {what} fixed effects "
                                f"absorb it: drop it or change the effects"
                                + (f" (also: {', '.join(bad[1:])})" if len(bad) > 1 else ""))


def load_backend() -> None:
    """Import linearmodels (and with it scipy.stats) now, about a second: ``dnqp run`` calls it while
    python-calamine parses a panel workbook in another thread, so the two overlap."""
    import linearmodels  # noqa: F401


def _linearmodels_fit(yv, Xf, regions, years, effects, cov_key, clus, depvar):
    """linearmodels' PanelOLS, unscaled covariance; returns params, cov (with ``_cons``), ssr, resid, r2_within."""
    from types import SimpleNamespace

    from linearmodels import PanelOLS  # deferred: a heavy import (about a second)

    index = pd.MultiIndex.from_arrays([pd.factorize(regions)[0], pd.factorize(years)[0]], names=["r", "t"])
    exog = pd.DataFrame(Xf.to_numpy(dtype=float), index=index, columns=list(Xf.columns))
    exog[CONS] = 1.0
    dep = pd.Series(yv, index=index, name=depvar)
    kwargs = dict(debiased=False, auto_df=False, count_effects=False)
    if effects == "twoway":
        kwargs["low_memory"] = False  # exact: dummies for the smaller dimension, not iterated projections
    if cov_key == "nonrobust":
        kwargs["cov_type"] = "unadjusted"
    elif cov_key == "HC1":
        kwargs["cov_type"] = "robust"
    else:
        kwargs.update(cov_type="clustered", clusters=pd.DataFrame({"c": pd.factorize(clus)[0]}, index=index))
    model = PanelOLS(dep, exog, entity_effects=effects != "none", time_effects=effects == "twoway",
                     drop_absorbed=False, check_rank=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            res = model.fit(**kwargs)
        except Exception as err:  # linearmodels' absorbed/rank errors: a model that cannot be estimated
            if type(err).__name__ in ("AbsorbingEffectError", "ValueError", "LinAlgError"):
                raise CollinearityError(f"the fixed-effects regression of {depvar} cannot be estimated: "
                                        f"{' '.join(str(err).split())[:200]}") from None
            raise
    resid = np.asarray(res.resids, dtype=float)
    if not (np.isfinite(res.params).all() and np.isfinite(res.cov.to_numpy()).all()):
        raise ModelError(f"the regression of {depvar} could not be computed in floating point: rescale the variables")
    return SimpleNamespace(params=res.params, cov=res.cov, ssr=float(res.resid_ss), resid=resid,
                           r2_within=float(res.rsquared))


def _stata_command(depvar, names, effects, cov_key, robust_as_cluster, cluster_name, convention) -> str:
    xs = " ".join([depvar, *names])
    if effects == "none":
        vce = {"nonrobust": "", "HC1": ", vce(robust)", "cluster": f", vce(cluster {cluster_name})"}[cov_key]
        return f"regress {xs}{vce}"
    if convention == "xtreg":
        yr = " i.Year" if effects == "twoway" else ""
        vce = {"nonrobust": "", "cluster": " vce(robust)" if robust_as_cluster else f" vce(cluster {cluster_name})"}
        return f"xtreg {xs}{yr}, fe{vce[cov_key]}"
    absorb = "Region Year" if effects == "twoway" else "Region"
    vce = "" if cov_key == "nonrobust" else f" vce(cluster {cluster_name})"
    return f"reghdfe {xs}, absorb({absorb}){vce}"


def panel_describe(data: pd.DataFrame) -> pd.DataFrame:
    """Descriptive statistics of stacked region-year data (Stata's ``summarize``): Obs, Mean, Std. Dev., Min, Max.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["A", "B"], [2020, 2021]], names=["Region", "Year"])
    >>> panel_describe(pd.DataFrame({"x": [1.0, 2, 3, 4]}, index=idx)).loc["x", "Obs"]
    np.float64(4.0)
    """
    return describe(data.reset_index(drop=True) if isinstance(data.index, pd.MultiIndex) else data)


def panel_vif(X: pd.DataFrame) -> pd.DataFrame:
    """Centred VIFs of the regressors on the stacked region-year rows (Stata's ``estat vif`` after ``regress``).

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([["A", "B", "C"], [2020, 2021]], names=["Region", "Year"])
    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5]}, index=idx)
    >>> panel_vif(X).round(4)["VIF"].tolist()
    [3.1901, 3.1901, 3.1901]
    """
    return vif(X.reset_index(drop=True) if isinstance(X.index, pd.MultiIndex) else X)


def panel_model_table(results: Sequence[PanelOLSResult | OLSResult], labels: Sequence[str] | None = None,
                      **kwargs) -> pd.DataFrame:
    """The baseline table of a panel paper: :func:`~dnqp.engine.tables.model_table` plus the FE rows.

    Columns may mix pooled OLS (:class:`OLSResult`) and fixed-effects models, e.g. the index alone, plus
    controls, plus fixed effects. Under the esttab rows (R-squared is the model's own: with its fixed
    effects for a panel model) come ``Within R-squared``, ``Region FE``, ``Year FE`` and ``Clusters``.

    Examples
    --------
    >>> idx = pd.MultiIndex.from_product([[f"R{i}" for i in range(4)], [2020, 2021, 2022]], names=["Region", "Year"])
    >>> rng = np.random.default_rng(0)
    >>> X = pd.DataFrame({"dnqp": rng.normal(size=12), "ctrl": rng.normal(size=12)}, index=idx)
    >>> y = (X.dnqp + rng.normal(size=12)).rename("y")
    >>> t = panel_model_table([panel_ols(y, X[["dnqp"]], effects="none", cov="nonrobust"),
    ...                        panel_ols(y, X, effects="twoway", cov="nonrobust")])
    >>> t.loc[[("Region FE", ""), ("Year FE", "")]].to_numpy().tolist()
    [['No', 'Yes'], ['No', 'Yes']]
    """
    results = list(results)
    table = model_table(results, labels, **kwargs)
    rows = {}
    for name in ("Within R-squared", "Region FE", "Year FE", "Clusters"):
        rows[(name, "")] = []
    for r in results:
        panel = isinstance(r, PanelOLSResult)
        rows[("Within R-squared", "")].append(f"{r.rsquared_within:.4f}" if panel and r.effects != "none" else "")
        fe = r.fe_rows() if panel else pd.Series({"Region FE": "No", "Year FE": "No", "Clusters": "—"})
        for name in ("Region FE", "Year FE", "Clusters"):
            rows[(name, "")].append(fe[name])
    extra = pd.DataFrame(list(rows.values()), index=pd.MultiIndex.from_tuples(list(rows), names=table.index.names),
                         columns=table.columns)
    return pd.concat([table, extra])
