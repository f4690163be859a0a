"""The checks of a study's inputs, each written once: the workbook reader reports them at their cells,
:func:`dnqp.run_study` raises the first.

A check returns :class:`Issue` objects (the row and column of the table at fault, and the message);
:mod:`dnqp.workbook.grid` turns the row and column into ``Sheet!Cell``.

Examples
--------
>>> default_label("Port", "ln"), default_label("Gov", "none")
('lnPort', 'Gov')
>>> norm_key(" Ａ１ "), norm_key("a1") == norm_key("A1")
('a1', True)
>>> [i.message for i in model_issues([("y", "dependent", "ln", ""), ("x", "boss", "none", "")])]
["(variable x): role 'boss' is not one of dependent, control"]
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .cells import cell_text, norm_key, shown
from ..errors import DirectionError
from .prepare import TRANSFORMS, coerce_cell, parse_direction

__all__ = ["YEARS", "year_issues", "indicator_issues", "ROLES", "RESERVED_LABELS", "Issue", "default_label", "norm_key", "label_issue", "model_issues"]

ROLES = ("dependent", "control")
#: The years a row may have.
YEARS = (1000, 9999)
#: Row and column names of the result tables: a variable or sub-index labelled so would share a row with
#: them (the models' statistics, the constant, the sub-index row, the year column).
RESERVED_LABELS = ("Sub-index", "_cons", "Observations", "R-squared", "Adj R-squared", "F", "Prob > F",
                   "Root MSE", "Mean VIF", "Year", "N")


def label_issue(label: str) -> str | None:
    """Why a label (of the index, a sub-index or a variable) cannot name a row of the tables, or None."""
    if norm_key(label) in {norm_key(r) for r in RESERVED_LABELS}:
        return f"the label {label} is reserved for a row of the result tables: choose another"
    return None


def default_label(variable: str, transform: str) -> str:
    """A variable's name in the tables when its Label is blank: ``ln<Variable>`` after ln, else the name."""
    return f"ln{variable}" if transform == "ln" else variable


@dataclass(frozen=True)
class Issue:
    """A problem at ``row`` (0-based body row; -1: the header) and ``column`` of a table."""

    row: int
    column: str
    message: str
    also: int | None = None  # the row of the first occurrence, for a duplicate

    def text(self, where=lambda row: f"row {row + 1}") -> str:
        """The message, naming the first occurrence of a duplicate with ``where(row)``."""
        return self.message if self.also is None else f"{self.message} (also {where(self.also)})"


def model_issues(rows: Iterable[tuple[str, str, str, str]]) -> list[Issue]:
    """Every problem of the Model table, given its (Variable, Role, Transform, Label) rows as text.

    Roles and transforms are matched case-insensitively (``Transform`` blank: none); exactly one
    variable is dependent; variables and labels (after :func:`default_label`) are unique by
    :func:`norm_key`; a label may not be one of :data:`RESERVED_LABELS`.
    """
    issues: list[Issue] = []
    dependents: list[int] = []
    seen: dict[str, dict[str, int]] = {"Variable": {}, "Label": {}}
    for i, (var, role, how, label) in enumerate(rows):
        if not var:
            issues.append(Issue(i, "Variable", "the variable name is blank"))
            continue
        role, how = role.lower(), (how.lower() or "none")
        if role not in ROLES:
            issues.append(Issue(i, "Role", f"(variable {var}): role {role!r} is not one of {', '.join(ROLES)}"))
        elif role == "dependent":
            dependents.append(i)
        if how not in TRANSFORMS:
            issues.append(Issue(i, "Transform", f"(variable {var}): transform {how!r} is not one of "
                                f"{', '.join(TRANSFORMS)}"))
        typed = "Label" if label else "Variable"  # a blank label is the variable's name: name that cell
        label = label or default_label(var, how)
        if label_issue(label):
            issues.append(Issue(i, typed, f"(variable {var}): {label_issue(label)}"))
        for col, value in (("Variable", var), ("Label", label)):
            key = norm_key(value)
            if key in seen[col]:
                issues.append(Issue(i, col if col == "Variable" else typed, f"the {col.lower()} {value} is used "
                                    "twice", seen[col][key]))
            seen[col].setdefault(key, i)
    if len(dependents) != 1:
        issues.append(Issue(dependents[1] if len(dependents) > 1 else -1, "Role",
                            f"the Model table must mark exactly one variable as dependent, found {len(dependents)}"))
    return issues


def year_issues(values: Iterable[object]) -> tuple[list[int | None], list[Issue]]:
    """The year of every row (None where it is bad) and every problem with the years: blank, not a whole
    number, outside :data:`YEARS`, or repeated (``also`` = the row of its first occurrence).

    >>> years, issues = year_issues([2010, "2011", 2011, 2012.5, None])
    >>> years, [(i.row, i.message) for i in issues]
    ([2010, 2011, None, None, None], [(2, 'the year 2011 appears twice'), (3, 'the year 2012.5 is not a whole number'), (4, 'the year is blank but the row has values')])
    """
    years: list[int | None] = []
    issues: list[Issue] = []
    seen: dict[int, int] = {}
    for i, value in enumerate(values):
        x, action, _ = coerce_cell(value)
        year = None
        if action == "missing":
            issues.append(Issue(i, "Year", "the year is blank but the row has values"))
        elif action == "rejected" or not float(x).is_integer():
            issues.append(Issue(i, "Year", f"the year {shown(value)} is not a whole number"))
        elif not YEARS[0] <= x <= YEARS[1]:
            issues.append(Issue(i, "Year", f"the year {shown(value)} is not a year between {YEARS[0]} and {YEARS[1]}"))
        elif int(x) in seen:
            issues.append(Issue(i, "Year", f"the year {int(x)} appears twice", seen[int(x)]))
        else:
            year = int(x)
            seen[year] = i
        years.append(year)
    return years, issues


def indicator_issues(rows: Iterable[tuple[str, str, object]], standardize: str = "minmax") -> list[Issue]:
    """Every problem of the Indicators table, given its (Code, Dimension, Direction as typed) rows.

    A code is present, not ``Year`` and unique by :func:`norm_key`; a dimension is present and typed the
    same way each time; a direction is + or − (any spelling :func:`dnqp.engine.prepare.parse_direction`
    knows), and not − when ``standardize`` is none (it would not be applied). No indicator at all is an
    issue at row 0.

    Examples
    --------
    >>> [i.message for i in indicator_issues([("A1", "P", "+"), ("a1", "P", "up")])]
    ['indicator code a1 is used twice', "(indicator a1): direction 'up' is neither + (benefit) nor − (cost)"]
    """
    issues: list[Issue] = []
    codes: dict[str, int] = {}
    dims: dict[str, tuple[str, int]] = {}
    n = 0
    for i, (code, dim, direction) in enumerate(rows):
        n += 1
        if not code:
            issues.append(Issue(i, "Code", "the indicator code is blank"))
            continue
        if norm_key(code) == "year":
            issues.append(Issue(i, "Code", "Year cannot be an indicator code"))
        if norm_key(code) in codes:
            issues.append(Issue(i, "Code", f"indicator code {code} is used twice", codes[norm_key(code)]))
        codes.setdefault(norm_key(code), i)
        if not dim:
            issues.append(Issue(i, "Dimension", f"(indicator {code}): the dimension is blank"))
        elif norm_key(dim) in dims and dims[norm_key(dim)][0] != dim:
            issues.append(Issue(i, "Dimension", f"(indicator {code}): the dimension {dim!r} differs from "
                                f"{dims[norm_key(dim)][0]!r} only in case or width: type it the same",
                                dims[norm_key(dim)][1]))
        else:
            dims.setdefault(norm_key(dim), (dim, i))
        try:
            cost = parse_direction(direction, code) < 0
        except DirectionError:
            issues.append(Issue(i, "Direction", f"(indicator {code}): direction {cell_text(direction)!r} is "
                                "neither + (benefit) nor − (cost)"))
            continue
        if cost and standardize == "none":
            issues.append(Issue(i, "Direction", f"(indicator {code}): a cost direction is not applied when "
                                "standardize = none (the data are taken as standardised): type + or set "
                                "standardize to minmax or interval in Settings"))
    if not n:
        issues.append(Issue(0, "Code", "the Indicators table lists no indicators"))
    return issues
