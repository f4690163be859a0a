"""One table builder: the esttab-style table is built once (numbers, stars, labels) and every surface —
the terminal, the results workbook and ribbon sheets, DNQP_TABLE — renders the same table, title and legend.

References: the coefficients, t statistics, p-values and VIFs are checked against statsmodels (a peer
implementation), not against dnqp's own output."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

import dnqp
from dnqp.engine.regression import ols
from dnqp.terminal import print_study
from dnqp.engine.sample import DIMENSION_LABELS, load_sample
from dnqp.engine.tables import CORE_ROW, TITLES, build_model_table, star_legend, title
from dnqp.errors import ModelError
from dnqp.excel import functions as udfs
from dnqp.workbook.blocks import result_blocks


def _study(**settings):
    s = load_sample()
    return dnqp.run_study(s["indicators"], s["data"], s["variables"], s["model"], settings or None,
                          dimension_labels=DIMENSION_LABELS)


@pytest.fixture(scope="module")
def study():
    return _study()


def _statsmodels(study, core):
    import statsmodels.api as sm
    from statsmodels.stats.outliers_influence import variance_inflation_factor

    a = study.analysis_data
    controls = [c for c in study.baseline.params.index[1:] if c != "_cons"]
    X = sm.add_constant(a[[core, *controls]])
    fit = sm.OLS(a[study.dependent], X).fit()
    vifs = [variance_inflation_factor(X.to_numpy(), j) for j in range(1, X.shape[1])]
    return fit, float(np.mean(vifs))


def test_model_table_numbers_agree_with_statsmodels(study):
    t = study.heterogeneity_model
    rows = {(r.term, r.kind): r for r in t.rows}
    subs = list(study.index.columns[1:])
    for j, core in enumerate(subs):
        fit, mean_vif = _statsmodels(study, core)
        coef, tstat = rows[(CORE_ROW, "coef")], rows[(CORE_ROW, "t")]
        assert coef.values[j] == pytest.approx(fit.params[core], rel=1e-9)
        assert tstat.values[j] == pytest.approx(fit.tvalues[core], rel=1e-9)
        assert coef.stars[j] == sum(fit.pvalues[core] < lv for lv in (0.10, 0.05, 0.01))
        assert rows[("_cons", "coef")].values[j] == pytest.approx(fit.params["const"], rel=1e-9)
        assert rows[("Observations", "stat")].values[j] == fit.nobs
        assert rows[("R-squared", "stat")].values[j] == pytest.approx(fit.rsquared, rel=1e-9)
        assert rows[("F", "stat")].values[j] == pytest.approx(fit.fvalue, rel=1e-9)
        assert rows[("Mean VIF", "stat")].values[j] == pytest.approx(mean_vif, rel=1e-9)


@pytest.mark.parametrize("stars", ["0.10, 0.05, 0.01", "0.05, 0.01, 0.001", "0.2, 0.1"])
def test_every_surface_renders_the_same_table_and_legend(stars):
    from rich.console import Console

    study = _study(stars=tuple(float(x) for x in stars.split(",")))
    t = study.heterogeneity_model
    legend = star_legend(study.settings.stars)
    assert t.legend == legend
    # the workbook: numbers with formats that show exactly the builder's stars
    block = result_blocks(study)["Heterogeneity"][0]
    assert block.title == title("heterogeneity", depvar=study.dependent)
    assert legend in block.notes[0]
    for row, body, fmts in zip(t.rows, block.body, block.formats):
        assert body[0] == row.label
        assert body[1:] == [None if v is None else v for v in row.values]
        if row.kind == "coef":
            assert [f.count("*") for f in fmts[1:]] == list(row.stars)
    # the text rendering: the same stars, the same rows
    frame = study.heterogeneity_table
    assert [k for k, _ in frame.index] == [r.term for r in t.rows]
    coef_text = frame.xs("coef", level="stat")
    for row in (r for r in t.rows if r.kind == "coef"):
        assert [s.count("*") for s in coef_text.loc[row.term]] == list(row.stars)
    # the terminal: the workbook's titles and the same legend
    out = io.StringIO()
    print_study(study, Console(file=out, width=200))
    text = " ".join(out.getvalue().split())  # captions wrap at the table width
    for key, b in (("heterogeneity", block), ("baseline", result_blocks(study)["Baseline"][0])):
        assert " ".join(b.title.split()) in text
    assert text.count(legend) >= 2  # baseline and heterogeneity


def test_worksheet_table_legend_and_rows(study):
    a = study.analysis_data
    subs = list(study.index.columns[1:])
    controls = [c for c in study.baseline.params.index[1:] if c != "_cons"]

    def grid(df):
        return [list(df.columns)] + df.to_numpy().tolist()

    out = udfs.DNQP_TABLE(grid(a[[study.dependent]]), grid(a[subs]), grid(a[controls]))
    assert out[-1][0] == (f"t statistics in parentheses; {star_legend((0.10, 0.05, 0.01))}; "
                          "classical (OLS) standard errors")
    assert [r[1:] for r in out[1:-1]] == study.heterogeneity_table.to_numpy().tolist()


def test_titles_are_one_per_table(study):
    blocks = result_blocks(study)
    shown = {b.key: b.title for bs in blocks.values() for b in bs}
    for key in TITLES:
        names = {"index_label": study.settings.index_label, "depvar": study.dependent}
        assert shown[key] == title(key, **names)


def test_a_renamed_row_never_merges_two_terms():
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6, 7], "b": [2.0, 1, 4, 3, 6, 5, 8]})
    y = pd.Series([1.0, 3, 2, 5, 4, 7, 6], name="y")
    fit = ols(y, x)
    with pytest.raises(ModelError, match="the terms a and b of one model would share the row b"):
        build_model_table([fit], rename={"a": "b"})
    # models differing in their core regressor share one row, and keep the controls apart
    fits = [ols(y, x[["a"]]), ols(y, x[["b"]])]
    t = build_model_table(fits, rename={"a": CORE_ROW, "b": CORE_ROW})
    assert [r.term for r in t.rows][:2] == [CORE_ROW, CORE_ROW]
    assert t.rows[0].values == (pytest.approx(fits[0].params["a"]), pytest.approx(fits[1].params["b"]))


def test_mean_vif_blank_with_one_regressor():
    x = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6]})
    y = pd.Series([1.0, 3, 2, 5, 4, 7], name="y")
    t = build_model_table([ols(y, x)])
    assert t.rows[-1].term == "Mean VIF" and t.rows[-1].values == (None,)
    assert t.frame().loc[("Mean VIF", "")].tolist() == [""]
