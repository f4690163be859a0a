"""The load test in small: 4 clients for 3 s against a real `dnqp serve` (the 60-s run is
`python -m benchmarks.loadtest`, outside the default test run)."""

import pytest

from benchmarks import loadtest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")


def test_smoke(monkeypatch):
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    monkeypatch.delenv("XLWINGS_ON_SERVER", raising=False)
    for name in ("DNQP_API_KEY", "DNQP_CORS_ORIGINS", "DNQP_MAX_BODY_MB", "DNQP_MAX_CELLS"):
        monkeypatch.delenv(name, raising=False)
    report = loadtest.run(clients=4, seconds=3, warmup=1)
    print(report.text())
    assert report.calls > 4 * len(loadtest.mix()) and report.errors == 0, report.text()
    assert all(n > 0 for n in report.per_call.values())
    assert report.rss_start_mb and report.rss_end_mb and report.p99_ms >= report.p50_ms > 0
    assert "errors       0" in report.text()


def test_bounded_and_local_only():
    with pytest.raises(ValueError, match="127.0.0.1"):
        loadtest.run(url="http://example.org:8000", seconds=1)
    with pytest.raises(ValueError, match="127.0.0.1"):
        loadtest.run(url="https://127.0.0.1:8000", seconds=1)
    assert loadtest.main(["--url", "http://10.0.0.1:80", "--seconds", "1"]) == 2
