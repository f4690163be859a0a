"""The results of a panel study as sheets of tables (pure): the panel counterpart of :mod:`dnqp.workbook.blocks`.

:func:`panel_result_blocks` lays out every sheet of :data:`PANEL_RESULT_SHEETS` as :class:`Block`s;
:func:`dnqp.workbook.blocks.result_blocks` dispatches here for a
:class:`~dnqp.engine.panel_study.PanelStudyResult`, so the results workbook, the ribbon's sheets and the
other writers get the panel tables without knowing about panels.
"""

from __future__ import annotations

from ..engine.panel import REGION, YEAR
from ..engine.panel_study import FE_ROWS, PanelModels, PanelStudyResult
from ..engine.prepare import row_label
from ..engine.tables import star_legend, title
from .blocks import (Block, _descriptives_block, _frame_block, _model_table_block, _val, _versions, _vif_block,
                     indicator_weight_rows)

__all__ = ["PANEL_RESULT_SHEETS", "panel_result_blocks", "cov_line", "fe_line"]

#: The result sheets of a panel study, in order.
PANEL_RESULT_SHEETS = ("Weights", "Index", "Index (long)", "Descriptives", "VIF", "Baseline", "Heterogeneity",
                       "Groups", "Log")


def cov_line(r: PanelStudyResult) -> str:
    """What the standard errors are, and which Stata command's numbers these are."""
    m = r.main
    what = {"cluster": f"Standard errors clustered by {m.cluster_name} ({m.n_clusters} clusters)",
            "HC1": "Robust (HC1) standard errors", "nonrobust": "Conventional standard errors"}[m.cov_type]
    return f"{what}, as {m.stata} ({r.settings.panel_convention} sample)"


def fe_line(r: PanelStudyResult) -> str:
    fe = {"twoway": "region and year fixed effects", "region": "region fixed effects", "none": "no fixed effects"}
    return f"Models with FE: {fe[r.settings.effects]}; Within R² is the R² of the demeaned model."


def _panel_models_block(key: str, heading: str, models: PanelModels, notes: list[str]) -> Block:
    """A :class:`~dnqp.engine.panel_study.PanelModels` as numbers, then its FE rows (Within R² a number)."""
    b = _model_table_block(key, heading, models.table, notes)
    n = len(models.table.columns)
    for name in FE_ROWS:
        if name == "Within R-squared":
            vals = [_val(m.rsquared_within) if m.effects != "none" else None for m in models.results]
            b.body.append([name, *vals])
            b.formats.append([None, *["0.0000"] * n])
        else:
            b.body.append([name, *list(models.fe.loc[name])])
            b.formats.append([None] * (n + 1))
    return b


def _weights_blocks(r: PanelStudyResult) -> list[Block]:
    s, ent = r.settings, r.entropy
    how = {"minmax": "min–max", "interval": f"interval {s.interval}", "none": "none"}[s.standardize]
    if s.panel_entropy == "global":
        w = r.weights
        body, fmts = indicator_weight_rows(w)
        notes = [f"Global entropy over all {ent.rows} region-years ({ent.regions} regions × {ent.years} years"
                 f"{'' if ent.balanced else ', unbalanced'}): min, max and p over every region-year, "
                 f"k = 1/ln({ent.rows}); standardisation {how}, shift {s.shift:g}; scores comparable across years.",
                 *[f"Dropped: {d}" for d in ent.results["global"].dropped]]
        weights = Block("weights", title("weights"),
                        [["Dimension", "Code", "Indicator", "Direction", "Entropy e", "Divergence d", "Weight w"]],
                        body, fmts, notes)
        dims = _frame_block("dimension_weights", title("dimension_weights"),
                            r.dimension_weights[["Label", "Indicators", "Weight"]], "Dimension",
                            {"Indicators": "0", "Weight": "0.0000"},
                            notes=["Sum of the weights of each dimension's indicators."])
        dims.header[0][1] = "Sub-index"
        return [weights, dims]
    w = r.weights
    weights = _frame_block("weights_by_year", title("weights_by_year"), w, "Year", {c: "0.0000" for c in w.columns},
                           notes=[f"By-year entropy: the method within each year ({ent.regions} regions), "
                                  f"standardisation {how}, shift {s.shift:g}. The scores rank regions within a year "
                                  "and are not comparable across years."],
                           index_values=[int(y) for y in w.index])
    dw = r.dimension_weights
    dims = _frame_block("dimension_weights_by_year", title("dimension_weights_by_year"), dw, "Year",
                        {c: "0.0000" for c in dw.columns}, index_values=[int(y) for y in dw.index])
    return [weights, dims]


def _index_blocks(r: PanelStudyResult) -> list[Block]:
    s, t = r.settings, r.index_tables
    years = [int(y) for y in t.wide.columns]
    wide = t.wide.set_axis([str(y) for y in years], axis=1)
    blocks = [_frame_block("panel_index", title("panel_index", index_label=s.index_label), wide, "Region",
                           {c: "0.0000" for c in wide.columns},
                           notes=["Regions as rows, years as columns; an absent region-year is blank."
                                  + ("" if s.panel_entropy == "global" else
                                     " By-year entropy: compare regions within a year only.")])]
    if t.group_means is not None:
        gm = t.group_means.set_axis([str(int(y)) for y in t.group_means.columns], axis=1)
        blocks.append(_frame_block("group_means", title("group_means", index_label=s.index_label), gm, "Group",
                                   {c: "0.0000" for c in gm.columns},
                                   notes=["Mean index of the group's regions present in each year."]))
    ranks = t.ranks.astype(float).set_axis([str(y) for y in years], axis=1)  # an absent region-year: blank
    blocks.append(_frame_block("panel_ranks", title("panel_ranks"), ranks, "Region", {c: "0" for c in ranks.columns},
                               notes=["1 = highest index in the year; ties share the lowest rank."]))
    return blocks


def _long_block(r: PanelStudyResult) -> Block:
    s = r.settings
    long = r.index_tables.long.rename(columns={"Index": s.index_label})
    cols = [c for c in long.columns if c != REGION]
    fmts = {c: "0.0000" for c in cols if c not in ("Group", YEAR, "Rank")}
    fmts.update({YEAR: "0", "Rank": "0"})
    conv = ("global weights, so they add up to the index" if s.convention == "global"
            else "weights renormalised within each dimension")
    return _frame_block("panel_index_long", title("panel_index_long", index_label=s.index_label),
                        long[cols], REGION, fmts, notes=[f"Sub-indices: {conv}. Rank within the year."],
                        index_values=long[REGION].tolist())


def _baseline_block(r: PanelStudyResult) -> Block:
    s = r.settings
    return _panel_models_block(
        "panel_baseline", title("panel_baseline", depvar=r.dependent), r.baseline,
        [f"Columns add terms step by step: the index alone, plus controls (pooled OLS), plus fixed effects. "
         f"t statistics in parentheses. {cov_line(r)}; {star_legend(s.stars)}.", fe_line(r)])


def _heterogeneity_block(r: PanelStudyResult) -> Block:
    s = r.settings
    return _panel_models_block(
        "heterogeneity", title("heterogeneity", depvar=r.dependent), r.heterogeneity,
        [f"Column (k) replaces {s.index_label} by the sub-index named in its header, with the controls and the "
         f"fixed effects of the full model. t statistics in parentheses. {cov_line(r)}; {star_legend(s.stars)}."])


def _group_blocks(r: PanelStudyResult) -> list[Block]:
    s, g = r.settings, r.groups
    if g is None:
        reason = ("group_test = no" if s.group_test == "no" else "the Regions table gives no Group")
        return [Block("group_heterogeneity", title("group_heterogeneity", depvar=r.dependent), [["Note"]],
                      [[f"Not computed: {reason}."]])]
    models = _panel_models_block(
        "group_heterogeneity", title("group_heterogeneity", depvar=r.dependent), r.group_models,
        [f"One column per region group (its regions only), same model and fixed effects. t statistics in "
         f"parentheses. {cov_line(r)}; {star_legend(s.stars)}."])
    i = g.interaction
    body = [["Interaction (Chow-type)", f"{', '.join(i.terms)} = 0", None, None, _val(i.fvalue),
             f"F({i.df_num}, {i.df_den:g})", _val(i.pvalue), None, None]]
    fmts = [[None, None, None, None, "0.00", None, "0.0000", None, None]]
    for p in g.permutations:
        body.append([f"Permutation (bdiff): {p.group_a} − {p.group_b}", _val(p.coef_a), _val(p.coef_b),
                     _val(p.difference), None, f"{p.reps} reps, seed {p.seed}", _val(p.p_one_sided),
                     _val(p.p_two_sided), None])
        fmts.append([None, "0.0000", "0.0000", "0.0000", None, None, "0.000", "0.000", None])
    tests = Block("group_tests", title("group_tests"),
                  [["Test", "b(A) / terms", "b(B)", "b(A) − b(B)", "F", "df / replications", "p", "p (two-sided)",
                    None]], body, fmts,
                  [f"Variable tested: {g.variable}. Interaction: the pooled model with the same fixed effects and "
                   f"clustering, {g.variable if s.interact == 'variable' else 'every regressor'} × group "
                   f"(reference {i.reference}).",
                   f"Permutation: Fisher's test as Stata's bdiff, group labels reassigned among the regions (group sizes "
                   f"kept), {s.permutation_reps} replications, seed {s.permutation_seed}; p is the empirical share "
                   "of differences at least as large (one-sided, bdiff's), two-sided counts |d*| ≥ |d|."])
    return [models, tests]


def _log_blocks(r: PanelStudyResult, inputs) -> list[Block]:
    rows = [[k, v if isinstance(v, int | float | str) or v is None else str(v)]
            for k, v in r.settings.describe().items()]
    blocks = [Block("log_settings", "Settings used", [["Setting", "Value"]], rows,
                    notes=[f"Standard errors: {r.cov} ({cov_line(r)})."]),
              Block("log_versions", "Package versions", [["Package", "Version"]], _versions() +
                    [["linearmodels", _version("linearmodels")]])]
    design = getattr(inputs, "design", "") or (f"panel: {r.entropy.regions} regions × {r.entropy.years} years, "
                                                f"{r.entropy.rows} region-years")
    absent = r.entropy.absent
    blocks.append(Block("log_design", "Design", [["Design"]], [[design]]))
    blocks.append(Block("log_absent", "Absent region-years (unbalanced panel; never invented)", [[REGION, YEAR]],
                        [[a, int(y)] for a, y in absent.itertuples(index=False)] or [["none", None]]))
    imputed = []
    for _, c in r.imputed.iterrows():
        cell = inputs.address(c["table"], (c[REGION], c[YEAR]), c["column"]) if inputs is not None else ""
        imputed.append([cell or None, c["table"], c[REGION], _val(c[YEAR]), c["column"], _val(c["value"])])
    blocks.append(Block("log_imputed", f"Imputed cells ({r.settings.impute}, within each region along its years)",
                        [["Cell", "Table", REGION, YEAR, "Column", "Imputed value"]],
                        imputed or [["none", None, None, None, None, None]],
                        [[None, None, None, "0", None, "0.######"]] * max(len(imputed), 1)))
    reports = list(inputs.reports) if inputs is not None else []
    blocks.append(Block("log_cells", "Cells read from text", [["Cell", "Column", "Region-year", "Typed", "Read as"]],
                        [[c.cell, c.column, f"{c.row[0]} {row_label(c.row[1])}" if c.row else None, str(c.typed),
                          _val(c.value) if c.action == "coerced" else "missing"] for c in reports]
                        or [["none", None, None, None, None]]))
    blocks.append(Block("log_warnings", "Warnings", [["Note"]], [[w] for w in r.warnings] or [["none"]]))
    return blocks


def _version(pkg: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(pkg)
    except metadata.PackageNotFoundError:
        return "not installed"


def panel_result_blocks(result: PanelStudyResult, inputs=None) -> dict[str, list[Block]]:
    """Every result sheet of a panel study (:data:`PANEL_RESULT_SHEETS`) as its list of blocks."""
    from .companion_blocks import companion_blocks

    return {
        "Weights": _weights_blocks(result),
        "Index": _index_blocks(result),
        "Index (long)": [_long_block(result)],
        "Descriptives": [_descriptives_block(result)],
        "VIF": [_vif_block(result)],
        "Baseline": [_baseline_block(result)],
        "Heterogeneity": [_heterogeneity_block(result)],
        "Groups": _group_blocks(result),
        **companion_blocks(result),  # the companion sheets (issue 12), before the Log
        "Log": _log_blocks(result, inputs),
    }

