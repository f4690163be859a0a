"""A whole panel study in one call (regions × years): the panel counterpart of :func:`dnqp.run_study`.

:func:`run_panel_study` takes the same four inputs as the time-series study, keyed by (Region, Year)
instead of Year, plus each region's Group, and returns a frozen :class:`PanelStudyResult` with every table
a panel paper prints: global (or by-year) entropy weights, the index and sub-indices per region-year,
panel descriptives and VIF, a baseline table whose columns add terms step by step (the index alone; plus
controls; plus fixed effects), the heterogeneity table by sub-index, heterogeneity by region group
(subsamples, an interaction test and Fisher's permutation test) and the index as a region × year table,
in long form, ranked per year and averaged by group and year.

How the Settings' covariance maps onto panels (:func:`panel_cov`): ``cluster = region`` clusters by region
(``reghdfe … vce(cluster id)``) whatever ``cov`` says among nonrobust and HC1; ``cluster = none`` gives
``nonrobust`` → conventional and ``HC1`` → Stata's ``robust`` (under region effects that is the
cluster-by-region estimator, as ``xtreg, fe vce(robust)``). HC3 and HAC have no panel counterpart here and
are refused, naming the setting.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
from dataclasses import dataclass, field

import pandas as pd

from ..errors import DataError, SettingsError
from .companion.study import CompanionResults, run_companions
from .panel import REGION, YEAR, PanelEntropyResult, PanelIndexTables, panel_entropy, panel_impute, panel_index_tables
from .panel_groups import GroupHeterogeneity, group_heterogeneity
from .panel_regression import PanelOLSResult, panel_describe, panel_model_table, panel_ols, panel_vif
from .parallel import WORTH_ROWS, fit_all
from .prepare import row_label, transform
from .settings import Settings
from .tables import CORE_ROW, ModelTable, build_model_table

__all__ = ["PanelStudyResult", "run_panel_study", "panel_cov", "is_panel"]

#: The rows a panel model table adds under the esttab statistics (:func:`panel_model_table`'s).
FE_ROWS = ("Within R-squared", "Region FE", "Year FE", "Clusters")


def is_panel(data) -> bool:
    """True when ``data`` is keyed by (Region, Year): a two-level row index, or a Region column."""
    if isinstance(getattr(data, "index", None), pd.MultiIndex):
        return data.index.nlevels == 2
    cols = [str(c).strip().lower() for c in getattr(data, "columns", [])]
    return REGION.lower() in cols


def panel_cov(settings: Settings) -> str:
    """The :func:`~dnqp.engine.panel_regression.panel_ols` covariance of these settings (see the module).

    >>> panel_cov(Settings()), panel_cov(Settings(cluster="none", cov="HC1"))
    ('cluster', 'robust')
    """
    if settings.cov in ("HC3", "HAC"):
        raise SettingsError(f"setting cov = '{settings.cov}' is not available for a panel: choose nonrobust or HC1 "
                            "(with cluster = none), or keep cluster = region for clustered standard errors")
    if settings.cluster == "region":
        return "cluster"
    return "nonrobust" if settings.cov == "nonrobust" else "robust"


@dataclass(frozen=True)
class PanelModels:
    """Models shown side by side: the fits, their esttab numbers and the FE rows under them."""

    results: tuple[PanelOLSResult, ...]
    table: ModelTable
    fe: pd.DataFrame  # rows FE_ROWS, one column per model (text: Yes/No, "31 (Region)", "0.4321")

    def frame(self) -> pd.DataFrame:
        """The table as manuscript text with its FE rows (:func:`panel_model_table`'s layout)."""
        extra = self.fe.copy()
        extra.index = pd.MultiIndex.from_tuples([(r, "") for r in extra.index], names=["term", "stat"])
        return pd.concat([self.table.frame(), extra])


def _models(results, labels, levels, rename=None) -> PanelModels:
    table = build_model_table(results, labels, levels=levels, rename=rename)
    full = panel_model_table(results, labels, levels=levels, rename=rename)  # its FE rows: written once there
    fe = full.loc[[(r, "") for r in FE_ROWS]]
    fe.index = list(FE_ROWS)
    fe.columns = list(table.columns)
    return PanelModels(tuple(results), table, fe)


@dataclass(frozen=True)
class PanelStudyResult:
    """Every table of a panel study. Region-year frames are indexed by (Region, Year)."""

    settings: Settings
    indicators: pd.DataFrame
    entropy: PanelEntropyResult
    weights: pd.DataFrame
    dimension_weights: pd.DataFrame
    index: pd.DataFrame
    analysis_data: pd.DataFrame
    descriptives: pd.DataFrame
    vif: pd.DataFrame
    baseline: PanelModels
    heterogeneity: PanelModels
    groups: GroupHeterogeneity | None
    group_models: PanelModels | None
    index_tables: PanelIndexTables
    regions: pd.DataFrame
    cov: str
    imputed: pd.DataFrame
    warnings: tuple[str, ...] = field(default=())
    #: The companion measures the ``companions`` setting asks for (empty by default).
    companions: CompanionResults = field(default_factory=CompanionResults)
    #: Dimension → the label of its sub-index (also the Label column of the global dimension weights).
    dimension_labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def main(self) -> PanelOLSResult:
        """The full model: the baseline's last column."""
        return self.baseline.results[-1]

    @property
    def dependent(self) -> str:
        return self.main.depvar

    @property
    def absent(self) -> pd.DataFrame:
        return self.entropy.absent


def _keyed(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    frame = pd.DataFrame(frame)
    if not isinstance(frame.index, pd.MultiIndex):
        cols = {str(c).strip().lower(): c for c in frame.columns}
        for key in (REGION, YEAR):
            if key.lower() not in cols:
                raise DataError(f"the {what} table has no {key} column: a panel is keyed by Region and Year")
        frame = frame.rename(columns={cols["region"]: REGION, cols["year"]: YEAR}).set_index([REGION, YEAR])
    return frame.set_axis([str(c).strip() for c in frame.columns], axis=1)


def _group_map(regions: pd.DataFrame | Mapping | None) -> pd.Series | None:
    if regions is None:
        return None
    if isinstance(regions, Mapping):
        return pd.Series({str(k): v for k, v in regions.items()}, name="Group")
    r = pd.DataFrame(regions)
    cols = {str(c).strip().lower(): c for c in r.columns}
    if "region" not in cols or "group" not in cols:
        raise DataError("the Regions table needs Region and Group columns")
    return pd.Series(list(r[cols["group"]]), index=[str(x).strip() for x in r[cols["region"]]], name="Group")


def _fit(y, X, effects, opts):
    return panel_ols(y, X, effects=effects, **opts)


def run_panel_study(
    indicators: pd.DataFrame,
    data: pd.DataFrame,
    variables: pd.DataFrame,
    model: pd.DataFrame,
    settings: Settings | Mapping | None = None,
    *,
    regions: pd.DataFrame | Mapping | None = None,
    dimension_labels: Mapping[str, str] | None = None,
) -> PanelStudyResult:
    """Run a panel study end to end and return every table.

    Parameters
    ----------
    indicators, model : DataFrame
        As :func:`dnqp.run_study`.
    data, variables : DataFrame
        One row per region-year: a (Region, Year) MultiIndex, or Region and Year columns.
    settings : Settings or mapping
        The panel settings are ``panel_entropy``, ``effects``, ``cluster`` (with ``cov``, see
        :func:`panel_cov`), ``panel_convention`` and the group test's ``group_test``, ``group_variable``,
        ``interact``, ``permutation_reps`` and ``permutation_seed``.
    regions : DataFrame or mapping, optional
        Region → Group (a Regions table with Region and Group columns), for heterogeneity by group.
    dimension_labels : mapping, optional
        Short names of the sub-indices, as :func:`dnqp.run_study`.

    Examples
    --------
    >>> from dnqp.engine.panel_sample import load_panel_sample
    >>> from dnqp.engine.sample import DIMENSION_LABELS
    >>> s = load_panel_sample()   # ILLUSTRATIVE 31 provinces × 2012–2023
    >>> r = run_panel_study(s["indicators"], s["data"], s["variables"], s["model"], {"permutation_reps": 50},
    ...                     regions=s["regions"], dimension_labels=DIMENSION_LABELS)
    >>> r.main.nobs, r.main.n_clusters, list(r.baseline.table.columns)
    (372, 31, ['(1) DNQP', '(2) + controls', '(3) + FE'])
    >>> r.groups.groups, list(r.index_tables.group_means.index)
    (('East', 'Central', 'West', 'Northeast'), ['East', 'Central', 'West', 'Northeast'])
    """
    from .study import _check_indicators, _check_model  # the time-series study's checks, written once

    if settings is None:
        settings = Settings()
    elif isinstance(settings, Mapping):
        settings = Settings.from_mapping(settings)
    notes: list[str] = []
    cov = panel_cov(settings)

    ind = _check_indicators(indicators, settings.standardize)
    codes = list(ind.index)
    data = _keyed(data, "Data")
    missing_cols = [c for c in codes if c not in data.columns]
    if missing_cols:
        raise DataError(f"indicator {missing_cols[0]} has no column in the data")
    extra = [c for c in data.columns if c not in codes]
    if extra:
        notes.append(f"data column(s) {', '.join(extra)} are not listed as indicators and were ignored")

    ent = panel_entropy(data[codes], ind["Direction"], mode=settings.panel_entropy, impute=settings.impute,
                        standardize=settings.standardize, shift=settings.shift, interval=settings.interval,
                        constant=settings.constant)
    notes += list(ent.warnings)
    dims = ind["Dimension"]
    used = list(ent.weights.index if settings.panel_entropy == "global" else ent.weights.columns)
    dim_order = list(dict.fromkeys(dims[used]))
    labels = {d: d for d in dim_order}
    if dimension_labels:
        labels.update({k: str(v) for k, v in dimension_labels.items() if k in labels and str(v).strip()})
    sub = ent.subindices(dims.to_dict(), settings.convention).rename(columns=labels)

    if settings.panel_entropy == "global":
        weights = pd.DataFrame({
            "Dimension": dims[used], "Indicator": ind.loc[used, "Indicator"],
            "Direction": ["+" if d > 0 else "−" for d in ind.loc[used, "Direction"]],
            "Entropy e": ent.entropy, "Divergence d": ent.divergence, "Weight w": ent.weights})
        weights.index.name = "Code"
        dw = ent.dimension_weights(dims.to_dict())
        dimension_weights = pd.DataFrame({
            "Label": [labels[d] for d in dw.index],
            "Indicators": [int((weights["Dimension"] == d).sum()) for d in dw.index],
            "Weight": dw.to_numpy()}, index=pd.Index(dw.index, name="Dimension"))
    else:  # Year × indicator, and Year × sub-index
        weights = ent.weights.copy()
        dimension_weights = ent.dimension_weights(dims.to_dict()).rename(columns=labels)

    index_label = settings.index_label
    if index_label in sub.columns:
        raise DataError(f"a sub-index is labelled {index_label}, like the index itself")
    index = pd.concat([ent.scores.rename(index_label), sub], axis=1)

    m = _check_model(model)
    variables = _keyed(variables, "Variables")
    absent = [v for v in m["Variable"] if v not in variables.columns]
    if absent:
        raise DataError(f"variable {absent[0]} is in the Model table but has no column in Variables")
    clash = [lab for lab in m["Label"] if lab in index.columns]
    if clash:
        raise DataError(f"variable label {clash[0]} is also the name of the index or a sub-index")
    var_imp = panel_impute(variables[list(m["Variable"])], settings.impute, what="variable")
    vdata = var_imp.data
    only_data = index.index.difference(vdata.index)
    only_vars = vdata.index.difference(index.index)
    if len(only_data):
        r, y = only_data[0]
        raise DataError(f"region {r}, year {row_label(y)} is in Data but not in Variables")
    if len(only_vars):
        r, y = only_vars[0]
        raise DataError(f"region {r}, year {row_label(y)} is in Variables but not in Data")
    vdata = vdata.reindex(index.index)
    transformed = transform(vdata, dict(zip(m["Variable"], m["Transform"])))
    transformed = transformed.rename(columns=dict(zip(m["Variable"], m["Label"])))

    dep = m.loc[m["Role"] == "dependent", "Label"].iloc[0]
    controls = list(m.loc[m["Role"] == "control", "Label"])
    analysis = pd.concat([transformed[[dep]], index[[index_label]], transformed[controls], sub], axis=1)
    analysis = analysis.astype(float).set_axis([str(c) for c in analysis.columns], axis=1)
    main_vars = [dep, index_label, *controls]
    regressors = [index_label, *controls]
    descriptives = panel_describe(analysis[main_vars])
    if len(regressors) > 1:
        vif_table = panel_vif(analysis[regressors])
    else:
        vif_table = pd.DataFrame({"VIF": [], "1/VIF": []}, index=pd.Index([], name="Variable"))
        notes.append(f"VIF is not shown: the model has one regressor ({index_label}), and VIF needs two or more")

    opts = dict(cov=cov, convention=settings.panel_convention)
    y = analysis[dep]
    steps = [([index_label], "none", index_label)]
    if controls:
        steps.append((regressors, "none", "+ controls"))
    if settings.effects != "none":
        steps.append((regressors, settings.effects, "+ FE"))
    fits = [(y, analysis[xs], eff) for xs, eff, _ in steps]
    fits += [(y, analysis[[s, *controls]], settings.effects) for s in sub.columns]
    done = fit_all(_fit, [(*f, opts) for f in fits], cost=[0.5 if f[2] == "none" else 1.0 for f in fits],
                   worth=len(y) >= WORTH_ROWS)
    base, het = done[:len(steps)], done[len(steps):]
    for r in base:
        notes += [w for w in r.warnings if w not in notes]
    baseline = _models(base, [lab for *_, lab in steps], settings.stars)
    heterogeneity = _models(het, list(sub.columns), settings.stars, rename={s: CORE_ROW for s in sub.columns})

    group_map = _group_map(regions)
    given = group_map is not None and group_map.map(lambda v: str(v).strip() not in ("", "nan", "None")).any()
    if settings.group_test == "yes" and not given:
        raise SettingsError("setting group_test = 'yes' but the Regions table gives no Group")
    groups = group_models = None
    if settings.group_test != "no" and given:
        variable = index_label if settings.group_variable.lower() == "index" else settings.group_variable
        if variable not in regressors:
            raise SettingsError(f"setting group_variable = '{settings.group_variable}' is not a regressor "
                                f"(index or one of {', '.join(controls) or 'no controls'})")
        groups = group_heterogeneity(y, analysis[regressors], group_map, variable=variable, effects=settings.effects,
                                     interact=settings.interact, reps=settings.permutation_reps,
                                     seed=settings.permutation_seed, **opts)
        notes += list(groups.warnings)
        group_models = _models([groups.subsamples[g] for g in groups.groups], [str(g) for g in groups.groups],
                               settings.stars)

    tables = panel_index_tables(index[index_label], sub, group_map if given else None)  # groups in Regions' order
    typed = list(dict.fromkeys(str(r).strip() for r in data.index.get_level_values(0)))  # as the Data sheet lists
    order = [r for r in (list(group_map.index) if given else []) if r in set(typed)]
    order += [r for r in typed if r not in set(order)]  # the Regions table's order first (e.g. East to Northeast)
    tables = dataclasses.replace(tables, wide=tables.wide.reindex(order), ranks=tables.ranks.reindex(order))
    imputed = pd.concat([ent.imputed.assign(table="Data"), var_imp.cells.assign(table="Variables")],
                        ignore_index=True)[["table", REGION, YEAR, "column", "value"]]
    for _, c in imputed.iterrows():
        notes.append(f"{c['table']}: {c['column']} in region {c[REGION]}, year {row_label(c[YEAR])} was missing and "
                     f"imputed ({settings.impute}, within the region) as {c['value']:.6g}")
    region_table = (group_map.rename_axis(REGION).reset_index() if group_map is not None
                    else pd.DataFrame({REGION: list(index.index.get_level_values(0).unique())}))
    result = PanelStudyResult(
        settings=settings, indicators=ind, entropy=ent, weights=weights, dimension_weights=dimension_weights,
        index=index, analysis_data=analysis, descriptives=descriptives, vif=vif_table, baseline=baseline,
        heterogeneity=heterogeneity, groups=groups, group_models=group_models, index_tables=tables,
        regions=region_table, cov=cov, imputed=imputed, warnings=tuple(notes), dimension_labels=labels)
    companions = run_companions(result, settings, groups=group_map.to_dict() if given else None, data=ent.data)
    if not companions and not companions.notes:
        return result
    return dataclasses.replace(result, companions=companions, warnings=(*result.warnings, *companions.notes))
