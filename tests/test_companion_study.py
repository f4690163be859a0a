"""The companion measures inside a study (issue 12's integration): the ``companions`` setting, run_companions'
numbers against independent NumPy implementations of the published formulas on the study's own standardised
data, bad settings reported at their Settings cell, the result sheets (three-line tables, native charts) and
the terminal."""

from __future__ import annotations

import io
import zipfile
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from dnqp import run_study
from dnqp.engine.companion.study import CompanionResults, companion_list, run_companions
from dnqp.engine.entropy import entropy_weights
from dnqp.engine.sample import DIMENSION_LABELS, load_sample
from dnqp.engine.settings import COMPANION_MEASURES, REGISTRY, Settings
from dnqp.errors import SettingsError
from dnqp.workbook.blocks import RESULT_SHEETS, result_blocks
from dnqp.workbook.companion_blocks import COMPANION_SHEETS, companion_blocks
from dnqp.workbook.grid import parse_grids
from dnqp.workbook.template import template_grids


def _study(**settings):
    s = load_sample()
    return run_study(s["indicators"], s["data"], s["variables"], s["model"], settings or None,
                     dimension_labels=DIMENSION_LABELS)


@pytest.fixture(scope="module")
def study_all():
    return _study(companions="all")


def test_off_by_default_and_results_unchanged(sample_study):
    assert Settings().companions == "none" and not sample_study.companions
    assert list(result_blocks(sample_study)) == list(RESULT_SHEETS)
    on = _study(companions="topsis")
    pd.testing.assert_frame_equal(on.index, sample_study.index)  # the study's own tables do not move
    assert list(result_blocks(on)) == [*RESULT_SHEETS[:-1], "TOPSIS", "Log"]


def test_companion_settings_are_a_registry_group():
    comp = [s for s in REGISTRY.values() if s.group == "companion"]
    assert comp[0].name == "companions" and all(s.en and s.zh for s in comp)
    assert {s.name for s in comp if s.applies == "panel"} == {"topsis_panel", "kde_kernel", "kde_bandwidth",
                                                               "kde_years"}


def test_companion_list():
    assert companion_list("none") == ((), []) and companion_list("") == ((), [])
    assert companion_list("all", panel=True, groups=True)[0] == COMPANION_MEASURES
    wanted, notes = companion_list("all", panel=True)
    assert "dagum" not in wanted and "theil" in wanted and "Group" in notes[0]
    with pytest.raises(SettingsError, match=r"^setting companions = 'topsis, gini': 'gini' is not one of none, all"):
        companion_list("topsis, gini")
    with pytest.raises(SettingsError, match=r"^setting companions = 'kde': kde \(the kernel density\) needs a panel"):
        companion_list("kde")
    with pytest.raises(SettingsError, match=r"needs a Group for every region"):
        companion_list("dagum", panel=True)


def _within(study) -> pd.DataFrame:
    """Sub-indices with the weights renormalised in each dimension, written out here."""
    z, w = study.entropy.standardized, study.entropy.weights
    dims = study.indicators["Dimension"].map(dict(zip(study.dimension_weights.index,
                                                      study.dimension_weights["Label"])))
    return pd.DataFrame({d: (z[c] * w[c]).sum(axis=1) / w[c].sum()
                         for d, c in ((d, list(dims[dims == d].index)) for d in dict.fromkeys(dims))})


def test_numbers_against_the_published_formulas(study_all):
    c, r = study_all.companions, study_all
    assert c.measures == ("weights", "topsis", "coupling", "obstacle", "grey")
    z = r.entropy.standardized.to_numpy()
    w = r.entropy.weights.to_numpy()
    # the weight comparison: its entropy column is the study's weights; each column sums to 1
    np.testing.assert_allclose(c.weights.weights["entropy"], r.weights["Weight w"], rtol=1e-12)
    np.testing.assert_allclose(c.weights.weights.sum(), 1.0, rtol=1e-12)
    np.testing.assert_allclose(c.weights.scores["entropy"], r.index["DNQP"], rtol=1e-12)
    # TOPSIS (Hwang & Yoon): V = w·z, ideal = column max (z already reverses cost indicators)
    v = z * w
    dp = np.sqrt(((v - v.max(0)) ** 2).sum(1))
    dm = np.sqrt(((v - v.min(0)) ** 2).sum(1))
    np.testing.assert_allclose(c.topsis.closeness, dm / (dp + dm), rtol=1e-12)
    # coupling of the four sub-indices (within-dimension scale): C = n(ΠU)^(1/n)/ΣU, T = mean, D = √(CT)
    u = _within(r).to_numpy()
    n = u.shape[1]
    cc = n * np.prod(u, axis=1) ** (1 / n) / u.sum(1)
    np.testing.assert_allclose(c.coupling.coupling, cc, rtol=1e-10)
    np.testing.assert_allclose(c.coupling.degree, np.sqrt(cc * u.mean(1)), rtol=1e-10)
    assert c.systems == ("Infra", "Inno", "Ind", "Green")
    # obstacle degree: O = w(1 − z)/Σ w(1 − z); rows sum to 1
    o = w * (1 - z) / (w * (1 - z)).sum(1, keepdims=True)
    np.testing.assert_allclose(c.obstacle.obstacles, o, rtol=1e-12)
    np.testing.assert_allclose(c.obstacle.dimensions.sum(axis=1), 1.0, rtol=1e-12)
    # grey relation of the dependent variable to the sub-indices, by the mean, ρ = 0.5 (Deng)
    y = r.analysis_data[r.dependent].to_numpy()
    s = r.index[["Infra", "Inno", "Ind", "Green"]].to_numpy()
    delta = np.abs(s / s.mean(0) - (y / y.mean())[:, None])
    xi = (delta.min() + 0.5 * delta.max()) / (delta + 0.5 * delta.max())
    np.testing.assert_allclose(c.grey.degree, xi.mean(0), rtol=1e-12)
    assert any("need a panel" in w for w in r.warnings)


def test_index_dependent_coupling_and_alpha():
    r = _study(companions="coupling", coupling_systems="index-dependent", coupling_alpha="0.6, 0.4",
               coupling_variant="revised")
    u1 = r.index["DNQP"].to_numpy()
    y = r.analysis_data[r.dependent].to_numpy()
    u2 = (y - y.min()) / (y.max() - y.min())
    hi, lo = np.maximum(u1, u2), np.minimum(u1, u2)
    c = np.sqrt((1 - (hi - lo)) * lo / hi)  # Wang Shujia et al. (2021) for two systems
    np.testing.assert_allclose(r.companions.coupling.coupling, c, rtol=1e-12)
    np.testing.assert_allclose(r.companions.coupling.coordination, 0.6 * u1 + 0.4 * u2, rtol=1e-12)


def _grids(**settings):
    grids = template_grids(sample=True)
    rows = grids["Settings"]
    where = {}
    for i, row in enumerate(rows):
        if row[0] in settings:
            row[1] = settings[row[0]]
        where[row[0]] = f"Settings!B{i + 1}"
    return grids, where


@pytest.mark.parametrize("settings, name, message", [
    ({"companions": "grey", "grey_rho": 1.5}, "grey_rho", "setting grey_rho = 1.5: ρ must lie in (0, 1], got 1.5"),
    ({"companions": "coupling", "coupling_alpha": "0.3, 0.3, 0.3, 0.3"}, "coupling_alpha",
     "setting coupling_alpha = '0.3, 0.3, 0.3, 0.3': the α sum to 1.2, not 1"),
    ({"companions": "coupling", "coupling_alpha": "0.5, 0.5"}, "coupling_alpha",
     "setting coupling_alpha = '0.5, 0.5': 2 α given for 4 systems"),
    ({"companions": "dagum"}, "companions", "setting companions = 'dagum': dagum (Dagum's Gini) needs a panel"),
    ({"companions": "weights, x"}, "companions", "setting companions = 'weights, x': 'x' is not one of"),
    ({"companions": "grey", "grey_normalise": "initial"}, "grey_normalise",
     "setting grey_normalise = 'initial': series Ind: its first value (row 2010) is 0"),
    ({"companions": "obstacle", "obstacle_top": 1.5}, "obstacle_top", "setting obstacle_top = 1.5 must be a whole"),
    ({"companions": "topsis", "combine_lambda": 2, "companion_weights": "additive"}, "combine_lambda",
     "setting combine_lambda = 2: λ must lie in [0, 1]"),
])
def test_bad_settings_name_their_cell(settings, name, message):
    grids, where = _grids(**settings)
    with pytest.raises(SettingsError) as err:
        parse_grids(grids).run()
    assert str(err.value).startswith(f"{where[name]}: {message}"), str(err.value)
    assert "\n" not in str(err.value)


def test_result_sheets_and_native_charts(study_all, tmp_path):
    from dnqp.workbook.xlsx import write_results

    sheets = result_blocks(study_all)
    assert list(sheets) == [*RESULT_SHEETS[:-1], *(COMPANION_SHEETS[m] for m in study_all.companions.measures),
                            "Log"]
    for name, blocks in companion_blocks(study_all).items():
        for b in blocks:  # three-line tables: a title, one header row, a body with a format per numeric cell
            assert b.title and len(b.header) == 1 and b.body and len(b.formats) == len(b.body), (name, b.key)
    out = write_results(study_all, tmp_path / "r.xlsx")
    with zipfile.ZipFile(out) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
        xml = {n: z.read(n).decode() for n in charts}
    assert len(charts) == 3 + 2  # index, weights, coefficients; TOPSIS by year, coupling D on its bands
    assert sum("<c:areaChart>" in x and "<c:lineChart>" in x for x in xml.values()) == 1  # bands under D
    assert sum("TOPSIS closeness by year" in x for x in xml.values()) == 1


def test_terminal_prints_the_companion_tables(study_all):
    from rich.console import Console

    from dnqp.terminal import print_companions

    buf = io.StringIO()
    print_companions(study_all, Console(file=buf, width=200))
    text = buf.getvalue()
    for title in ("Weights by method", "TOPSIS closeness", "Coupling coordination degree", "Top 3 obstacles",
                  "Grey relational degree"):
        assert title in text
    assert "Chart data" not in text


# ------------------------------------------------------------------------------------------------ panels
def _panel(n_regions=12, years=range(2015, 2021), seed=3):
    """A study-shaped panel (what the panel runner gives run_companions), built from the engine's parts."""
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([[f"r{i:02d}" for i in range(n_regions)], list(years)], names=["Region", "Year"])
    data = pd.DataFrame(rng.uniform(1, 10, (len(idx), 4)), index=idx, columns=["A1", "A2", "B1", "B2"])
    ent = entropy_weights(data, "++-+")
    dims = pd.Series(["A", "A", "B", "B"], index=data.columns)
    index = pd.concat([ent.scores.rename("DNQP"), ent.subindices(dims.to_dict())], axis=1)
    indicators = pd.DataFrame({"Dimension": dims, "Direction": [1, 1, -1, 1]})
    result = SimpleNamespace(
        index=index, entropy=ent, indicators=indicators, dependent="y",
        dimension_weights=pd.DataFrame({"Label": ["A", "B"]}, index=["A", "B"]),
        analysis_data=pd.DataFrame({"y": rng.uniform(1, 2, len(idx))}, index=idx))
    groups = {f"r{i:02d}": ["East", "West", "Centre"][i % 3] for i in range(n_regions)}
    return result, data, groups


def test_panel_measures():
    from dnqp.engine.companion import dagum_gini, kernel_density, theil_index

    result, data, groups = _panel()
    result.settings = Settings(companions="all", topsis_panel="year", kde_years="2015, 2020", kde_bandwidth="0.05")
    c = run_companions(result, groups=groups, data=data)
    assert c.measures == COMPANION_MEASURES
    values = result.index["DNQP"]
    pd.testing.assert_frame_equal(c.dagum.overall, dagum_gini(values, groups).overall)
    pd.testing.assert_frame_equal(c.theil.overall, theil_index(values, groups).overall)
    assert list(c.kde.bandwidth.index) == [2015, 2020] and (c.kde.bandwidth == 0.05).all()
    assert c.kde.density.equals(kernel_density(values, [2015, 2020], bandwidth=0.05).density)
    assert c.topsis.panel == "year" and c.topsis.rank.groupby(level="Year").min().eq(1).all()
    result.companions = c
    sheets = companion_blocks(result)
    assert list(sheets) == [COMPANION_SHEETS[m] for m in COMPANION_MEASURES]
    keys = {b.key for bs in sheets.values() for b in bs}
    assert {"topsis_chart", "coupling_chart", "kde_chart", "dagum", "dagum_within", "dagum_between",
            "theil_within"} <= keys
    [latest] = [b for b in sheets["TOPSIS"] if b.key == "topsis_chart"]
    assert latest.title == "Closeness by region, 2020" and len(latest.body) == 12
    [kde] = [b for b in sheets["Kernel density"] if b.key == "kde_chart"]
    assert kde.header[0] == ["Point", "x 2015", "f 2015", "x 2020", "f 2020"]
    # no groups: Dagum refused when named, skipped under "all"; Theil undecomposed
    with pytest.raises(SettingsError, match="needs a Group for every region"):
        run_companions(result, Settings(companions="dagum"), data=data)
    c = run_companions(result, Settings(companions="all"), data=data)
    assert c.dagum is None and c.theil.within is None and any("Dagum" in n for n in c.notes)
    flat = data.copy()
    flat.loc[(slice(None), 2016), "A1"] = 5.0
    with pytest.raises(SettingsError, match=r"^setting topsis_panel = 'year': indicator A1 is constant in 2016"):
        run_companions(result, Settings(companions="topsis", topsis_panel="year"), data=flat)
    with pytest.raises(SettingsError, match=r"^setting kde_years = '1999': year 1999 is not in the data"):
        run_companions(result, Settings(companions="kde", kde_years="1999"), data=data)


def test_panel_charts_open_in_libreoffice(tmp_path):
    """The panel sheets (TOPSIS by region, D's bands over the years' mean, one density curve per year) written
    with the results writer's own pieces, then converted by LibreOffice headless."""
    import shutil
    import subprocess

    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    from dnqp.workbook.blocks import place
    from dnqp.workbook.companion_charts import draw_companion_charts
    from dnqp.workbook.results_writer import _block_cells, _Formats
    from dnqp.workbook.writer import new_sheet, new_workbook

    result, data, groups = _panel()
    result.settings = Settings(companions="all")
    result.companions = run_companions(result, groups=groups, data=data)
    path = tmp_path / "panel.xlsx"
    wb = new_workbook(path, "panel", "dnqp-results")
    fm = _Formats(wb)
    for name, blocks in companion_blocks(result).items():
        ws = new_sheet(wb, name)
        placed = place(blocks)
        for r0, b in placed:
            _block_cells(ws, fm, r0, b)
        draw_companion_charts(wb, ws, name, {b.key: (r0, b) for r0, b in placed},
                              (placed[-1][0] + placed[-1][1].height + 2, 0))
    wb.close()
    with zipfile.ZipFile(path) as z:
        assert sum(n.startswith("xl/charts/chart") for n in z.namelist()) == 3
    proc = subprocess.run(["soffice", f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
                           "--convert-to", "pdf", "--outdir", str(tmp_path), str(path)],
                          capture_output=True, text=True, timeout=240)
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "panel.pdf").read_bytes().startswith(b"%PDF")


def test_empty_companions_are_falsy():
    assert not CompanionResults() and CompanionResults().measures == ()


def test_the_shipped_panel_sample():
    """The 31-province panel sample (NBS four regions) through panel_entropy, as a panel study gives it to
    run_companions: Dagum's decomposition adds up, every year, and each group has its Gini."""
    from dnqp.engine.panel import panel_entropy, panel_impute
    from dnqp.engine.panel_sample import load_panel_sample

    s = load_panel_sample()
    data = panel_impute(s["data"]).data  # the indicator data as the study used them
    ind = s["indicators"].set_index("Code")
    ent = panel_entropy(s["data"], ind["Direction"].str.replace("−", "-"))
    dims = ind["Dimension"]
    index = pd.concat([ent.scores.rename("DNQP"), ent.subindices(dims.to_dict())], axis=1)
    labels = list(dict.fromkeys(dims))
    result = SimpleNamespace(
        index=index, entropy=ent, indicators=ind, dependent="Upgrade",
        dimension_weights=pd.DataFrame({"Label": labels}, index=labels),
        analysis_data=np.log(s["variables"][["Upgrade"]]),
        settings=Settings(companions="all"))
    groups = dict(zip(s["regions"]["Region"], s["regions"]["Group"]))
    c = run_companions(result, groups=groups, data=data)
    assert c.measures == COMPANION_MEASURES
    d = c.dagum.overall
    np.testing.assert_allclose(d["G"], d["G_w"] + d["G_nb"] + d["G_t"], rtol=1e-12)
    assert list(d.index) == list(range(2012, 2024)) and list(c.dagum.within.columns) == sorted(set(groups.values()))
    t = c.theil.overall
    np.testing.assert_allclose(t["T"], t["T_w"] + t["T_b"], rtol=1e-12)
    assert c.topsis.closeness.between(0, 1).all() and c.coupling.degree.between(0, 1).all()
    np.testing.assert_allclose(c.obstacle.obstacles.sum(axis=1), 1.0, rtol=1e-12)
