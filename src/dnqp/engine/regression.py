"""OLS with Stata-style tables: ``regress``, ``estat vif``, ``summarize`` and ``esttab`` layouts.

The fit is statsmodels' OLS with its default pseudo-inverse (SVD) solver, which agrees with NIST's
certified Longley values to 12+ digits for coefficients and standard errors. The classical fit (the
paper's, and the default) repeats statsmodels' operations in NumPy (:func:`_classical_fit`, held to
statsmodels by a test), so statsmodels — about a second to import — loads only for robust covariances;
scipy loads when a regression is first run. Importing :mod:`dnqp` stays fast.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from types import SimpleNamespace

import numpy as np
import pandas as pd

from ..errors import CollinearityError, DataError, ModelError, SettingsError
from .prepare import as_numeric, row_label
from .settings import REGISTRY, cell_default

__all__ = [
    "COV_TYPES",
    "STARS",
    "OLSResult",
    "ols",
    "vif",
    "fit_ols",
    "vif_checked",
    "describe_checked",
    "describe",
    "stars",
    "star_count",
    "newey_west_lags",
    "t_pvalue",
    "f_from_rsquared",
]

COV_TYPES = REGISTRY["cov"].choices
#: The paper's thresholds: * p < 0.10, ** p < 0.05, *** p < 0.01.
STARS = cell_default("stars")
CONS = "_cons"


def star_count(p: float, levels: Sequence[float] = STARS) -> int:
    """How many thresholds ``p`` is strictly below (0 for a missing p).

    >>> star_count(0.0137), star_count(0.2), star_count(float("nan"))
    (2, 0, 0)
    """
    if p is None or not np.isfinite(p):
        return 0
    return sum(p < float(t) for t in levels)


def stars(p: float, levels: Sequence[float] = STARS) -> str:
    """One star for every threshold that ``p`` is strictly below.

    >>> stars(0.0137), stars(0.095), stars(0.2), stars(0.004)
    ('**', '*', '', '***')
    """
    return "*" * star_count(p, levels)


def t_pvalue(t, df: float):
    """Two-sided p-value of a t statistic with ``df`` degrees of freedom (as Stata's ``P>|t|``).

    >>> round(float(t_pvalue(1.6890 / 0.5370, 8)), 4)
    0.0137
    """
    from scipy.special import stdtr

    return 2.0 * stdtr(df, -np.abs(np.asarray(t, dtype=float)))


def f_from_rsquared(rsquared: float, nobs: int, k: int) -> float:
    """The classical overall F of an OLS model with a constant and ``k`` regressors, from its R².

    Use it to check a reported F: the paper's Table 4 (R² = 0.9643, n = 15, k = 6) gives 36.0, not 56.19.

    >>> round(f_from_rsquared(0.9643, 15, 6), 1)
    36.0
    """
    return (rsquared / k) / ((1.0 - rsquared) / (nobs - k - 1))


def newey_west_lags(nobs: int) -> int:
    """Newey–West's rule of thumb for the HAC lag length, ``floor(4 (n/100)^(2/9))``."""
    return int(math.floor(4 * (nobs / 100.0) ** (2.0 / 9.0)))


def _cov_name(cov: str) -> str:
    return REGISTRY["cov"].choice(cov, noun="covariance")


@dataclass(frozen=True)
class OLSResult:
    """A fitted OLS model. Series are indexed by term, the constant last as ``_cons`` (as Stata)."""

    params: pd.Series
    bse: pd.Series
    tvalues: pd.Series
    pvalues: pd.Series
    cov: pd.DataFrame
    nobs: int
    df_model: float
    df_resid: float
    rsquared: float
    rsquared_adj: float
    fvalue: float
    f_pvalue: float
    rmse: float
    ssr: float
    cov_type: str
    maxlags: int | None
    depvar: str
    exog: pd.DataFrame
    resid: pd.Series
    fitted: pd.Series
    has_constant: bool

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Confidence intervals from the t distribution with ``df_resid`` degrees of freedom."""
        from scipy.special import stdtrit

        q = float(stdtrit(self.df_resid, 1 - alpha / 2))
        level = round(100 * (1 - alpha), 6)
        level = int(level) if float(level).is_integer() else level
        return pd.DataFrame(
            {f"[{level}% Conf.": self.params - q * self.bse, "Interval]": self.params + q * self.bse}
        )

    def table(self, *, alpha: float = 0.05, levels: Sequence[float] = STARS) -> pd.DataFrame:
        """The coefficient table of Stata's ``regress``: Coef., Std. Err., t, P>|t|, CI, and stars."""
        t = pd.DataFrame({"Coef.": self.params, "Std. Err.": self.bse, "t": self.tvalues,
                          "P>|t|": self.pvalues})
        t = t.join(self.conf_int(alpha))
        t["Sig."] = [stars(p, levels) for p in self.pvalues]
        t.index.name = self.depvar
        return t

    def stats(self) -> pd.Series:
        """Observations, R-squared, Adj R-squared, F, Prob > F, Root MSE (Stata's header block)."""
        return pd.Series({"Observations": self.nobs, "R-squared": self.rsquared,
                          "Adj R-squared": self.rsquared_adj, "F": self.fvalue, "Prob > F": self.f_pvalue,
                          "Root MSE": self.rmse}, name=self.depvar, dtype=float)

    @property
    def cov_label(self) -> str:
        return {"nonrobust": "classical (OLS)", "HC1": "robust HC1", "HC3": "robust HC3",
                "HAC": f"Newey–West HAC, {self.maxlags} lag(s)"}[self.cov_type]

    def summary(self, *, levels: Sequence[float] = STARS) -> str:
        """A plain-text table in the layout of Stata's ``regress`` output."""
        k = int(self.df_model)
        head = [
            f"Linear regression ({self.cov_label} standard errors)",
            f"Number of obs = {self.nobs:>9d}",
            f"F({k}, {int(self.df_resid)}) = {self.fvalue:>12.2f}",
            f"Prob > F      = {self.f_pvalue:>9.4f}",
            f"R-squared     = {self.rsquared:>9.4f}",
            f"Adj R-squared = {self.rsquared_adj:>9.4f}",
            f"Root MSE      = {self.rmse:>9.5g}",
            "",
        ]
        return "\n".join(head + coefficient_lines(self.table(levels=levels), self.depvar))


def coefficient_lines(tab: pd.DataFrame, depvar: str) -> list[str]:
    """A coefficient table (:meth:`OLSResult.table`'s columns, ``Sig.`` last) as Stata prints it under the header."""
    width = max(12, max(len(str(i)) for i in tab.index))
    cols = list(tab.columns)
    lines = [f"{depvar:>{width}} |" + "".join(f"{c:>12}" for c in cols[:-1])]
    lines.append("-" * (width + 1) + "+" + "-" * (12 * (len(cols) - 1) + 4))
    for name, row in tab.iterrows():
        cells = "".join(f"{row[c]:>12.4f}" if c != "P>|t|" else f"{row[c]:>12.3f}" for c in cols[:-1])
        lines.append(f"{name:>{width}} |{cells} {row['Sig.']}")
    return lines


#: Below this ratio of smallest to largest singular value of the centred, scaled regressors a
#: dependency is exact (up to rounding); below NEAR_COLLINEAR the coefficients keep no reliable digit
#: (a VIF of roughly 1e13 or more).
EXACT_COLLINEAR = 1e-10
NEAR_COLLINEAR = 1e-7


def _check_collinearity(X: pd.DataFrame, centred: bool) -> None:
    """Raise :class:`CollinearityError` naming the regressors in an (almost) exact linear dependency.

    With a constant in the model the columns are centred first, so a dependency that involves the
    constant shows too, and a variable with little relative variation (e.g. years) is not flagged.
    """
    x = X.to_numpy(dtype=float)
    if x.shape[1] == 0:
        return
    if centred:
        x = x - x.mean(axis=0)
    norms = np.sqrt((x * x).sum(axis=0))
    norms[norms == 0] = 1.0
    _, s, vt = np.linalg.svd(x / norms, full_matrices=False)
    if s[0] == 0:
        return
    ratio = s / s[0]
    weak = np.flatnonzero(ratio < NEAR_COLLINEAR)
    if weak.size == 0:
        return
    v = np.abs(vt[weak]).max(axis=0)
    involved = ", ".join(str(c) for c in X.columns[v > 1e-4 * v.max()])
    if ratio[-1] < EXACT_COLLINEAR:
        raise CollinearityError(f"regressors {involved} are perfectly collinear: "
                                "one is an exact linear combination of the others")
    raise CollinearityError(f"regressors {involved} are nearly collinear (VIF above 10^13): "
                            "their coefficients cannot be estimated reliably")


def _as_frame(X, name: str = "x") -> pd.DataFrame:
    if isinstance(X, pd.DataFrame):
        return X
    if isinstance(X, pd.Series):
        return X.to_frame(X.name if X.name is not None else name)
    arr = np.asarray(X, dtype=object)
    if arr.ndim == 1:
        arr = arr[:, None]
    return pd.DataFrame(arr, columns=[f"{name}{j + 1}" for j in range(arr.shape[1])])


def _check_no_missing(df: pd.DataFrame, what: str = "variable") -> None:
    nan = df.isna().to_numpy()
    if nan.any():
        i, j = np.argwhere(nan)[0]
        raise DataError(f"{what} {df.columns[j]}, row {row_label(df.index[i])} is missing")


def ols(y, X, *, cov: str = "nonrobust", add_constant: bool = True, maxlags: int | None = None) -> OLSResult:
    """Ordinary least squares, with classical or robust standard errors.

    Parameters
    ----------
    y : Series or array
        The dependent variable (its ``name`` labels the table).
    X : DataFrame or array
        The regressors, one column each. A constant ``_cons`` is appended unless ``add_constant=False``.
    cov : {"nonrobust", "HC1", "HC3", "HAC"}
        Classical (the paper), HC1 (Stata's ``robust``), HC3, or Newey–West HAC for a time series
        (Bartlett kernel, ``maxlags`` lags, default ``floor(4 (n/100)^(2/9))``, small-sample factor
        n/(n − k) as Stata's ``newey``). Tests use the t distribution with n − k degrees of freedom.

    Examples
    --------
    >>> x = pd.DataFrame({"x": [1.0, 2, 3, 4, 5]})
    >>> r = ols(pd.Series([2.1, 3.9, 6.2, 7.8, 10.1], name="y"), x)
    >>> r.params.round(4).to_dict()
    {'x': 1.99, '_cons': 0.05}
    """
    cov_type = _cov_name(cov)
    Xf = _as_frame(X)
    if isinstance(y, pd.DataFrame):
        if y.shape[1] != 1:
            raise DataError(f"the dependent variable must be one column, got {y.shape[1]}")
        y = y.iloc[:, 0]
    ys = y if isinstance(y, pd.Series) else pd.Series(np.asarray(y, dtype=object).ravel(), name="y")
    depvar = str(ys.name) if ys.name is not None else "y"
    if len(ys) != len(Xf):
        raise DataError(f"the dependent variable {depvar} has {len(ys)} rows but the regressors have {len(Xf)}")
    if Xf.shape[1] == 0 and not add_constant:
        raise ModelError("the model has no regressors")
    if Xf.columns.has_duplicates:
        raise DataError(f"regressor {Xf.columns[Xf.columns.duplicated()][0]} appears more than once")
    names = [str(c) for c in Xf.columns]
    if depvar in names:
        raise DataError(f"variable {depvar} is both the dependent variable and a regressor")
    if add_constant and CONS in names:
        raise DataError(f"a regressor is named {CONS}, which is reserved for the constant")
    Xf = as_numeric(Xf.set_axis(names, axis=1), what="variable")
    yv = as_numeric(ys.set_axis(Xf.index).to_frame(depvar), what="variable")[depvar]
    if len(Xf) == 0:
        raise ModelError("the regression has no observations")
    _check_no_missing(pd.concat([yv, Xf], axis=1))
    return fit_ols(yv, Xf, cov=cov_type, add_constant=add_constant, maxlags=maxlags)


def fit_ols(yv: pd.Series, Xf: pd.DataFrame, *, cov: str = "nonrobust", add_constant: bool = True,
            maxlags: int | None = None) -> OLSResult:
    """:func:`ols` on inputs already checked: float columns with string names, no missing value, ``cov``
    a name of :data:`COV_TYPES` (what :func:`dnqp.run_study` passes). The model's own conditions
    (enough observations, no constant or collinear regressor, the HAC lags) are checked here."""
    cov_type, depvar, names = cov, str(yv.name), list(Xf.columns)
    n = len(Xf)
    exog = Xf.copy()
    if add_constant:
        exog[CONS] = 1.0
    k = exog.shape[1]
    if n <= k:
        raise ModelError(f"{n} observations are too few for {k} parameters: OLS needs at least {k + 1}")
    for c in names:
        col = Xf[c].to_numpy()
        if add_constant and np.ptp(col) == 0:
            raise CollinearityError(f"regressor {c} is constant, so it is collinear with the constant {CONS}")
    if np.ptp(yv.to_numpy()) == 0 and add_constant:
        raise ModelError(f"the dependent variable {depvar} is constant: R-squared is undefined")
    _check_collinearity(Xf, centred=add_constant)

    lags = None
    if cov_type == "HAC":
        lags = newey_west_lags(n) if maxlags is None else int(maxlags)
        if lags < 0 or lags >= n:
            raise SettingsError(f"HAC lags must be between 0 and {n - 1}, got {lags}")
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        fit = _statsmodels_fit(yv.to_numpy(), exog.to_numpy(dtype=float), cov_type, lags, add_constant)
        params, bse = np.asarray(fit.params), np.asarray(fit.bse)
        if not (np.isfinite(params).all() and np.isfinite(bse).all() and np.isfinite(fit.rsquared)):
            raise ModelError(f"the regression of {depvar} could not be computed in floating point: "
                             "rescale the variables (their magnitudes differ too much)")
        # statsmodels computes these lazily (the robust F is a Wald test): inside the filter too.
        fvalue = float(np.squeeze(fit.fvalue)) if fit.df_model > 0 else float("nan")
        f_pvalue = float(np.squeeze(fit.f_pvalue)) if fit.df_model > 0 else float("nan")
        cov_params = np.asarray(fit.cov_params())

    terms = pd.Index(exog.columns, name="term")
    ser = lambda a, nm: pd.Series(np.asarray(a, dtype=float), index=terms, name=nm)  # noqa: E731
    return OLSResult(
        params=ser(fit.params, "Coef."),
        bse=ser(fit.bse, "Std. Err."),
        tvalues=ser(fit.tvalues, "t"),
        pvalues=ser(t_pvalue(fit.tvalues, fit.df_resid), "P>|t|"),
        cov=pd.DataFrame(cov_params, index=terms, columns=terms),
        nobs=n,
        df_model=float(fit.df_model),
        df_resid=float(fit.df_resid),
        rsquared=float(fit.rsquared),
        rsquared_adj=float(fit.rsquared_adj),
        fvalue=fvalue,
        f_pvalue=f_pvalue,
        rmse=float(np.sqrt(fit.mse_resid)),
        ssr=float(fit.ssr),
        cov_type=cov_type,
        maxlags=lags,
        depvar=depvar,
        exog=Xf,
        resid=pd.Series(fit.resid, index=Xf.index, name="resid"),
        fitted=pd.Series(fit.fittedvalues, index=Xf.index, name="fitted"),
        has_constant=add_constant,
    )


def _statsmodels_fit(y: np.ndarray, x: np.ndarray, cov_type: str, lags: int | None, add_constant: bool):
    """The fitted model: :func:`_classical_fit` for classical errors with a constant, statsmodels otherwise."""
    if cov_type == "nonrobust" and add_constant:
        return _classical_fit(y, x)
    from statsmodels.regression.linear_model import OLS  # deferred: a heavy import (about a second)

    model = OLS(y, x)
    if cov_type == "nonrobust":
        return model.fit()
    if cov_type in ("HC1", "HC3"):
        return model.fit(cov_type=cov_type, use_t=True)
    return model.fit(cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}, use_t=True)


def _classical_fit(y: np.ndarray, x: np.ndarray) -> SimpleNamespace:
    """OLS with a constant and classical standard errors, computed as statsmodels' ``OLS(y, x).fit()`` does.

    The same operations in the same order — the SVD pseudo-inverse of ``pinv_extended`` (rcond 1e-15),
    ``params = pinv·y``, ``cov = pinv·pinvᵀ · ssr/(n − rank)``, R² from the centred total sum of squares,
    F = MSE_model / MSE_resid — so the numbers are statsmodels' (a test holds them to it), without
    importing statsmodels (about a second on first use). The robust covariances use statsmodels itself.
    ``x`` holds the constant as one of its columns.
    """
    from scipy.special import fdtrc

    u, s, vt = np.linalg.svd(x, False)
    s_orig = np.copy(s)
    cutoff = 1e-15 * np.maximum.reduce(s)
    for i in range(min(u.shape[0], vt.shape[1])):
        s[i] = 1.0 / s[i] if s[i] > cutoff else 0.0
    pinv = np.dot(np.transpose(vt), np.multiply(s[:, np.newaxis], np.transpose(u)))
    normalized_cov = np.dot(pinv, np.transpose(pinv))
    rank = np.linalg.matrix_rank(np.diag(s_orig))
    params = np.dot(pinv, y)
    nobs = float(x.shape[0])
    df_model, df_resid = float(rank - 1), nobs - rank
    fitted = np.dot(x, params)
    resid = y - np.dot(x, params)
    ssr = np.dot(resid, resid)
    centred = y - y.mean()
    tss = np.dot(centred, centred)
    rsquared = 1 - ssr / tss
    cov = normalized_cov * (np.dot(resid, resid) / df_resid)
    bse = np.sqrt(np.diag(cov))
    mse_resid = ssr / df_resid
    fvalue = ((tss - ssr) / df_model) / mse_resid if df_model != 0 else np.nan
    return SimpleNamespace(
        params=params, bse=bse, tvalues=params / bse, cov_params=lambda: cov, df_model=df_model,
        df_resid=df_resid, rsquared=rsquared, rsquared_adj=1 - (np.divide(nobs - 1, df_resid) * (1 - rsquared)),
        fvalue=fvalue, f_pvalue=fdtrc(df_model, df_resid, fvalue) if df_model != 0 else np.nan,
        mse_resid=mse_resid, ssr=ssr, resid=resid, fittedvalues=fitted)


def vif(X) -> pd.DataFrame:
    """Variance inflation factors in the layout of Stata's ``estat vif``.

    Centred VIFs, ``1/(1 − R²_j)`` from the auxiliary regression of each regressor on all the others
    *with* a constant; rows sorted by VIF (largest first), a ``1/VIF`` column and a ``Mean VIF`` row.

    >>> X = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [2.0, 1, 4, 3, 6, 5], "c": [1.0, 0, 1, 3, 2, 0]})
    >>> vif(X).round(4)["VIF"].tolist()
    [3.3333, 3.2197, 1.0649, 2.5393]
    """
    Xf = _as_frame(X)
    Xf = as_numeric(Xf.set_axis([str(c) for c in Xf.columns], axis=1), what="variable")
    _check_no_missing(Xf)
    return vif_checked(Xf)


def vif_checked(Xf: pd.DataFrame) -> pd.DataFrame:
    """:func:`vif` of float columns with string names and no missing value (inputs already checked)."""
    n, k = Xf.shape
    if k < 2:
        raise ModelError("VIF needs at least 2 regressors")
    if n <= k:
        raise ModelError(f"{n} observations are too few for the VIF of {k} regressors: need at least {k + 1}")
    x = Xf.to_numpy(dtype=float)
    for j, c in enumerate(Xf.columns):
        if np.ptp(x[:, j]) == 0:
            raise CollinearityError(f"regressor {c} is constant: its VIF is undefined")
    _check_collinearity(Xf, centred=True)
    xc = x - x.mean(axis=0)
    # 1/(1 − R²_j) of each auxiliary regression at once: with xc = QR, VIF_j = ‖xc_j‖² · ‖row j of R⁻¹‖²
    # (the diagonal of (xc'xc)⁻¹ times that of xc'xc), from one QR instead of k least-squares fits; the QR
    # keeps the conditioning of xc (a Gram matrix would square it).
    r = np.linalg.qr(xc, mode="r")
    r_inv = np.linalg.solve(r, np.eye(k))
    values = np.einsum("ij,ij->i", r_inv, r_inv) * np.einsum("ij,ij->j", xc, xc)
    out = pd.DataFrame({"VIF": values, "1/VIF": 1.0 / values}, index=pd.Index(Xf.columns, name="Variable"))
    out = out.sort_values("VIF", ascending=False, kind="stable")
    out.loc["Mean VIF"] = [values.mean(), np.nan]
    return out


def describe(df: pd.DataFrame) -> pd.DataFrame:
    """Descriptive statistics in the layout of Stata's ``summarize``: Obs, Mean, Std. Dev. (n − 1), Min, Max.

    Missing values are left out of each variable's statistics (Obs counts the rest).

    >>> describe(pd.DataFrame({"x": [1.0, 2.0, 3.0, None]})).loc["x"].tolist()
    [3.0, 2.0, 1.0, 1.0, 3.0]
    """
    return describe_checked(as_numeric(_as_frame(df), what="variable"))


def describe_checked(data: pd.DataFrame) -> pd.DataFrame:
    """:func:`describe` of float columns (inputs already checked)."""
    out = pd.DataFrame({
        "Obs": data.count().astype(float),
        "Mean": data.mean(),
        "Std. Dev.": data.std(ddof=1),
        "Min": data.min(),
        "Max": data.max(),
    })
    out.index = pd.Index([str(c) for c in data.columns], name="Variable")
    return out
