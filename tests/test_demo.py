"""The demo command runs end to end on the shipped sample."""

from dnqp.cli import main


def test_demo_prints_tables(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    for title in ("Table 1  Indicator system and entropy weights", "Descriptive statistics", "VIF", "Baseline regression", "Heterogeneity",
                  "Illustrative"):
        assert title in out
