"""Independent fits side by side: with :func:`workers` set above 1, :func:`fit_all` hands part of a list of
fits to forked processes and does the rest itself (POSIX; elsewhere, and by default, one after another).

The results are the same either way: the same calls on the same data, gathered in the list's order, and
the first failing fit's error (in the list's order) is raised, as the plain loop would. ``dnqp run`` sets two
workers on a machine with two cores or more; the worksheet functions, the ribbon and the server keep one
(forking a server or Excel's Python is never wanted).

Examples
--------
>>> fit_all(divmod, [(7, 2), (9, 4)])
[(3, 1), (2, 1)]
>>> with workers(2):
...     fit_all(divmod, [(7, 2), (9, 4), (5, 5)], cost=[1, 1, 1])
[(3, 1), (2, 1), (1, 0)]
"""

from __future__ import annotations

import contextlib
import contextvars
import multiprocessing
from collections.abc import Callable, Iterator, Sequence

__all__ = ["workers", "fit_all", "can_fork", "WORTH_ROWS"]

#: Fewer rows than this and the fits stay in one process: each takes milliseconds, less than a fork.
WORTH_ROWS = 10_000

_WORKERS: contextvars.ContextVar[int] = contextvars.ContextVar("dnqp_workers", default=1)


def can_fork() -> bool:
    """Whether this platform can fork (Linux, macOS; not Windows)."""
    return "fork" in multiprocessing.get_all_start_methods()


@contextlib.contextmanager
def workers(n: int) -> Iterator[None]:
    """Within the block, :func:`fit_all` uses up to ``n`` processes (this one included)."""
    token = _WORKERS.set(max(1, int(n)))
    try:
        yield
    finally:
        _WORKERS.reset(token)


def _guarded(fn: Callable, args: tuple):
    try:
        return True, fn(*args)
    except Exception as err:  # noqa: BLE001 - handed back, raised in the list's order by fit_all
        return False, err


def fit_all(fn: Callable, tasks: Sequence[tuple], cost: Sequence[float] | None = None, worth: bool = True) -> list:
    """``[fn(*t) for t in tasks]``; under :func:`workers` (n > 1, fork available) the tasks are shared out by
    ``cost`` (greedy, largest first: forked processes take what this process does not keep). ``worth`` False
    (small data: a fork costs more than the fits) keeps them here."""
    tasks = list(tasks)
    n = _WORKERS.get()
    if n <= 1 or len(tasks) < 2 or not worth or not can_fork():
        return [fn(*t) for t in tasks]
    from concurrent.futures import ProcessPoolExecutor

    cost = list(cost) if cost is not None else [1.0] * len(tasks)
    loads = [0.0] * min(n, len(tasks))
    owner = [0] * len(tasks)
    for i in sorted(range(len(tasks)), key=lambda i: -cost[i]):
        w = min(range(len(loads)), key=loads.__getitem__)
        owner[i], loads[w] = w, loads[w] + cost[i]
    outcome: dict[int, tuple] = {}
    with ProcessPoolExecutor(max_workers=len(loads) - 1, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = {i: pool.submit(_guarded, fn, tasks[i]) for i in range(len(tasks)) if owner[i] != 0}
        for i in range(len(tasks)):
            if owner[i] == 0:
                outcome[i] = _guarded(fn, tasks[i])
        outcome.update({i: f.result() for i, f in futures.items()})
    out = []
    for i in range(len(tasks)):
        ok, value = outcome[i]
        if not ok:
            raise value
        out.append(value)
    return out
