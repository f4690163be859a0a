"""dnqp audit: the seed paper's tables (hand-checked, see engine/data/seed_table*.md) and independent tables
printed from statsmodels fits, exact (never flagged) or with one planted slip beyond rounding (always flagged)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest
import statsmodels.api as sm
from hypothesis import example, HealthCheck, assume, given, settings, strategies as st

from dnqp.cli import AUDIT_FOUND, main
from dnqp.engine.audit import audit_table, example_table, parse_printed
from dnqp.errors import DataError

DATA = Path(__file__).parents[1] / "src" / "dnqp" / "engine" / "data"


def _rows(name):
    return list(csv.reader((DATA / name).read_text(encoding="utf-8").splitlines()))


# ------------------------------------------------------------------------------------ the seed's tables
def test_seed_table4_flags_f_and_lnstruc_p_only():
    r = audit_table(example_table())
    assert [(f.item, f.check) for f in r.findings] == [("lnStruc", "p"), ("F-test", "F")]
    assert r.df_resid == 8 and r.nobs == 15 and r.k == 6
    f = r.findings[1]
    # hand check: (0.9643/6)/(0.0357/8) = 36.01; R² ∈ [0.96425, 0.96435] → F ∈ [35.96, 36.07]
    assert f.low == pytest.approx(35.96, abs=0.01) and f.high == pytest.approx(36.07, abs=0.01)
    p = r.findings[0]
    # t = 0.0312/0.0168 = 1.857 with 8 df: p = 0.100 (Stata: display 2*ttail(8, 1.857) = .10031)
    assert p.low < 0.1003 < p.high and p.low > 0.095


def test_seed_table4_k_is_counted_when_absent():
    rows = [r for r in example_table() if r and r[0] != "k"]
    assert [f.item for f in audit_table(rows).findings] == ["lnStruc", "F-test"]


def test_seed_table4_dnqp_not_flagged_but_strict_reading_flags_padding():
    loose = audit_table(example_table())
    assert "DNQP" not in [f.item for f in loose.findings]
    strict = audit_table(example_table(), padded=False)
    # 3.1500 and 0.0140 taken at their word are not 1.6890/0.5370 = 3.1453 and p = 0.0137
    assert ("DNQP", "t") in [(f.item, f.check) for f in strict.findings]


def test_seed_table5_esttab_layout():
    r = audit_table(_rows("seed_table5.csv"))
    got = [(f.item, f.check) for f in r.findings]
    assert got == [("(1)lnInfra F-test", "F"), ("(2)lnInfra lnPort", "sign"), ("(2)lnInfra _cons", "stars"),
                   ("(2)lnInfra F-test", "F"), ("(3)lnInd F-test", "F"), ("(4)lnGreen lnGov", "stars")]


def test_cli_exit_codes(tmp_path, capsys):
    assert main(["audit", str(DATA / "seed_table4.csv")]) == AUDIT_FOUND
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 2 and "56.19" in out[1] and "lnStruc" in out[0]
    good = tmp_path / "good.csv"
    good.write_text("term,Coef.,Std. Err.,t,P>|t|\nx,1.6890**,0.5370,3.15,0.014\n_cons,1.0,0.5,2.00,0.081\n"
                    "Observations,10\nR-squared,0.5529\nF-test,9.89\n", encoding="utf-8")
    assert main(["audit", str(good)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 1 and "consistent" in out[0]
    bad = tmp_path / "bad.csv"
    bad.write_text("term,Coef.,P>|t|\nx,1.2,0.01\nObservations,10\n", encoding="utf-8")
    assert main(["audit", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Std. Err." in err


def test_xlsx_sheet_is_read_through_its_number_formats(tmp_path):
    import xlsxwriter

    path = tmp_path / "t4.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("Table 4")
    f4, f2 = wb.add_format({"num_format": "0.0000"}), wb.add_format({"num_format": "0.00"})
    star2 = wb.add_format({"num_format": '0.0000"**"'})
    ws.write_row(0, 0, ["", "Coef.", "Std. Err.", "t", "P>|t|"])
    ws.write(1, 0, "lnStruc")
    ws.write_number(1, 1, 0.0312, wb.add_format({"num_format": '0.0000"*"'}))
    ws.write_number(1, 2, 0.0168, f4)
    ws.write_number(1, 3, 1.86, f4)
    ws.write_number(1, 4, 0.095, f4)
    ws.write(2, 0, "DNQP")
    ws.write_number(2, 1, 1.689, star2)
    ws.write_number(2, 2, 0.537, f4)
    ws.write_number(2, 3, 3.15, f4)
    ws.write_number(2, 4, 0.014, f4)
    for i, (lab, v, f) in enumerate([("Observations", 15, None), ("k", 6, None), ("R-squared", 0.9643, f4),
                                     ("F-test", 56.19, f2)]):
        ws.write(3 + i, 0, lab)
        ws.write_number(3 + i, 1, v, f)
    wb.close()
    assert main(["audit", str(path), "--sheet", "Table 4"]) == AUDIT_FOUND
    from dnqp.workbook.printed import read_printed_table

    rows = read_printed_table(path)
    assert rows[2][1] == "1.6890**" and rows[1][4] == "0.0950"
    assert [f.item for f in audit_table(rows).findings] == ["lnStruc", "F-test"]


@pytest.mark.parametrize("rows, word", [
    ([["", "b", "t", "p"], ["x", "1.2", "2.0", "0.08"], ["R-squared", "0.5"]], "Observations"),
    ([["", "Std. Err.", "t"], ["x", "0.2", "2.0"]], "Coef."),
    ([["term", "Coef.", "Std. Err."], ["x", "abc", "0.2"]], "'abc'"),
    ([["term", "Coef.", "Std. Err.", "t"], ["x", "1", "0.5", "2"], ["Observations", "10"], ["F", "3.2"]],
     "R-squared"),
    ([], "empty"),
])
def test_bad_tables_name_what_is_missing(rows, word):
    with pytest.raises(DataError, match=word.replace("(", r"\(")):
        audit_table(rows)


def test_parse_printed_forms():
    assert parse_printed("（-0.32）").value == -0.32
    assert parse_printed(".0387").value == pytest.approx(0.0387)
    assert parse_printed("−1.94").value == -1.94
    assert parse_printed("13.2562***").stars == 3
    assert parse_printed(0.014).high == pytest.approx(0.0145)


# ---------------------------------------------------------- independent tables printed from statsmodels
def _fit(seed: int, n: int, k: int, noise: float):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, k))
    beta = rng.uniform(-2, 2, size=k)
    y = 1.0 + X @ beta + rng.normal(scale=noise, size=n)
    return sm.OLS(y, sm.add_constant(X)).fit()


def _stars(p):
    return "*" * sum(p < t for t in (0.10, 0.05, 0.01))


def _printed(fit, t_dec=2, p_dec=3):
    """The table as Stata + a journal print it: coef and SE with 4 decimals, t with t_dec, p with p_dec."""
    names = [f"x{j}" for j in range(1, len(fit.params))] + ["_cons"]
    order = list(range(1, len(fit.params))) + [0]
    rows = [["", "Coef.", "Std. Err.", "t", "P>|t|"]]
    for name, j in zip(names, order):
        rows.append([name, f"{fit.params[j]:.4f}{_stars(fit.pvalues[j])}", f"{fit.bse[j]:.4f}",
                     f"{fit.tvalues[j]:.{t_dec}f}", f"{fit.pvalues[j]:.{p_dec}f}"])
    rows += [["Observations", str(int(fit.nobs))], ["R-squared", f"{fit.rsquared:.4f}"],
             ["Adj R-squared", f"{fit.rsquared_adj:.4f}"], ["F", f"{fit.fvalue:.2f}"],
             ["Prob > F", f"{fit.f_pvalue:.4f}"]]
    return rows


FITS = dict(seed=st.integers(0, 10_000), n=st.integers(12, 60), k=st.integers(1, 5),
            noise=st.floats(0.3, 4.0))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**FITS, t_dec=st.sampled_from([2, 3, 4]), p_dec=st.sampled_from([3, 4]), padded=st.booleans())
def test_exact_tables_are_never_flagged(seed, n, k, noise, t_dec, p_dec, padded):
    assume(n - k - 1 >= 3)
    fit = _fit(seed, n, k, noise)
    assume(min(fit.bse) >= 0.01)  # an SE printed 0.0000 bounds no t
    r = audit_table(_printed(fit, t_dec, p_dec), padded=padded)
    assert r.consistent, r.lines()
    assert r.df_resid == n - k - 1


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**FITS, which=st.sampled_from(["t", "p", "F", "stars", "adj"]), factor=st.floats(1.25, 3.0),
       term=st.integers(0, 10))
@example(seed=1534, n=12, k=1, noise=3.296875, which="p", factor=2.0, term=0)  # a padded t (-2.00) hid a p slip
def test_a_planted_slip_beyond_rounding_is_flagged(seed, n, k, noise, which, factor, term):
    assume(n - k - 1 >= 3)
    fit = _fit(seed, n, k, noise)
    assume(min(fit.bse) >= 0.05 and 0.05 < fit.rsquared < 0.97)
    rows = _printed(fit)
    i = 1 + term % k  # a regressor's row
    if which == "t":
        t = fit.tvalues[1 + term % k]
        assume(abs(t) > 0.5)
        rows[i][3] = f"{t * factor:.2f}"
    elif which == "p":
        p = fit.pvalues[1 + term % k]
        assume(0.02 < p < 0.6)
        slipped = p * factor if p * factor < 1 else p / factor
        assume(abs(slipped - p) > 0.02)  # beyond 0.0005 of print and the padding of a zero
        rows[i][4] = f"{slipped:.3f}"
    elif which == "F":
        rows[-2][1] = f"{fit.fvalue * factor:.2f}"
    elif which == "adj":
        slipped = fit.rsquared_adj - 0.05 * factor
        rows[-3][1] = f"{slipped:.4f}"
    else:
        p = fit.pvalues[1 + term % k]
        assume(p > 0.12)
        rows[i][1] = rows[i][1].rstrip("*") + "**"
    r = audit_table(rows)
    assert not r.consistent
    assert {"t": "t", "p": "p", "F": "F", "stars": "stars", "adj": "adj R²"}[which] in [f.check for f in r.findings]


def test_worksheet_function_takes_the_values_excel_sends():
    from dnqp.excel.functions_audit import DNQP_AUDIT

    # desktop Excel sends 0.0140 as 0.014 and 15 as 15.0; stars make the coefficient text
    rows = [["", "Coef.", "Std. Err.", "t", "P>|t|"], ["lnStruc", "0.0312*", 0.0168, 1.86, 0.095],
            ["DNQP", "1.6890**", 0.537, 3.15, 0.014], ["Observations", 15.0, None, None, None],
            ["k", 6.0, None, None, None], ["R-squared", 0.9643, None, None, None], ["F-test", 56.19, None, None, None]]
    out = DNQP_AUDIT(rows)
    assert [r[0].split(":")[0] for r in out] == ["lnStruc", "F-test"]
    import xlwings as xw

    with pytest.raises(xw.XlwingsError, match="Coef"):
        DNQP_AUDIT([["", "x"], ["a", 1]])


def test_chinese_headings_and_two_line_cells():
    rows = [["变量", "系数", "标准误", "t值", "P值"], ["DNQP", "1.6890**", "0.5370", "3.15", "0.014"],
            ["lnStruc", "0.0312*", "0.0168", "1.86", "0.095"], ["常数项", "13.2562***", "2.2754", "5.83", "0.000"],
            ["观测值", "15"], ["k", "6"], ["R²", "0.9643"], ["F值", "56.19"]]
    assert [f.item for f in audit_table(rows).findings] == ["lnStruc", "F值"]
    # esttab cells holding the coefficient and its t on two lines, as pasted from Word
    rows = [["", "(1)", "(2)"], ["x", "2.7704**\n（2.90）", "-0.2804**\n（3.29）"], ["_cons", "1.0\n(0.50)", "1.0\n(0.50)"],
            ["Observations", "15", "15"], ["k", "6", "6"]]
    r = audit_table(rows)
    assert [(f.item, f.check) for f in r.findings] == [("(2) x", "sign")]


def test_f_with_its_degrees_of_freedom_in_the_label():
    rows = [["", "Coef.", "Std. Err."], ["x", "1.0", "0.5"], ["Observations", "15"], ["R-squared", "0.9643"],
            ["F(6, 9)", "36.01"]]
    r = audit_table(rows)
    assert r.k == 6 and [f.check for f in r.findings] == ["df"]


def test_stars_in_their_own_column_and_tables_without_stars():
    head = ["", "Coef.", "Std. Err.", "t", "P>|t|", "Sig."]
    rows = [head, ["x", "0.0239", "0.0083", "2.87", "0.021", "**"], ["z", "1.0", "0.9", "1.11", "0.299", ""],
            ["Observations", "15"], ["k", "6"]]
    assert audit_table(rows).consistent
    rows[1][5] = "***"  # p = 0.021 earns two stars, not three
    assert [(f.item, f.check) for f in audit_table(rows).findings] == [("x", "stars")]
    plain = [r[:5] for r in rows]  # a table that prints no stars at all: none is missing
    assert audit_table(plain).consistent
    spss = [["", "B", "Std. Error", "t", "Sig."], ["x", "0.0239", "0.0083", "2.87", "0.210"], ["N", "15"], ["k", "6"]]
    assert [(f.item, f.check) for f in audit_table(spss).findings] == [("x", "p")]  # SPSS's Sig. is a p-value
