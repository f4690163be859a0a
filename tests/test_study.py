"""The whole study on the shipped sample, and its input checks."""

import numpy as np
import pandas as pd
import pytest

from dnqp import DataError, Settings, SettingsError, entropy_weights, impute, ols, run_study, vif
from dnqp.engine.sample import DIMENSION_LABELS, PROVENANCE, generate, load_sample


@pytest.fixture(scope="module")
def sample():
    return load_sample()


@pytest.fixture(scope="module")
def study(sample):
    return run_study(sample["indicators"], sample["data"], sample["variables"], sample["model"],
                     dimension_labels=DIMENSION_LABELS)


def test_shipped_sample_is_the_generators_output(sample):
    fresh = generate()
    for key in ("data", "variables"):
        pd.testing.assert_frame_equal(sample[key].astype(float), fresh[key].astype(float), check_names=False)
    assert list(sample["indicators"]["Code"]) == list(fresh["indicators"]["Code"])
    assert "Illustrative" in PROVENANCE or "illustrative" in PROVENANCE.lower()


def test_sample_stays_within_the_papers_table3_ranges(study):
    table3 = {"lnUpgrade": (11.59, 12.376), "lnPort": (9.521, 10.315), "lnStruc": (39.9, 48.7),
              "lnResearch": (9.313, 10.529), "lnOpen": (8.208, 11.091), "lnGov": (0.036, 0.052)}
    d = study.descriptives
    for var, (lo, hi) in table3.items():
        assert lo <= d.loc[var, "Min"] and d.loc[var, "Max"] <= hi, var
    assert (d["Obs"] == 15).all()


def test_study_tables_agree_with_the_engine_called_directly(sample, study):
    imputed = impute(sample["data"], "mean")
    assert len(study.imputed) == 2 and set(study.imputed["column"]) == {"A2", "D2"}
    ind = sample["indicators"].set_index("Code")
    ent = entropy_weights(imputed.data, ind["Direction"])
    pd.testing.assert_series_equal(study.weights["Weight w"], ent.weights, check_names=False)
    np.testing.assert_allclose(study.index["DNQP"], ent.scores)
    # Global sub-indices add up to the index; dimension weights add up to 1.
    np.testing.assert_allclose(study.index[["Infra", "Inno", "Ind", "Green"]].sum(axis=1), study.index["DNQP"])
    assert study.dimension_weights["Weight"].sum() == pytest.approx(1.0)
    # The baseline is the regression of lnUpgrade on DNQP and the controls as the Model table says.
    v = sample["variables"]
    X = pd.DataFrame({"DNQP": ent.scores.to_numpy(), "lnPort": np.log(v["Port"]).to_numpy(),
                      "lnStruc": v["Struc"].to_numpy(), "lnResearch": np.log(v["Research"]).to_numpy(),
                      "lnOpen": np.log(v["Open"]).to_numpy(), "lnGov": v["Gov"].to_numpy()})
    direct = ols(pd.Series(np.log(v["Upgrade"]).to_numpy(), name="lnUpgrade"), X)
    np.testing.assert_allclose(study.baseline.params.to_numpy(), direct.params.to_numpy(), rtol=1e-12)
    pd.testing.assert_frame_equal(study.vif, vif(X))
    assert study.baseline.nobs == 15 and study.baseline.df_resid == 8


def test_heterogeneity_has_a_column_per_dimension_labelled_from_the_data(study):
    t = study.heterogeneity_table
    assert list(t.columns) == ["(1) Infra", "(2) Inno", "(3) Ind", "(4) Green"]
    assert len(study.heterogeneity) == 4
    for col, r, label in zip(t.columns, study.heterogeneity, ["Infra", "Inno", "Ind", "Green"]):
        assert r.params.index[0] == label
        assert t.loc[("Sub-index", "coef"), col].startswith(f"{r.params[label]:.4f}")
        assert t.loc[("Observations", ""), col] == "15"
    assert set(study.tables()) == {"Weights", "Dimension weights", "Index", "Descriptives", "VIF", "Baseline",
                                   "Heterogeneity"}


def test_settings_change_the_method(sample):
    base = dict(indicators=sample["indicators"], data=sample["data"], variables=sample["variables"],
                model=sample["model"])
    within = run_study(**base, settings={"convention": "within", "cov": "HC1", "impute": "linear"})
    assert within.settings.cov == "HC1"
    assert within.baseline.cov_type == "HC1"
    assert not np.allclose(within.index.iloc[:, 1:].sum(axis=1), within.index.iloc[:, 0])
    with pytest.raises(SettingsError):
        Settings(impute="median")
    with pytest.raises(SettingsError):
        Settings.from_mapping({"colour": "red"})
    with pytest.raises(SettingsError):
        Settings(stars=(0.01, 0.05))


def test_year_mismatch_and_duplicates_are_named(sample):
    v = sample["variables"].drop(index=2016)
    with pytest.raises(DataError, match="year 2016 is in Data but not in Variables"):
        run_study(sample["indicators"], sample["data"], v, sample["model"])
    d = pd.concat([sample["data"], sample["data"].iloc[[3]]])
    with pytest.raises(DataError, match=r"Data: the year 2013 appears twice \(also row 4\)"):
        run_study(sample["indicators"], d, sample["variables"], sample["model"])


def test_years_out_of_order_are_sorted_with_a_note(sample, study):
    d = sample["data"].iloc[::-1]
    r = run_study(sample["indicators"], d, sample["variables"], sample["model"], dimension_labels=DIMENSION_LABELS)
    np.testing.assert_allclose(r.index["DNQP"], study.index["DNQP"])
    assert any("sorted" in w for w in r.warnings)


def test_model_and_indicator_table_errors(sample):
    m = sample["model"].copy()
    m.loc[0, "Role"] = "control"
    with pytest.raises(DataError, match="exactly one variable as dependent"):
        run_study(sample["indicators"], sample["data"], sample["variables"], m)
    ind = sample["indicators"].copy()
    ind.loc[3, "Direction"] = "up"
    with pytest.raises(Exception, match=r"\(indicator B2\): direction 'up'"):
        run_study(ind, sample["data"], sample["variables"], sample["model"])
    data = sample["data"].drop(columns="C1")
    with pytest.raises(DataError, match="indicator C1 has no column in the data"):
        run_study(sample["indicators"], data, sample["variables"], sample["model"])
    v = sample["variables"].copy()
    v.loc[2015, "Port"] = -5
    with pytest.raises(Exception, match="variable Port, row 2015: value -5 is not positive"):
        run_study(sample["indicators"], sample["data"], v, sample["model"])


def test_constant_indicator_in_a_study(sample):
    d = sample["data"].copy()
    d["B3"] = 20.0
    with pytest.raises(Exception, match="indicator B3 is constant over 2010–2024"):
        run_study(sample["indicators"], d, sample["variables"], sample["model"])
    r = run_study(sample["indicators"], d, sample["variables"], sample["model"], settings={"constant": "drop"})
    assert "B3" not in r.weights.index
    assert any("B3" in w for w in r.warnings)


def test_indicator_constant_after_imputation_and_entirely_missing(sample):
    d = sample["data"].copy()
    d["B3"] = 20.0
    d.loc[2012, "B3"] = np.nan
    with pytest.raises(Exception, match=r"indicator B3 is constant over 2010–2024 once its 1 missing value\(s\) "
                                        r"are imputed \(mean\)"):
        run_study(sample["indicators"], d, sample["variables"], sample["model"])
    d["B3"] = np.nan
    with pytest.raises(DataError, match="indicator B3 has no values at all"):
        run_study(sample["indicators"], d, sample["variables"], sample["model"])
