"""Writing files atomically: a temporary file in the target's folder, flushed, then moved into place with
:func:`os.replace`, so a reader never sees half a file and nothing the user typed is replaced by accident."""

from __future__ import annotations

import contextlib
import glob
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from ..errors import DataError

__all__ = ["atomic_path", "same_file", "PARTIAL_SUFFIX"]


def same_file(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Whether two paths name the same file (after resolving links, or by identity if both exist)."""
    a, b = Path(a), Path(b)
    if a.exists() and b.exists():
        return os.path.samefile(a, b)
    return a.resolve() == b.resolve()


#: The ending of a file being written: ``.<name>.<pid>.<random>.dnqp-partial`` beside its target. Never
#: ``.xlsx``, so a file left by a killed run cannot be taken for results.
PARTIAL_SUFFIX = ".dnqp-partial"


def _partial_pid(path: Path) -> int | None:
    parts = path.name.split(".")
    return int(parts[-3]) if len(parts) >= 4 and parts[-3].isdigit() else None


def _sweep_partials(target: Path) -> None:
    """Delete files left by runs that were killed while writing ``target`` (their process is gone; POSIX only)."""
    if os.name != "posix":
        return
    for p in target.parent.glob(f".{glob.escape(target.name)}.*{PARTIAL_SUFFIX}"):
        pid = _partial_pid(p)
        if pid is None or pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                p.unlink()
        except OSError:
            pass  # alive (another user's process): leave its file alone


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike) -> Iterator[str]:
    """A temporary path in ``target``'s folder, moved onto ``target`` if the block succeeds.

    The file is flushed to disk before the move, and deleted if the block fails; a run killed outright
    leaves a hidden ``….dnqp-partial`` file, which the next write of the same target deletes.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    _sweep_partials(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}.{secrets.token_hex(8)}{PARTIAL_SUFFIX}"
    try:  # from before the file exists: Ctrl-C or SIGTERM at any moment still deletes it
        os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))  # the usual permissions (umask)
        yield str(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        try:
            os.replace(tmp, target)
        except PermissionError:
            raise DataError(f"{target} cannot be replaced: it is open in another program (Excel keeps the files "
                            "it has open locked) or read-only; close it, or write elsewhere with -o") from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
