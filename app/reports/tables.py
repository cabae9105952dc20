"""What a report answers: tables of figures, and the chart drawn from one of them.

A report's SQL fills a ``Table``; the page shows it, the chart reads it and the Excel file writes
it, so the three never disagree. A masked cell holds ``MASKED`` (small counts identify people).
"""
from dataclasses import dataclass, field
from datetime import date

from flask_babel import format_date

TEXT, COUNT, HOURS, NUMBER, PERCENT, DATE, LINK, PICK = (
    "text", "count", "hours", "number", "percent", "date", "link", "pick"
)
NUMERIC = (COUNT, HOURS, NUMBER, PERCENT)


class _Masked:
    """A count too small to show to this user; ``threshold`` says below what."""

    def __init__(self, threshold):
        self.threshold = threshold

    def __eq__(self, other):
        return isinstance(other, _Masked)

    def __hash__(self):
        return hash("masked")

    def __repr__(self):
        return f"< {self.threshold}"


def masked(threshold):
    return _Masked(threshold)


def is_masked(value):
    return isinstance(value, _Masked)


@dataclass(frozen=True)
class Column:
    key: str
    label: object
    kind: str = TEXT

    @property
    def numeric(self):
        return self.kind in NUMERIC


@dataclass
class Link:
    """A cell that leads somewhere (a contract, a filtered list); Excel keeps the text."""

    text: str
    url: str

    def __str__(self):
        return self.text


@dataclass
class Table:
    name: str
    title: object
    columns: list
    rows: list = field(default_factory=list)
    note: object = None
    total: int = None  # rows the query found, when ``rows`` holds only the first ones

    def column(self, key):
        return next(c for c in self.columns if c.key == key)

    def values(self, key):
        index = [c.key for c in self.columns].index(key)
        return [row[index] for row in self.rows]

    @property
    def shown_columns(self):
        """What a reader sees: the selection boxes are the page's, not the data's."""
        return [c for c in self.columns if c.kind != PICK]

    @property
    def truncated(self):
        return self.total is not None and self.total > len(self.rows)


@dataclass(frozen=True)
class Chart:
    """A chart of ``table``: one point per row, labelled by column ``label``, one series per key."""

    table: str
    label: str
    series: tuple  # column keys; None: every count column of the table
    kind: str = "bar"  # "bar" or "line"
    stacked: bool = False
    percent_axis: bool = False

    def data(self, tables):
        """The chart's JSON: what ``static/js/report-charts.js`` gives Chart.js."""
        table = next(t for t in tables if t.name == self.table)
        keys = self.series or [c.key for c in table.columns if c.kind == COUNT]
        return {"type": self.kind, "labels": [label_text(v) for v in table.values(self.label)],
                "datasets": [_dataset(table, key) for key in keys], "stacked": self.stacked,
                "percent": self.percent_axis, "table": f"table-{table.name}"}


def _dataset(table, key):
    """One series of a chart: a masked or missing figure is a gap, never a zero."""
    values = [None if v is None or is_masked(v) else float(v) for v in table.values(key)]
    return {"label": str(table.column(key).label), "data": values}


def label_text(value):
    """A row's label on a chart axis: dates as the table shows them."""
    if isinstance(value, date):
        return format_date(value, "d MMM")
    return str(value)


def mask_small(rows, columns, threshold, groups=None):
    """Mask counts in ``columns`` (indexes) below ``threshold`` (zero stays: it identifies no one).

    ``groups`` (an index) names the column whose equal values form a group whose total is shown
    elsewhere: when a group has exactly one masked cell, its smallest other cell is masked too, so
    the masked figure cannot be found back by subtraction. Returns the new rows.
    """
    rows = [list(r) for r in rows]
    for row in rows:
        for i in columns:
            if row[i] is not None and 0 < row[i] < threshold:
                row[i] = masked(threshold)
    if groups is not None:
        for i in columns:
            _suppress_complement(rows, i, groups, threshold)
    return [tuple(r) for r in rows]


def _suppress_complement(rows, index, groups, threshold):
    by_group = {}
    for row in rows:
        by_group.setdefault(row[groups], []).append(row)
    for members in by_group.values():
        if sum(is_masked(r[index]) for r in members) != 1:
            continue
        others = [r for r in members if not is_masked(r[index]) and r[index]]
        if others:
            min(others, key=lambda r: r[index])[index] = masked(threshold)


def mask_dependents(rows, count_index, dependent_indexes):
    """Sums and averages of a masked count are masked with it."""
    out = []
    for row in rows:
        row = list(row)
        if is_masked(row[count_index]):
            for i in dependent_indexes:
                row[i] = row[count_index]
        out.append(tuple(row))
    return out


def share(part, whole):
    """A percentage, or None when there is nothing to divide by."""
    if is_masked(part) or is_masked(whole) or not whole:
        return None
    return round(100.0 * (part or 0) / whole, 1)
