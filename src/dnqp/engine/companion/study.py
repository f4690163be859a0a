"""The companion measures of a study (issue 12), as the settings ask for them: :func:`run_companions`.

A study's ``companions`` setting lists the measures to add (``none`` by default, so a study's results stay
as they were). Each is computed from what the study already holds: the indicator data (as imputed), their
directions and dimensions, the index and sub-indices, and the dependent variable. The group measures
(Dagum's Gini, Theil's decomposition) need a panel whose regions have a group; the kernel density needs
regions × years.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields

import numpy as np
import pandas as pd

from ...errors import DataError, DnqpError, SettingsError
from ..cells import shown
from ..entropy import standardize_data
from ..settings import COMPANION_MEASURES, PANEL_MEASURES, REGISTRY, Settings
from ._common import year_level
from .coupling import CouplingResult, coupling_coordination
from .grey import GreyResult, grey_relation
from .inequality import DagumResult, DensityResult, TheilResult, dagum_gini, kernel_density, theil_index
from .obstacle import ObstacleResult, obstacle_degree
from .topsis import TopsisResult, topsis
from .weights import WEIGHT_METHODS, composite_scores, weights_from_standardized

__all__ = ["CompanionResults", "WeightComparison", "run_companions", "companion_list"]

#: The measures that need groups of regions (a panel whose Regions sheet gives each region a Group).
GROUP_MEASURES = ("dagum",)
_NAMES = {"weights": "alternative weights", "topsis": "TOPSIS", "coupling": "the coupling coordination degree",
          "obstacle": "the obstacle degree", "grey": "grey relational analysis", "dagum": "Dagum's Gini",
          "theil": "Theil's index", "kde": "the kernel density"}


@dataclass(frozen=True)
class WeightComparison:
    """Every weighting of :data:`~dnqp.engine.companion.weights.WEIGHT_METHODS` side by side, and the index
    recomputed with each (for robustness).

    Attributes
    ----------
    weights : DataFrame
        Indicators × methods, each column summing to 1.
    scores : DataFrame
        Rows (years or region-years) × methods: ``S_i = Σ_j w_j z_ij`` with each weighting.
    rank_correlation : Series
        Spearman's rank correlation of each method's index with the entropy index.
    """

    weights: pd.DataFrame
    scores: pd.DataFrame
    rank_correlation: pd.Series

    def table(self) -> pd.DataFrame:
        """Indicator | one weight column per method."""
        return self.weights


@dataclass(frozen=True)
class CompanionResults:
    """The companion measures a study computed (None: not asked for). ``notes`` says what was skipped."""

    weights: WeightComparison | None = None
    topsis: TopsisResult | None = None
    coupling: CouplingResult | None = None
    obstacle: ObstacleResult | None = None
    grey: GreyResult | None = None
    dagum: DagumResult | None = None
    theil: TheilResult | None = None
    kde: DensityResult | None = None
    systems: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())

    @property
    def measures(self) -> tuple[str, ...]:
        """The measures computed, in :data:`~dnqp.engine.settings.COMPANION_MEASURES` order."""
        return tuple(f.name for f in fields(self) if f.name in COMPANION_MEASURES and getattr(self, f.name) is not None)

    def __bool__(self) -> bool:
        return bool(self.measures)


def _setting_error(name: str, value: object, err: DnqpError) -> SettingsError:
    """``err`` as a SettingsError naming the setting (the workbook reader then names its cell)."""
    return SettingsError(f"setting {name} = {shown(value)}: {err}")


def _under(name: str, settings: Settings, call: Callable, catch: tuple = (SettingsError,)):
    """``call()``, with a failure of the kinds in ``catch`` reported at setting ``name``."""
    try:
        return call()
    except catch as err:
        s = REGISTRY[name]
        value = getattr(settings, s.attribute)
        raise _setting_error(name, value if s.part is None else value[s.part], err) from None


def companion_list(value: str, *, panel: bool = False, groups: bool = False) -> tuple[tuple[str, ...], list[str]]:
    """The measures a ``companions`` setting asks for, and notes on those skipped.

    ``none`` (or blank) asks for none, ``all`` for every measure the study can take (the panel ones are
    skipped, with a note, for a time series); otherwise a list such as ``topsis, coupling``. A panel
    measure named for a time series is refused.

    Examples
    --------
    >>> companion_list("TOPSIS; coupling")
    (('topsis', 'coupling'), [])
    >>> companion_list("all")[0]
    ('weights', 'topsis', 'coupling', 'obstacle', 'grey')
    """
    tokens = [t for t in re.split(r"[,;\s]+", str(value or "").strip().lower()) if t]
    if not tokens or tokens == ["none"]:
        return (), []
    notes: list[str] = []
    if tokens == ["all"]:
        wanted = list(COMPANION_MEASURES)
        for m in PANEL_MEASURES:
            if not panel:
                wanted.remove(m)
        if panel and not groups:
            wanted = [m for m in wanted if m not in GROUP_MEASURES]
            notes.append("companions: Dagum's Gini is skipped: it needs a Group for every region")
        if not panel:
            notes.append("companions: Dagum's Gini, Theil's index and the kernel density are skipped: they need "
                         "a panel (regions × years)")
        return tuple(wanted), notes
    bad = [t for t in tokens if t not in COMPANION_MEASURES]
    if bad:
        raise SettingsError(f"setting companions = {shown(value)}: {bad[0]!r} is not one of none, all, "
                            + ", ".join(COMPANION_MEASURES))
    for t in tokens:
        if t in PANEL_MEASURES and not panel:
            raise SettingsError(f"setting companions = {shown(value)}: {t} ({_NAMES[t]}) needs a panel study "
                                "(regions × years)")
        if t in GROUP_MEASURES and not groups:
            raise SettingsError(f"setting companions = {shown(value)}: {t} ({_NAMES[t]}) needs a Group for every "
                                "region")
    return tuple(dict.fromkeys(tokens)), notes


def _alpha(settings: Settings, systems: list[str]) -> list[float] | None:
    text = str(settings.coupling_alpha).strip()
    if text.lower() in ("", "equal"):
        return None
    parts = [p for p in re.split(r"[,;\s]+", text) if p]
    try:
        values = [float(p) for p in parts]
    except ValueError:
        raise SettingsError(f"setting coupling_alpha = {shown(settings.coupling_alpha)}: type equal or one number "
                            f"per system ({', '.join(systems)}), such as "
                            + ", ".join(f"{1 / len(systems):.4g}" for _ in systems)) from None
    return values


def _years(settings: Settings) -> list | None:
    text = str(settings.kde_years).strip()
    if text.lower() in ("", "all"):
        return None
    out = []
    for p in (p for p in re.split(r"[,;\s]+", text) if p):
        try:
            y = float(p)
        except ValueError:
            y = float("nan")
        if not (np.isfinite(y) and y.is_integer()):
            raise SettingsError(f"setting kde_years = {shown(settings.kde_years)}: {p!r} is not a year (type all "
                                "or years such as 2012, 2018)")
        out.append(int(y))
    return out


def _bandwidth(settings: Settings) -> str | float:
    text = str(settings.kde_bandwidth).strip()
    if text.lower() in ("", "silverman"):
        return "silverman"
    try:
        h = float(text)
    except ValueError:
        h = float("nan")
    if not (np.isfinite(h) and h > 0):
        raise SettingsError(f"setting kde_bandwidth = {shown(settings.kde_bandwidth)} is neither silverman nor a "
                            "number > 0")
    return h


def _rescaled(values: pd.Series) -> pd.Series:
    """``(y − min)/(max − min)``: a series on [0, 1], as the entropy step standardises a benefit indicator."""
    z = standardize_data(values.to_frame(), [1], method="the coupling coordination degree",
                         undefined="rescaled score").z[:, 0]
    return pd.Series(z, index=values.index, name=values.name)


def _aligned(frame, rows: pd.Index, what: str):
    """``frame`` in the order of the index's ``rows`` (the same labels, perhaps sorted otherwise)."""
    if frame.index.equals(rows):
        return frame
    if len(frame.index) == len(rows) and frame.index.isin(rows).all() and not frame.index.has_duplicates:
        return frame.loc[rows]
    raise DataError(f"{what} and the index do not have the same rows")


def run_companions(result, settings: Settings | None = None, groups: Mapping | None = None, *,
                   data: pd.DataFrame | None = None) -> CompanionResults:
    """The companion measures that ``settings.companions`` lists, computed from a study's result.

    Parameters
    ----------
    result : StudyResult
        A study (time series or panel): its indicators, entropy step, index and sub-indices, and analysis
        data (the dependent variable) are used.
    settings : Settings, optional
        Default: the study's own settings.
    groups : mapping, optional
        Region → group, for a panel (Dagum's Gini; Theil's decomposition). Without it the group measures
        are refused when named (skipped, with a note, under ``all``).
    data : DataFrame, optional
        The indicator data as the study used them (imputed); :func:`dnqp.run_study` passes them. Without
        them the measures work on the standardised data (``standardize = none`` on z), so the vector
        normalisation of TOPSIS is refused.

    Examples
    --------
    >>> from dnqp import run_study
    >>> from dnqp.engine.sample import DIMENSION_LABELS, load_sample
    >>> s = load_sample()
    >>> r = run_study(s["indicators"], s["data"], s["variables"], s["model"],
    ...               {"companions": "topsis, coupling"}, dimension_labels=DIMENSION_LABELS)
    >>> r.companions.measures, r.companions.systems
    (('topsis', 'coupling'), ('Infra', 'Inno', 'Ind', 'Green'))
    >>> bool(r.companions.topsis.closeness.between(0, 1).all())
    True
    """
    settings = result.settings if settings is None else settings
    index = result.index
    panel = year_level(index.index) is not None
    wanted, notes = companion_list(settings.companions, panel=panel, groups=groups is not None)
    if not wanted:
        return CompanionResults(notes=tuple(notes))
    ent = result.entropy
    codes = list(ent.directions.index)
    dirs = ent.directions
    if data is None:
        data, dirs = ent.standardized, pd.Series(1, index=ent.standardized.columns)
        options = dict(standardize="none", shift=0.0, interval=(0.0, 1.0), constant="error")
        codes = list(data.columns)
    else:
        options = dict(standardize=settings.standardize, shift=settings.shift, interval=settings.interval,
                       constant=settings.constant)
    x = _aligned(data[codes], index.index, "the indicator data")
    dw = result.dimension_weights  # by-year panel weights are a Year × sub-index table: labels kept apart
    labels = (dict(zip(dw.index, dw["Label"])) if "Label" in dw.columns
              else dict(getattr(result, "dimension_labels", None) or {}))
    dimensions = {c: labels.get(d, d) for c, d in result.indicators["Dimension"].items() if c in codes}
    index_label = settings.index_label
    subs = [c for c in index.columns if c != index_label]
    dep = result.dependent
    out: dict[str, object] = {}
    lam = settings.combine_lambda
    weighting = settings.companion_weights
    if (weighting == "additive" or "weights" in wanted) and not 0 <= lam <= 1:
        raise SettingsError(f"setting combine_lambda = {shown(lam)}: λ must lie in [0, 1]")

    if "weights" in wanted:
        std = standardize_data(x, dirs, method="the companion weights", undefined="CRITIC correlation", **options)
        notes += list(std.warnings)
        w = pd.concat([weights_from_standardized(std, m, lam=lam).weights.rename(m) for m in WEIGHT_METHODS],
                      axis=1).rename_axis("Indicator")
        z = std.to_frame()
        scores = pd.concat([composite_scores(z, w[m]).scores.rename(m) for m in WEIGHT_METHODS], axis=1)
        rho = scores.rank().corr().loc["entropy"].rename("Spearman ρ")
        out["weights"] = WeightComparison(weights=w, scores=scores, rank_correlation=rho)
    if "topsis" in wanted:
        if options["standardize"] == "none" and settings.topsis_normalise == "vector" and data is ent.standardized:
            raise SettingsError("setting topsis_normalise = 'vector': the indicator data are needed (run the study)")
        mode = settings.topsis_panel if panel else "pooled"
        # a data problem that only the option makes (negative data for vector, a year without variation for
        # year) is reported at that option's cell
        at = "topsis_normalise" if settings.topsis_normalise == "vector" or mode == "pooled" else "topsis_panel"
        out["topsis"] = _under(at, settings, lambda: topsis(
            x, dirs, weighting, normalise=settings.topsis_normalise, panel=mode, lam=lam, **options),
            (SettingsError, DataError) if settings.topsis_normalise == "vector" or mode == "year" else (SettingsError,))
        notes += list(out["topsis"].warnings)
    systems: tuple[str, ...] = ()
    if "coupling" in wanted:
        if settings.coupling_systems == "subindices":
            if len(subs) < 2:
                raise SettingsError(f"setting coupling_systems = 'subindices': the study has {len(subs)} "
                                    "dimension, and coupling needs at least 2 systems (use index-dependent)")
            if not isinstance(ent.weights, pd.Series):
                raise SettingsError("setting coupling_systems = 'subindices': the weights change by year (entropy "
                                    "by year), so the sub-indices have no one scale; use index-dependent")
            # each system on its own scale [0, 1]: weights renormalised within each dimension
            z = standardize_data(x, dirs, method="the coupling coordination degree", **options).to_frame()
            u = composite_scores(z, ent.weights.reindex(z.columns), dimensions, convention="within").subindices
        else:
            u = pd.concat([index[index_label], _rescaled(_aligned(result.analysis_data[dep], index.index, dep))], axis=1)
        systems = tuple(str(c) for c in u.columns)
        alpha = _alpha(settings, list(systems))
        out["coupling"] = _under("coupling_alpha" if alpha is not None else "coupling_scaling", settings,
                                 lambda: coupling_coordination(u, alpha, variant=settings.coupling_variant,
                                                               scaling=settings.coupling_scaling))
        notes += list(out["coupling"].warnings)
    if "obstacle" in wanted:
        top = settings.obstacle_top
        if not float(top).is_integer() or top < 1:
            raise SettingsError(f"setting obstacle_top = {shown(top)} must be a whole number ≥ 1")
        out["obstacle"] = _under("shift" if settings.shift > 0 else "interval_b", settings, lambda: obstacle_degree(
            x, dirs, weighting, dimensions, top=int(top), lam=lam, **options))
        notes += list(out["obstacle"].warnings)
    if "grey" in wanted:
        series = index[subs] if settings.grey_series == "subindices" else x
        reference = _aligned(result.analysis_data[dep], index.index, dep)
        out["grey"] = _under("grey_normalise", settings, lambda: _under("grey_rho", settings, lambda: grey_relation(
            reference, series, rho=settings.grey_rho, normalise=settings.grey_normalise)), (DataError,))
    values = index[index_label]
    if "dagum" in wanted:
        out["dagum"] = dagum_gini(values, groups)
    if "theil" in wanted:
        out["theil"] = theil_index(values, groups)
        if groups is None:
            notes.append("companions: Theil's index is not decomposed: the regions have no groups")
    if "kde" in wanted:
        years = _years(settings)
        known = set(values.index.get_level_values(year_level(values.index)))
        unknown = [y for y in years or () if y not in known]
        if unknown:
            raise SettingsError(f"setting kde_years = {shown(settings.kde_years)}: year {unknown[0]} is not in the "
                                "data")
        out["kde"] = kernel_density(values, years, kernel=settings.kde_kernel, bandwidth=_bandwidth(settings))
    return CompanionResults(**out, systems=systems, notes=tuple(notes))
