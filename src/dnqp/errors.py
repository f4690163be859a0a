"""The typed errors of dnqp.

Every message is one line, fit for a spreadsheet cell, and names the indicator, variable, row or cell
at fault. Surfaces (CLI, UDFs, scripts, server) show ``str(err)`` and never a traceback.
"""

from __future__ import annotations


class DnqpError(ValueError):
    """Base class: bad input that the user can fix. ``str(err)`` is a single line."""

    def __init__(self, message: str):
        # Collapse any newline so the message always fits one cell / one stderr line.
        super().__init__(" ".join(str(message).split()))


class DataError(DnqpError):
    """Missing, non-numeric, misaligned or mislabelled data."""


class DirectionError(DnqpError):
    """An indicator direction that is neither benefit (+) nor cost (−)."""


class ConstantIndicatorError(DnqpError):
    """An indicator that does not vary: min–max standardisation is 0/0 and its weight undefined."""


class TransformError(DnqpError):
    """A value that cannot be transformed, e.g. a non-positive value under ln."""


class ModelError(DnqpError):
    """A regression that cannot be estimated: too few observations, collinear regressors, …"""


class CollinearityError(ModelError):
    """Regressors that are (nearly) exact linear combinations of each other."""


class SettingsError(DnqpError):
    """An option value outside its list of choices."""


#: How the message of an unexpected failure (a bug, not bad input) starts on every surface.
INTERNAL = "dnqp internal error"


def internal_message(err: BaseException) -> str:
    """The one line a user sees for an unexpected failure, instead of a traceback.

    The traceback is logged (logger ``dnqp``, level ERROR) so that "please report it" leaves something to
    report: ``dnqp serve`` writes it to the server's stderr. Call it inside the ``except`` block.
    """
    import logging

    logging.getLogger("dnqp").error("%s: %s: %s", INTERNAL, type(err).__name__, err,
                                    exc_info=(type(err), err, err.__traceback__))
    return " ".join(f"{INTERNAL} ({type(err).__name__}: {err}); please report it".split())
