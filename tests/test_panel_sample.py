"""The ILLUSTRATIVE 31-province panel: the shipped CSVs are the generator's output, the regions and groups
are the NBS four-region division, and the engine runs a whole panel study on it."""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd

from dnqp.engine.panel import panel_entropy, panel_index_tables
from dnqp.engine.panel_groups import group_heterogeneity
from dnqp.engine.panel_regression import panel_describe, panel_ols, panel_vif
from dnqp.engine.panel_sample import GROUP_SOURCE, PROVENANCE, REGIONS, YEARS, generate, load_panel_sample
from dnqp.engine.sample import INDICATORS, MODEL

# NBS, 东西中部和东北地区划分方法 (2011), typed here from the division itself, not from dnqp's table.
NBS = {
    "East": {"Beijing", "Tianjin", "Hebei", "Shanghai", "Jiangsu", "Zhejiang", "Fujian", "Shandong", "Guangdong",
             "Hainan"},
    "Central": {"Shanxi", "Anhui", "Jiangxi", "Henan", "Hubei", "Hunan"},
    "West": {"Inner Mongolia", "Guangxi", "Chongqing", "Sichuan", "Guizhou", "Yunnan", "Tibet", "Shaanxi", "Gansu",
             "Qinghai", "Ningxia", "Xinjiang"},
    "Northeast": {"Liaoning", "Jilin", "Heilongjiang"},
}


def test_shipped_panel_sample_is_the_generators_output():
    shipped, fresh = load_panel_sample(), generate()
    for key in ("data", "variables"):
        pd.testing.assert_frame_equal(shipped[key].astype(float), fresh[key].astype(float), check_names=False)
    for key in ("regions", "indicators", "model"):
        pd.testing.assert_frame_equal(shipped[key], fresh[key].astype(str), check_dtype=False)
    base = resources.files("dnqp.engine") / "data"
    for name in ("panel_regions", "panel_indicators", "panel_data", "panel_variables", "panel_model"):
        first = (base / f"{name}.csv").read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("# ILLUSTRATIVE") and "NOT official statistics" in first, name
    assert "ILLUSTRATIVE" in PROVENANCE and "National Bureau of Statistics" in GROUP_SOURCE


def test_regions_are_the_nbs_four_region_division():
    assert len(REGIONS) == 31 and REGIONS["Region"].is_unique
    got = {g: set(REGIONS.loc[REGIONS["Group"] == g, "Region"]) for g in NBS}
    assert got == NBS
    s = load_panel_sample()
    assert s["data"].shape == (31 * 12, 10) and sorted(s["data"].index.get_level_values(1).unique()) == YEARS
    assert list(s["indicators"]["Code"]) == list(INDICATORS["Code"])
    assert list(s["indicators"]["Direction"]) == list(INDICATORS["Direction"])
    assert list(s["model"]["Variable"]) == list(MODEL["Variable"])
    assert int(s["data"].isna().sum().sum()) == 2


def test_a_panel_study_runs_on_the_sample():
    s = load_panel_sample()
    dirs = s["indicators"].set_index("Code")["Direction"]
    dims = s["indicators"].set_index("Code")["Dimension"]
    ent = panel_entropy(s["data"], dirs)
    assert ent.rows == 372 and ent.balanced and len(ent.imputed) == 2
    assert set(ent.imputed["Region"]) == {"Hebei", "Gansu"}
    # Independent recomputation of the global weights (k = 1/ln 372), after the same within-region imputation.
    x = s["data"].copy()
    x = x.fillna(x.groupby(level="Region").transform("mean")).to_numpy()
    signs = np.where(dirs.to_numpy() == "+", 1.0, -1.0)
    lo, hi = x.min(0), x.max(0)
    z = np.where(signs > 0, x - lo, hi - x) / (hi - lo)
    p = z / z.sum(0)
    e = -np.where(p > 0, p * np.log(np.where(p > 0, p, 1)), 0).sum(0) / np.log(372)
    np.testing.assert_allclose(ent.weights.to_numpy(), (1 - e) / (1 - e).sum(), rtol=1e-12)

    v = s["variables"]
    a = pd.DataFrame({"lnUpgrade": np.log(v.Upgrade), "DNQP": ent.scores, "lnPort": np.log(v.Port),
                      "Struc": v.Struc, "lnResearch": np.log(v.Research), "lnOpen": np.log(v.Open), "Gov": v.Gov})
    xs = a.columns[1:]
    r = panel_ols(a.lnUpgrade, a[xs])
    assert r.nobs == 372 and r.n_clusters == 31 and r.pvalues["DNQP"] < 0.01
    groups = s["regions"].set_index("Region")["Group"]
    h = group_heterogeneity(a.lnUpgrade, a[xs], groups, reps=100)
    assert h.groups == ("East", "Central", "West", "Northeast")
    assert h.subsamples["East"].params["DNQP"] > h.subsamples["West"].params["DNQP"]  # the generator's design
    t = panel_index_tables(ent.scores, ent.subindices(dims), groups)
    assert t.wide.shape == (31, 12) and list(t.group_means.index) == ["East", "Central", "West", "Northeast"]
    assert panel_describe(a).loc["DNQP", "Obs"] == 372
    assert panel_vif(a[xs]).index[-1] == "Mean VIF"
