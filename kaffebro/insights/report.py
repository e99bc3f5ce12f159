"""What a page and its CSV files show: the figures with the group rule applied, as tables and charts.

The rule runs once over every figure of the page (`Grid`), so the page, each chart, each table
and each CSV file hide exactly the same cells, and a figure hidden in one section cannot be worked
out from another. A chart and its CSV file are built from the same `Table`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from django.utils.formats import number_format
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kaffebro.insights import charts
from kaffebro.insights.access import OWN, Scope
from kaffebro.insights.figures import DIMENSIONS, NOT_GIVEN, STEPS, Figures, SectorTally, Tally, compute
from kaffebro.insights.suppression import Cell, Sum, hidden_cells, minimum_group
from kaffebro.network.importing.summary import spreadsheet_safe
from kaffebro.network.models import Sector

EVERYONE = "everyone"  # the row of every seeker in the scope
HIRE_SECTOR = "hire_sector"
SEEKERS = "seekers"
NETWORK = "network"
ADVERTISED = "advertised"
TIMED = "timed"  # hired seekers with a days-to-hire figure: the median needs as many as any other figure

STEP_LABELS = {
    "asked": gettext_lazy("Asked for a coffee meeting"),
    "made": gettext_lazy("Request reached the person"),
    "held": gettext_lazy("Coffee meeting held"),
    "passed_on": gettext_lazy("Name passed on"),
    "applied": gettext_lazy("Application sent"),
    "interview": gettext_lazy("Invited to an interview"),
    "offer": gettext_lazy("Offer"),
    "hired": gettext_lazy("Hired"),
}
DIMENSION_TITLES = {
    "industry": gettext_lazy("By industry"),
    "sector": gettext_lazy("By public or private sector background"),
    "employment": gettext_lazy("Employees and self-employed"),
    "gender": gettext_lazy("By gender"),
}
DIMENSION_HEADERS = {
    "industry": gettext_lazy("Industry"),
    "sector": gettext_lazy("Sector background"),
    "employment": gettext_lazy("Employment form"),
    "gender": gettext_lazy("Gender"),
}
# The parts of a breakdown's chart: (numerator, denominator, legend)
BREAKDOWN_SERIES = (
    ("held", SEEKERS, gettext_lazy("had a coffee meeting (share of the group)")),
    ("hired", SEEKERS, gettext_lazy("were hired (share of the group)")),
    (NETWORK, "hired", gettext_lazy("of the hires: through the network")),
)


def too_few() -> str:
    return _("too few to show")


@dataclass(frozen=True)
class Shown:
    """One figure as a page shows it; `value` None means the group rule hides it."""

    value: float | None
    unit: str = "count"  # "count", "percent" (a fraction), "days", "reached" (1 or 0, the seeker's own)

    @property
    def hidden(self) -> bool:
        return self.value is None

    def __str__(self) -> str:
        if self.value is None:
            return too_few()
        if self.unit == "percent":
            return _("%(percent)s %%") % {"percent": number_format(round(self.value * 100))}
        if self.unit == "reached":
            return _("Yes") if self.value else _("Not yet")
        if self.unit == "days":
            rounded = round(self.value, 1)
            return number_format(rounded, decimal_pos=0 if rounded == int(rounded) else 1)
        return number_format(int(self.value))


@dataclass(frozen=True)
class Table:
    caption: str
    row_header: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, tuple[Shown, ...]], ...]

    def csv(self) -> bytes:
        """The table as a CSV file that opens right in Danish Excel: UTF-8 with BOM, semicolons, CRLF."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow([spreadsheet_safe(text) for text in (self.row_header, *self.columns)])
        for label, cells in self.rows:
            writer.writerow([spreadsheet_safe(label), *(spreadsheet_safe(cell) for cell in cells)])
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    intro: str
    chart: SafeString
    table: Table


@dataclass(frozen=True)
class KeyFigure:
    label: str
    text: str


@dataclass(frozen=True)
class Report:
    """Everything one insights page shows."""

    seekers: Shown
    key_figures: tuple[KeyFigure, ...]
    sections: tuple[Section, ...]

    def section(self, slug: str) -> Section | None:
        return next((section for section in self.sections if section.slug == slug), None)


# The grid the rule runs on.


class Grid:
    """The counts of a page with the rule applied; `shown(row, column)` answers None for a hidden cell."""

    def __init__(self, figures: Figures, minimum: int):
        self.values: dict[Cell, int] = {}
        self.sums: list[Sum]
        self.anchors: dict[object, str]
        sums: list[Sum] = []
        anchors: dict[object, str] = {}
        self._add_tally(EVERYONE, figures.total)
        anchors[EVERYONE] = SEEKERS
        sums.append(_hire_sum(EVERYONE))
        for name, groups in figures.breakdowns.items():
            for value, tally in groups.items():
                self._add_tally((name, value), tally)
                anchors[(name, value)] = SEEKERS
                sums.append(_hire_sum((name, value)))
            sums += _column_sums([(name, value) for value in groups], _tally_columns())
        for sector in figures.hire_sectors:
            row = (HIRE_SECTOR, sector.sector)
            self.values.update({(row, "hired"): sector.hired, (row, NETWORK): sector.network})
            self.values[(row, ADVERTISED)] = sector.advertised
            anchors[row] = "hired"
            sums.append(_hire_sum(row))
        sector_rows = [(HIRE_SECTOR, sector.sector) for sector in figures.hire_sectors]
        sums += _column_sums(sector_rows, ("hired", NETWORK, ADVERTISED))
        self.sums, self.anchors = sums, anchors
        self.hidden = hidden_cells(self.values, sums, anchors, minimum)

    def _add_tally(self, row, tally: Tally) -> None:
        self.values[(row, SEEKERS)] = tally.seekers
        for step in STEPS:
            self.values[(row, step)] = tally.steps[step]
        for step in STEPS[1:]:
            self.values[(row, f"both:{step}")] = tally.both[step]
        self.values[(row, NETWORK)] = tally.network
        self.values[(row, ADVERTISED)] = tally.advertised
        self.values[(row, TIMED)] = len(tally.days)

    def count(self, row, column: str) -> Shown:
        cell = (row, column)
        return Shown(None if cell in self.hidden else self.values[cell])

    def share(self, row, numerator: str, denominator: str) -> Shown:
        top, bottom = self.count(row, numerator).value, self.count(row, denominator).value
        if top is None or not bottom:
            return Shown(None, "percent")
        return Shown(top / bottom, "percent")

    def network_share(self, row) -> Shown:
        """Hires through the network as a share of the hires: shown only when both channels are."""
        if self.count(row, ADVERTISED).hidden:
            return Shown(None, "percent")
        return self.share(row, NETWORK, "hired")

    def conversion(self, row, step: str) -> Shown:
        """Of the seekers at the step before, the share who reached this one too."""
        before = STEPS[STEPS.index(step) - 1]
        return self.share(row, f"both:{step}", before)

    def median_days(self, row, tally: Tally) -> Shown:
        if self.count(row, TIMED).hidden or tally.median_days is None:
            return Shown(None, "days")
        return Shown(tally.median_days, "days")


def _tally_columns() -> tuple[str, ...]:
    return (SEEKERS, *STEPS, *(f"both:{step}" for step in STEPS[1:]), NETWORK, ADVERTISED)


def _hire_sum(row) -> Sum:
    return Sum((row, "hired"), ((row, NETWORK), (row, ADVERTISED)))


def _column_sums(rows: list, columns: tuple[str, ...]) -> list[Sum]:
    if not rows:
        return []
    return [Sum((EVERYONE, column), tuple((row, column) for row in rows)) for column in columns]


# The reports.


def group_report(figures: Figures, minimum: int, *, scope_name: str) -> Report:
    """The report of a group of seekers (all of them, or a coach's caseload)."""
    grid = Grid(figures, minimum)
    total = figures.total
    key_figures = (
        KeyFigure(_("Job seekers"), str(grid.count(EVERYONE, SEEKERS))),
        KeyFigure(_("Hired"), str(grid.count(EVERYONE, "hired"))),
        KeyFigure(_("Median days from the first coffee meeting to the hire"), str(grid.median_days(EVERYONE, total))),
        KeyFigure(_("Hires through the network"), str(grid.network_share(EVERYONE))),
    )
    sections = [_funnel_section(grid, scope_name), _channel_section(grid, scope_name)]
    sections += [_breakdown_section(grid, figures, name) for name in DIMENSIONS]
    sections.append(_hire_sector_section(grid, figures.hire_sectors))
    return Report(grid.count(EVERYONE, SEEKERS), key_figures, tuple(sections))


def own_report(figures: Figures) -> Report:
    """A seeker's own funnel: her own data, so no group rule (a group of one is herself)."""
    grid = Grid(figures, 0)
    total = figures.total
    key_figures = [KeyFigure(_("Hired"), str(Shown(min(total.steps["hired"], 1), "reached")))]
    if total.steps["hired"]:
        channel = _("Through the network") if total.network else _("The advertised channel")
        key_figures.append(KeyFigure(_("How you were hired"), channel))
    if total.days:
        days = Shown(total.median_days, "days")
        key_figures.append(KeyFigure(_("Days from your first coffee meeting to your hire"), str(days)))
    rows = tuple((str(STEP_LABELS[step]), (Shown(min(total.steps[step], 1), "reached"),)) for step in STEPS)
    table = Table(_("Your own funnel"), _("Step"), (_("Reached"),), rows)
    chart = charts.bar_chart(
        "funnel",
        _("Your own funnel"),
        _("One bar for each step of the method you have reached."),
        [charts.Row(label, [(cells[0].value, str(cells[0]))]) for label, cells in rows],
        series=[""],
        maximum=1,
    )
    intro = _("The steps of the method you have reached so far, counted the same way as for everyone.")
    section = Section("funnel", _("Your own funnel"), intro, chart, table)
    return Report(grid.count(EVERYONE, SEEKERS), tuple(key_figures), (section,))


def _funnel_section(grid: Grid, scope_name: str) -> Section:
    rows = []
    for index, step in enumerate(STEPS):
        # The step before the first is being a seeker at all.
        conversion = grid.conversion(EVERYONE, step) if index else grid.share(EVERYONE, step, SEEKERS)
        rows.append((str(STEP_LABELS[step]), (grid.count(EVERYONE, step), conversion)))
    table = Table(
        _("The funnel: seekers who reached each step"),
        _("Step"),
        (_("Seekers"), _("Of those at the step before")),
        tuple(rows),
    )
    seekers = grid.count(EVERYONE, SEEKERS)
    chart = charts.bar_chart(
        "funnel",
        _("The funnel of %(scope)s") % {"scope": scope_name},
        _("Horizontal bars: the number of seekers who reached each step; a full bar would be every seeker."),
        [charts.Row(label, [(cells[0].value, str(cells[0]))]) for label, cells in rows],
        series=[""],
        maximum=seekers.value,
    )
    intro = _(
        "Each step counts the seekers who reached it; a later step on the same side counts as the earlier ones, so "
        "a hire counts as an application too. The first step's share is of all the seekers."
    )
    return Section("funnel", _("The funnel"), intro, chart, table)


def _channel_section(grid: Grid, scope_name: str) -> Section:
    network, advertised = _split(grid.network_share(EVERYONE))
    everyone = Shown(None if network.hidden else 1.0, "percent")
    rows = (
        (_("Through the network"), (grid.count(EVERYONE, NETWORK), network)),
        (_("The advertised channel"), (grid.count(EVERYONE, ADVERTISED), advertised)),
        (_("All hired seekers"), (grid.count(EVERYONE, "hired"), everyone)),
    )
    table = Table(_("How the hired seekers were hired"), _("Channel"), (_("Hired seekers"), _("Share")), rows)
    chart = charts.stacked_chart(
        "channel",
        _("Hires through the network and the advertised channel, %(scope)s") % {"scope": scope_name},
        _(
            "One bar split in two: the share of hired seekers hired through the network and through the advertised "
            "channel."
        ),
        [charts.StackedRow(_("All hired seekers"), _parts(network))],
        legend=_channel_legend(),
    )
    intro = _(
        "A seeker was hired through the network when any of her hires is credited to a path and its connector, a "
        "coffee meeting, a profile put in play or a suggestion; otherwise through the advertised channel."
    )
    return Section("channel", _("Hires through the network"), intro, chart, table)


def _channel_legend() -> list[str]:
    return [_("Through the network"), _("The advertised channel")]


def _split(network: Shown) -> tuple[Shown, Shown]:
    """The shares of the hires through the network and through the advertised channel."""
    return network, Shown(None if network.value is None else 1 - network.value, "percent")


def _parts(network: Shown) -> list[tuple[float, str]] | None:
    """The parts of a stacked bar of the two channels; None when the rule hides them."""
    if network.value is None:
        return None
    advertised = 1 - network.value
    return [(network.value, str(network)), (advertised, str(Shown(advertised, "percent")))]


def _breakdown_section(grid: Grid, figures: Figures, name: str) -> Section:
    _field_name, choices = DIMENSIONS[name]
    labels = _group_labels(choices.choices)
    groups = figures.breakdowns[name]
    ordered = [value for value in labels if value in groups]
    columns = (
        _("Seekers"),
        *(str(STEP_LABELS[step]) for step in STEPS),
        _("Hires through the network"),
        _("Median days from the first coffee meeting to the hire"),
    )
    rows, chart_rows = [], []
    for value in ordered:
        row = (name, value)
        cells = (
            grid.count(row, SEEKERS),
            *(grid.count(row, step) for step in STEPS),
            grid.network_share(row),
            grid.median_days(row, groups[value]),
        )
        rows.append((labels[value], cells))
        shares = [
            grid.network_share(row) if top == NETWORK else grid.share(row, top, bottom)
            for top, bottom, _legend in BREAKDOWN_SERIES
        ]
        chart_rows.append(charts.Row(labels[value], [(share.value, str(share)) for share in shares]))
    title = str(DIMENSION_TITLES[name])
    table = Table(title, str(DIMENSION_HEADERS[name]), columns, tuple(rows))
    chart = charts.bar_chart(
        name,
        title,
        _(
            "Grouped bars, one group per %(dimension)s: the share who had a coffee meeting, the share hired, and the "
            "share of the hires made through the network."
        )
        % {"dimension": str(DIMENSION_HEADERS[name]).lower()},
        chart_rows,
        series=[str(legend) for _t, _b, legend in BREAKDOWN_SERIES],
        maximum=1,
    )
    intro = _("Groups with no seekers are left out. The columns count seekers, as in the funnel.")
    return Section(name, title, intro, chart, table)


def _group_labels(choices: list[tuple[str, Any]]) -> dict[str, str]:
    return {**{value: str(label) for value, label in choices}, NOT_GIVEN: _("Not given")}


def _hire_sector_section(grid: Grid, sectors: list[SectorTally]) -> Section:
    labels = {**{value: str(label) for value, label in Sector.choices}, "": _("Not recorded")}
    present = {sector.sector for sector in sectors}
    rows, chart_rows = [], []
    for value, label in labels.items():
        if value not in present:
            continue
        row = (HIRE_SECTOR, value)
        share = grid.network_share(row)
        rows.append((label, (grid.count(row, "hired"), grid.count(row, NETWORK), grid.count(row, ADVERTISED), share)))
        chart_rows.append(charts.StackedRow(label, _parts(share)))
    title = _("By the sector of the hiring organisation")
    table = Table(
        title,
        _("Sector"),
        (_("Hired seekers"), _("Through the network"), _("The advertised channel"), _("Hires through the network")),
        tuple(rows),
    )
    chart = charts.stacked_chart(
        "hire-sector",
        title,
        _(
            "One bar per sector of the organisation that hired: the share hired through the network and through the "
            "advertised channel."
        ),
        chart_rows,
        legend=_channel_legend(),
    )
    intro = _(
        "Public employers advertise almost every job, yet the decision-maker still chooses whom to invite. A seeker "
        "hired in two sectors counts in each."
    )
    return Section("hire-sector", title, intro, chart, table)


def report_for(scope: Scope) -> Report:
    """The report of a scope: her own funnel for a seeker, the group figures under the rule for anyone else."""
    if scope.kind == OWN:
        return own_report(compute(scope.seekers, hire_sectors=False))
    return group_report(compute(scope.seekers), minimum_group(), scope_name=scope.name)
