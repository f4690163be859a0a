"""Fits side by side (dnqp.engine.parallel): the same results as one after another, errors in the list's order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dnqp.engine import parallel
from dnqp.engine.panel_sample import load_panel_sample
from dnqp.engine.panel_study import run_panel_study
from dnqp.engine.sample import DIMENSION_LABELS
from dnqp.errors import ModelError

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="no fork on this platform")


def _study():
    s = load_panel_sample()
    return run_panel_study(s["indicators"], s["data"], s["variables"], s["model"], {"permutation_reps": 200},
                           regions=s["regions"], dimension_labels=DIMENSION_LABELS)


def _numbers(result):
    tables = [result.baseline.frame(), result.heterogeneity.frame(), result.group_models.frame(), result.descriptives,
              result.vif]
    models = [*result.baseline.results, *result.heterogeneity.results,
              *result.groups.subsamples.values(), result.groups.interaction.model]
    return tables, models


def test_two_workers_give_the_same_study_as_one(monkeypatch):
    one = _study()
    import concurrent.futures

    import dnqp.engine.panel_groups as groups
    import dnqp.engine.panel_study as study

    monkeypatch.setattr(study, "WORTH_ROWS", 0)  # the sample's 372 rows: forked all the same
    monkeypatch.setattr(groups, "WORTH_ROWS", 0)
    sent = []
    submit = concurrent.futures.ProcessPoolExecutor.submit
    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit",
                        lambda self, fn, *a: sent.append(a[0].__name__) or submit(self, fn, *a))
    with parallel.workers(2):
        two = _study()
    assert "_fit" in sent and "_group_fit" in sent  # both batches went partly to a forked process
    t1, m1 = _numbers(one)
    t2, m2 = _numbers(two)
    for a, b in zip(t1, t2):
        pd.testing.assert_frame_equal(a, b)
    for a, b in zip(m1, m2):
        pd.testing.assert_series_equal(a.params, b.params, rtol=0, atol=0)
        pd.testing.assert_frame_equal(a.cov, b.cov, rtol=0, atol=0)
        assert a.warnings == b.warnings and a.nobs == b.nobs
    assert one.warnings == two.warnings
    assert [p.p_one_sided for p in one.groups.permutations] == [p.p_one_sided for p in two.groups.permutations]


def _fail_at(i, bad):
    if i in bad:
        raise ModelError(f"task {i} failed")
    return i * i


@pytest.mark.parametrize("bad", [{1}, {2, 3}, {0, 3}, {3}])
def test_the_first_failing_task_in_the_lists_order_is_raised(bad):
    tasks = [(i, bad) for i in range(4)]
    with pytest.raises(ModelError, match=f"task {min(bad)} failed"):
        parallel.fit_all(_fail_at, tasks)
    with parallel.workers(2), pytest.raises(ModelError, match=f"task {min(bad)} failed"):
        parallel.fit_all(_fail_at, tasks, cost=[1, 5, 1, 5])  # the failing ones in either process


def test_results_come_back_in_the_lists_order():
    with parallel.workers(3):
        assert parallel.fit_all(_fail_at, [(i, set()) for i in range(7)], cost=[1, 9, 2, 8, 3, 7, 4]) == \
            [i * i for i in range(7)]
    assert np.isclose(parallel.fit_all(divmod, [(1.5, 1)])[0][1], 0.5)


def _cli(*argv, code=""):
    import subprocess
    import sys

    script = (f"import atexit, sys; atexit.register(lambda: print('exit functions ran')); {code}"
              f"sys.argv = ['dnqp', *{list(argv)!r}]; from dnqp.cli import main; main(); print('not reached')")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)


def test_a_command_ends_its_own_process_after_the_exit_functions(tmp_path):
    """The console command (main() without argv) ends the process itself once done: its exit code, its
    output flushed, the exit functions run; a bad --workers is a one-line error (exit 2)."""
    out = tmp_path / "t.xlsx"
    done = _cli("template", "-o", str(out))
    assert done.returncode == 0 and out.exists(), done.stderr
    assert "exit functions ran" in done.stdout and "not reached" not in done.stdout
    bad = _cli("run", str(out), "--workers", "0")
    assert bad.returncode == 2 and bad.stderr.strip() == "dnqp: --workers 0: give 1 or more processes"
    assert "exit functions ran" in bad.stdout
