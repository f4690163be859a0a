"""The whole study in one call: index, sub-indices, descriptives, VIF, baseline and heterogeneity.

:func:`run_study` takes the four inputs an analyst prepares (indicator metadata, indicator data,
regression variables, and the model that gives each variable a role, transform and label) plus the
settings, and returns a frozen :class:`StudyResult` holding every table of the paper.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
import dataclasses
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .entropy import EntropyResult, entropy_weights
from ..errors import ConstantIndicatorError, DataError, SettingsError
from .checks import ROLES, default_label, indicator_issues, model_issues, year_issues
from .prepare import ImputeResult, impute, parse_direction, row_label, transform
from .regression import OLSResult, describe_checked, fit_ols, vif_checked
from .tables import CORE_ROW, ModelTable, build_model_table
from .settings import Settings
from .companion.study import CompanionResults, run_companions

__all__ = ["Settings", "StudyResult", "run_study", "ROLES"]



@dataclass(frozen=True)
class StudyResult:
    """Every table of the study. DataFrames are indexed by year (or by indicator / variable / term)."""

    settings: Settings
    indicators: pd.DataFrame
    entropy: EntropyResult
    weights: pd.DataFrame
    dimension_weights: pd.DataFrame
    index: pd.DataFrame
    analysis_data: pd.DataFrame
    descriptives: pd.DataFrame
    vif: pd.DataFrame
    baseline: OLSResult
    heterogeneity: tuple[OLSResult, ...]
    heterogeneity_model: ModelTable
    imputed: pd.DataFrame
    warnings: tuple[str, ...] = field(default=())
    #: The companion measures the ``companions`` setting asks for (issue 12; empty by default).
    companions: CompanionResults = field(default_factory=CompanionResults)

    @property
    def heterogeneity_table(self) -> pd.DataFrame:
        """The heterogeneity table as manuscript text (:meth:`dnqp.engine.tables.ModelTable.frame`)."""
        return self.heterogeneity_model.frame()

    @property
    def dependent(self) -> str:
        return self.baseline.depvar

    def tables(self) -> dict[str, pd.DataFrame]:
        """The paper's tables by name, in the order a results workbook shows them."""
        return {
            "Weights": self.weights,
            "Dimension weights": self.dimension_weights,
            "Index": self.index,
            "Descriptives": self.descriptives,
            "VIF": self.vif,
            "Baseline": self.baseline.table(levels=self.settings.stars),
            "Heterogeneity": self.heterogeneity_table,
        }


def _norm_columns(df: pd.DataFrame, required: Sequence[str], optional: Sequence[str], what: str) -> pd.DataFrame:
    """Rename columns case-insensitively to their canonical names; check the required ones are there."""
    lookup = {str(c).strip().lower(): c for c in df.columns}
    rename = {}
    for name in list(required) + list(optional):
        if name.lower() in lookup:
            rename[lookup[name.lower()]] = name
    missing = [r for r in required if r.lower() not in lookup]
    if missing:
        raise DataError(f"the {what} table has no column {missing[0]!r}")
    out = df.rename(columns=rename)
    return out[[c for c in list(required) + list(optional) if c in out.columns]].copy()


def _clean_text(value) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value).strip()


def _check_indicators(indicators: pd.DataFrame, standardize: str = "minmax") -> pd.DataFrame:
    ind = _norm_columns(pd.DataFrame(indicators), ["Code", "Dimension", "Direction"],
                        ["Indicator", "Unit", "Source", "Label"], "Indicators")
    ind = ind.reset_index(drop=True)
    for col in ind.columns:
        if col != "Direction":
            ind[col] = [_clean_text(v) for v in ind[col]]
    ind = ind[[bool(c) or bool(_clean_text(d)) for c, d in zip(ind["Code"], ind["Dimension"])]]
    issues = indicator_issues(zip(ind["Code"], ind["Dimension"], ind["Direction"]), standardize)
    if issues:
        raise (SettingsError if "standardize = none" in issues[0].message else DataError)(
            f"Indicators table row {issues[0].row + 1}: {issues[0].text(lambda r: f'row {r + 1}')}")
    ind["Direction"] = [parse_direction(d, c) for d, c in zip(ind["Direction"], ind["Code"])]
    if "Indicator" not in ind.columns:
        ind["Indicator"] = ind["Code"]
    return ind.set_index("Code")


def _check_years(df: pd.DataFrame, what: str) -> tuple[pd.DataFrame, list[str]]:
    """Rows keyed by a unique year; years typed out of order are sorted (with a note)."""
    notes = []
    years, issues = year_issues(df.index)
    if issues:
        first = issues[0]
        raise DataError(f"{what}: {first.text(lambda r: f'row {r + 1}')}")
    df = df.set_axis(pd.Index(years, name="Year"), axis=0)
    if not df.index.is_monotonic_increasing:
        notes.append(f"{what}: years were not in order and have been sorted")
        df = df.sort_index()
    return df, notes


def _check_model(model: pd.DataFrame) -> pd.DataFrame:
    m = _norm_columns(pd.DataFrame(model), ["Variable", "Role"], ["Transform", "Label"], "Model")
    for col in m.columns:
        m[col] = [_clean_text(v) for v in m[col]]
    m = m[m["Variable"] != ""].reset_index(drop=True)
    if "Transform" not in m.columns:
        m["Transform"] = "none"
    m["Transform"] = [t.lower() or "none" for t in m["Transform"]]
    m["Role"] = [r.lower() for r in m["Role"]]
    if "Label" not in m.columns:
        m["Label"] = ""
    issues = model_issues(m[["Variable", "Role", "Transform", "Label"]].itertuples(index=False))
    if issues:
        raise DataError(f"Model table, {issues[0].text()}" if issues[0].row < 0 else
                        f"Model table row {issues[0].row + 1}: {issues[0].text()}")
    m["Label"] = [lab or default_label(v, t) for lab, v, t in zip(m["Label"], m["Variable"], m["Transform"])]
    return m


def _check_constant_after_imputation(imp: ImputeResult, settings: Settings) -> None:
    """An indicator that imputation made constant gets a message that says so."""
    if settings.standardize == "none" or settings.constant == "drop":
        return
    counts = imp.cells["column"].value_counts()
    for code, n_filled in counts.items():
        col = imp.data[code]
        if col.max() == col.min():
            raise ConstantIndicatorError(
                f"indicator {code} is constant over {row_label(imp.data.index[0])}–{row_label(imp.data.index[-1])} "
                f"once its {n_filled} missing value(s) are imputed ({imp.method}): its entropy weight is undefined")


def run_study(
    indicators: pd.DataFrame,
    data: pd.DataFrame,
    variables: pd.DataFrame,
    model: pd.DataFrame,
    settings: Settings | Mapping | None = None,
    *,
    dimension_labels: Mapping[str, str] | None = None,
    regions: pd.DataFrame | Mapping | None = None,
) -> StudyResult:
    """Run the study end to end and return every table.

    Parameters
    ----------
    indicators : DataFrame
        One row per indicator with columns Code, Dimension, Direction and optionally Indicator (name),
        Unit, Source.
    data : DataFrame
        Indicator values: index = year, one column per indicator code. Missing values are NaN.
    variables : DataFrame
        Regression variables as typed (untransformed): index = year, one column per variable.
    model : DataFrame
        Columns Variable, Role ("dependent" or "control"), Transform ("ln" or "none") and Label (the
        name in the tables, e.g. lnUpgrade; default ``ln<Variable>`` or the variable name).
    settings : Settings or mapping
        See :class:`Settings`; the defaults are the paper's method.
    dimension_labels : mapping, optional
        Short names of the sub-indices in the regressions (dimension → label, e.g. "Digital
        infrastructure construction" → "Infra"). Default: the dimension names.
    regions : DataFrame or mapping, optional
        A panel's Region → Group. Data keyed by (Region, Year) (a two-level index or a Region column) make
        this a panel study: :func:`dnqp.engine.panel_study.run_panel_study` runs it and returns its
        :class:`~dnqp.engine.panel_study.PanelStudyResult`.

    Examples
    --------
    >>> from dnqp.engine.sample import DIMENSION_LABELS, load_sample
    >>> s = load_sample()   # illustrative Zhanjiang-like data, 2010–2024
    >>> r = run_study(s["indicators"], s["data"], s["variables"], s["model"], dimension_labels=DIMENSION_LABELS)
    >>> list(r.index.columns), r.baseline.nobs, r.baseline.df_resid
    (['DNQP', 'Infra', 'Inno', 'Ind', 'Green'], 15, 8.0)
    >>> list(r.heterogeneity_table.columns)
    ['(1) Infra', '(2) Inno', '(3) Ind', '(4) Green']
    """
    from .panel_study import is_panel, run_panel_study

    if is_panel(pd.DataFrame(data)):
        return run_panel_study(indicators, data, variables, model, settings, regions=regions,
                               dimension_labels=dimension_labels)
    if settings is None:
        settings = Settings()
    elif isinstance(settings, Mapping):
        settings = Settings.from_mapping(settings)
    notes: list[str] = []

    ind = _check_indicators(indicators, settings.standardize)
    codes = list(ind.index)
    data = pd.DataFrame(data)
    data = data.set_axis([str(c).strip() for c in data.columns], axis=1)
    missing_cols = [c for c in codes if c not in data.columns]
    if missing_cols:
        raise DataError(f"indicator {missing_cols[0]} has no column in the data")
    extra = [c for c in data.columns if c not in codes]
    if extra:
        notes.append(f"data column(s) {', '.join(extra)} are not listed as indicators and were ignored")
    data, n1 = _check_years(data[codes], "Data")
    notes += n1

    imputed_frames = []
    ind_imp: ImputeResult = impute(data, settings.impute, what="indicator")
    if ind_imp.n_imputed:
        imputed_frames.append(ind_imp.cells.assign(table="Data"))
        _check_constant_after_imputation(ind_imp, settings)

    ent = entropy_weights(ind_imp.data, ind["Direction"], standardize=settings.standardize, shift=settings.shift,
                          interval=settings.interval, constant=settings.constant)
    notes += list(ent.warnings)
    dims = ind["Dimension"]
    dim_order = list(dict.fromkeys(dims[list(ent.weights.index)]))
    labels = {d: d for d in dim_order}
    if dimension_labels:
        labels.update({k: str(v) for k, v in dimension_labels.items() if k in labels and str(v).strip()})
    sub = ent.subindices(dims.to_dict(), settings.convention).rename(columns=labels)

    weights = pd.DataFrame({
        "Dimension": dims[ent.weights.index],
        "Indicator": ind.loc[ent.weights.index, "Indicator"],
        "Direction": ["+" if d > 0 else "−" for d in ind.loc[ent.weights.index, "Direction"]],
        "Entropy e": ent.entropy,
        "Divergence d": ent.divergence,
        "Weight w": ent.weights,
    })
    weights.index.name = "Code"
    dim_w = ent.dimension_weights(dims.to_dict())
    dimension_weights = pd.DataFrame({
        "Label": [labels[d] for d in dim_w.index],
        "Indicators": [int((weights["Dimension"] == d).sum()) for d in dim_w.index],
        "Weight": dim_w.to_numpy(),
    }, index=pd.Index(dim_w.index, name="Dimension"))

    index_label = settings.index_label
    if index_label in sub.columns:
        raise DataError(f"a sub-index is labelled {index_label}, like the index itself")
    index = pd.concat([ent.scores.rename(index_label), sub], axis=1)
    index.index.name = "Year"

    # Regression variables.
    m = _check_model(model)
    variables = pd.DataFrame(variables)
    variables = variables.set_axis([str(c).strip() for c in variables.columns], axis=1)
    absent = [v for v in m["Variable"] if v not in variables.columns]
    if absent:
        raise DataError(f"variable {absent[0]} is in the Model table but has no column in Variables")
    clash = [lab for lab in m["Label"] if lab in index.columns]
    if clash:
        raise DataError(f"variable label {clash[0]} is also the name of the index or a sub-index")
    variables, n2 = _check_years(variables[list(m["Variable"])], "Variables")
    notes += n2
    only_data = [y for y in index.index if y not in variables.index]
    only_vars = [y for y in variables.index if y not in index.index]
    if only_data:
        raise DataError(f"year {only_data[0]} is in Data but not in Variables")
    if only_vars:
        raise DataError(f"year {only_vars[0]} is in Variables but not in Data")
    var_imp = impute(variables, settings.impute, what="variable")
    if var_imp.n_imputed:
        imputed_frames.append(var_imp.cells.assign(table="Variables"))
    transformed = transform(var_imp.data, dict(zip(m["Variable"], m["Transform"])))
    transformed = transformed.rename(columns=dict(zip(m["Variable"], m["Label"])))

    dep = m.loc[m["Role"] == "dependent", "Label"].iloc[0]
    controls = list(m.loc[m["Role"] == "control", "Label"])
    analysis = pd.concat([transformed[[dep]], index[[index_label]], transformed[controls], sub], axis=1)
    analysis.index.name = "Year"

    main_vars = [dep, index_label, *controls]
    # The inputs are checked: the inner functions trust them (no second coercion of the same frames).
    analysis = analysis.astype(float).set_axis([str(c) for c in analysis.columns], axis=1)
    descriptives = describe_checked(analysis[main_vars])
    regressors = [index_label, *controls]
    if len(regressors) > 1:
        vif_table = vif_checked(analysis[regressors])
    else:
        vif_table = pd.DataFrame({"VIF": [], "1/VIF": []}, index=pd.Index([], name="Variable"))
        notes.append(f"VIF is not shown: the model has one regressor ({index_label}), and VIF needs two or more")
    baseline = fit_ols(analysis[dep], analysis[regressors], cov=settings.cov, maxlags=settings.maxlags)
    het = tuple(fit_ols(analysis[dep], analysis[[s, *controls]], cov=settings.cov, maxlags=settings.maxlags)
                for s in sub.columns)
    het_table = build_model_table(het, labels=list(sub.columns), levels=settings.stars,
                                  rename={s: CORE_ROW for s in sub.columns})

    imputed = (pd.concat(imputed_frames, ignore_index=True)[["table", "row", "column", "value"]]
               if imputed_frames else pd.DataFrame(columns=["table", "row", "column", "value"]))
    for _, r in imputed.iterrows():
        notes.append(f"{r['table']}: {r['column']} in {row_label(r['row'])} was missing and imputed "
                     f"({settings.impute}) as {r['value']:.6g}")
    result = StudyResult(
        settings=settings,
        indicators=ind,
        entropy=ent,
        weights=weights,
        dimension_weights=dimension_weights,
        index=index,
        analysis_data=analysis,
        descriptives=descriptives,
        vif=vif_table,
        baseline=baseline,
        heterogeneity=het,
        heterogeneity_model=het_table,
        imputed=imputed,
        warnings=tuple(notes),
    )
    companions = run_companions(result, settings, data=ind_imp.data)
    if not companions and not companions.notes:
        return result
    return dataclasses.replace(result, companions=companions, warnings=(*result.warnings, *companions.notes))
