"""The companion measures' result sheets (issue 12), as :class:`~dnqp.workbook.blocks.Block` lists (pure).

:func:`companion_blocks` gives one sheet per measure the study computed (``StudyResult.companions``), in
:data:`COMPANION_SHEETS` order; :func:`dnqp.workbook.blocks.result_blocks` puts them before the Log, so the
results workbook, the ribbon's Run analysis and the terminal all show them. Blocks whose key ends in
``_chart`` hold a chart's data (the latest year's TOPSIS closeness by region, D with its grade bands, the
density curves): :mod:`dnqp.workbook.companion_charts` draws them.
"""

from __future__ import annotations

import pandas as pd

from ..engine.companion.coupling import COUPLING_GRADES, LAG_THRESHOLD
from ..engine.companion.study import CompanionResults
from .blocks import Block, _val

__all__ = ["companion_blocks", "COMPANION_SHEETS"]

#: Result sheet of each companion measure.
COMPANION_SHEETS = {"weights": "Alt weights", "topsis": "TOPSIS", "coupling": "Coupling", "obstacle": "Obstacle",
                    "grey": "Grey relation", "dagum": "Dagum Gini", "theil": "Theil", "kde": "Kernel density"}
_NUM = "0.0000"


def _row_header(index: pd.Index) -> list[str]:
    names = list(index.names) if isinstance(index, pd.MultiIndex) else [index.name]
    return [str(n) if n is not None else ("Region" if k == 0 and len(names) > 1 else "Year" if k == len(names) - 1
                                          else "") for k, n in enumerate(names)]


def _row_values(label) -> list:
    return [_val(v) for v in label] if isinstance(label, tuple) else [_val(label)]


def _frame(key: str, title: str, df: pd.DataFrame, fmt: dict | str = _NUM, notes=(), header=None) -> Block:
    """A table with its index as the first column(s) (Region, Year for a panel); ``fmt`` per column or one."""
    lead = header or _row_header(df.index)
    body, formats = [], []
    for label, row in zip(df.index, df.itertuples(index=False)):
        cells = [_val(v) for v in row]
        body.append(_row_values(label) + cells)
        col_fmt = [fmt.get(c, _NUM) if isinstance(fmt, dict) else fmt for c in df.columns]
        formats.append([None] * len(lead) + [f if isinstance(v, int | float) else None
                                             for f, v in zip(col_fmt, cells)])
    return Block(key, title, [[*lead, *[str(c) for c in df.columns]]], body, formats, list(notes))


def _year_label(v) -> object:
    v = _val(v)
    return int(v) if isinstance(v, float) and v.is_integer() else v


def _weights(c: CompanionResults, s) -> list[Block]:
    w = c.weights
    rho = ", ".join(f"{m} {v:.3f}" for m, v in w.rank_correlation.items() if m != "entropy")
    return [
        _frame("alt_weights", "Weights by method (entropy, CRITIC, equal, combined)", w.weights,
               notes=["CRITIC on the standardised data: C_j = σ_j Σ_k (1 − r_jk) with σ from n − 1 (critic-abs: "
                      "1 − |r_jk|); multiplicative w ∝ w_e·w_c; additive w = λ·w_e + (1 − λ)·w_c with "
                      f"λ = {s.combine_lambda:g}."]),
        _frame("alt_scores", f"{s.index_label} recomputed with each weighting", w.scores,
               notes=[f"S = Σ w·z on the same standardised data; Spearman's rank correlation with the entropy "
                      f"index: {rho}."]),
    ]


def _topsis(c: CompanionResults, s, panel: bool) -> list[Block]:
    t = c.topsis
    how = ("the entropy step's min–max z" if t.normalise == "minmax"
           else "vector normalisation x/√Σx², cost ideals at the minimum")
    mode = {"pooled": "one ideal over every row", "year": "each year normalised and ranked alone"}[t.panel]
    blocks = [_frame("topsis", "TOPSIS closeness to the ideal", t.table(), {"Rank": "0"},
                     notes=[f"Weights {t.weighting}; {how}; {mode if panel else 'one ideal over the years'}; "
                            "C = D⁻/(D⁺ + D⁻), rank 1 = closest to the ideal."])]
    if panel:
        years = t.closeness.index.get_level_values(-1)
        latest = years.max()
        last = t.closeness[years == latest].droplevel(-1).sort_values(ascending=False).to_frame()
        blocks.append(_frame("topsis_chart", f"Closeness by region, {_year_label(latest)}", last,
                             header=["Region"]))
    return blocks


def _coupling(c: CompanionResults, s, panel: bool) -> list[Block]:
    r = c.coupling
    tab = r.table()
    tab["Lagging"] = tab["Lagging"].astype(str)
    for col in ("Grade", "等级"):
        tab[col] = tab[col].astype(str)
    variant = ("C = n(ΠU)^(1/n)/ΣU" if r.variant == "classic"
               else "the revised C of Wang Shujia et al. (2021, 自然资源学报 36(3))")
    scaling = {"none": "U as computed", "minmax": "U rescaled to [0, 1]",
               "spssau": "U rescaled to [0.01, 0.99] (SPSSAU)"}[r.scaling]
    alpha = ", ".join(f"{k} {v:g}" for k, v in r.alpha.items())
    systems = ("the sub-indices, each on its own [0, 1] scale (weights renormalised within each dimension)"
               if s.coupling_systems == "subindices" else
               "the index and the dependent variable rescaled to [0, 1] by min–max")
    main = _frame("coupling", "Coupling coordination degree", tab, {"Level": "0"},
                  notes=[f"Systems: {systems}; {scaling}; {variant}; T = Σ α·U with α: {alpha}; D = √(C·T). "
                         f"Lagging: the lowest system when it lies more than {LAG_THRESHOLD:g} below the highest."])
    grades = pd.DataFrame([[lo, round(lo + 0.1, 1), zh, en] for _, lo, zh, en in COUPLING_GRADES],
                          index=pd.Index([g[0] for g in COUPLING_GRADES], name="Level"),
                          columns=["D from", "D below", "等级", "Grade"])
    grade_block = _frame("coupling_grades", "Grades of D", grades, "0.0",
                         notes=["D = 1 is level 10."])
    d = r.degree
    if panel:
        d = d.groupby(level=-1).mean()
    chart = pd.DataFrame({"D" if not panel else "Mean D": d.to_numpy()}, index=pd.Index(d.index, name="Year"))
    for _, lo, _zh, en in COUPLING_GRADES:
        chart[en] = 0.1
    return [main, grade_block, _frame("coupling_chart", "Chart data: D by year and the ten grade bands (each 0.1)",
                                      chart, "0.0000")]


def _obstacle(c: CompanionResults, s) -> list[Block]:
    o = c.obstacle
    k = sum(col.startswith("O ") for col in o.top.columns)
    blocks = [_frame("obstacle", f"Top {k} obstacles", o.table(),
                     notes=[f"O_ij = w_j(1 − z_ij)/Σ_k w_k(1 − z_ik), weights {o.weighting}; each row of O sums "
                            "to 1."])]
    if o.dimensions is not None:
        blocks.append(_frame("obstacle_dimensions", "Obstacle degree by dimension", o.dimensions,
                             notes=["A dimension's obstacle is the sum over its indicators."]))
    blocks.append(_frame("obstacle_all", "Obstacle degree of every indicator", o.obstacles))
    return blocks


def _grey(c: CompanionResults, s, dependent: str) -> list[Block]:
    g = c.grey
    how = {"initial": "the initial value", "mean": "the mean", "none": "nothing (as given)"}[g.normalise]
    return [_frame("grey", f"Grey relational degree to {dependent}", g.table(), {"Rank": "0"},
                   notes=[f"Reference {dependent}; series made dimensionless by {how}; ρ = {g.rho:g}; "
                          f"Δmin = {g.delta_min:.4g}, Δmax = {g.delta_max:.4g}; the degree is the mean of ξ."])]


def _dagum(c: CompanionResults, s) -> list[Block]:
    d = c.dagum
    fmts = {k: "0.00" for k in d.overall.columns if k.endswith("%")}
    return [_frame("dagum", f"Dagum Gini decomposition of {s.index_label}", d.overall, fmts,
                   notes=["G = G_w + G_nb + G_t (within, net between, transvariation); % of G."]),
            _frame("dagum_within", "Within-group Gini G_jj", d.within),
            _frame("dagum_between", "Between-group Gini G_jh", d.between)]


def _theil(c: CompanionResults, s) -> list[Block]:
    t = c.theil
    fmts = {k: "0.00" for k in t.overall.columns if k.endswith("%")}
    blocks = [_frame("theil", f"Theil index of {s.index_label}", t.overall, fmts,
                     notes=["T = T_w + T_b (within and between groups); % of T."])]
    if t.within is not None:
        blocks.append(_frame("theil_within", "Within-group Theil T_k", t.within))
    return blocks


def _kde(c: CompanionResults, s) -> list[Block]:
    k = c.kde
    years = list(k.bandwidth.index)
    cols = {}
    for y in years:
        part = k.density[k.density["Year"] == y]
        cols[f"x {_year_label(y)}"] = part["x"].to_numpy()
        cols[f"f {_year_label(y)}"] = part["Density"].to_numpy()
    wide = pd.DataFrame(cols, index=pd.RangeIndex(1, len(next(iter(cols.values()))) + 1, name="Point"))
    bw = k.bandwidth.to_frame()
    bw.index = [_year_label(y) for y in bw.index]
    bw.index.name = "Year"
    how = "Silverman's rule 0.9·min(σ, IQR/1.349)·n^(−1/5)" if str(s.kde_bandwidth).strip().lower() in (
        "", "silverman") else "set by hand"
    return [_frame("kde_bandwidth", f"Kernel density of {s.index_label} across regions: bandwidths", bw,
                   notes=[f"Kernel {k.kernel}; bandwidth h by {how} (statsmodels KDEUnivariate)."]),
            _frame("kde_chart", "Density curves (x, f) per year", wide, "0.0000")]


def companion_blocks(result) -> dict[str, list[Block]]:
    """The companion result sheets of a study (sheet name → blocks), only those it computed."""
    c: CompanionResults = getattr(result, "companions", None) or CompanionResults()
    s = result.settings
    panel = isinstance(result.index.index, pd.MultiIndex)
    makers = {"weights": lambda: _weights(c, s), "topsis": lambda: _topsis(c, s, panel),
              "coupling": lambda: _coupling(c, s, panel), "obstacle": lambda: _obstacle(c, s),
              "grey": lambda: _grey(c, s, result.dependent), "dagum": lambda: _dagum(c, s),
              "theil": lambda: _theil(c, s), "kde": lambda: _kde(c, s)}
    return {COMPANION_SHEETS[m]: makers[m]() for m in c.measures}
