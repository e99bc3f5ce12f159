"""From a posting's application deadline back to the latest sensible coffee date. Pure: dates in, dates out.

A coffee meeting is worth most before the application is written: what the seeker learns goes
into it, and the decision-maker knows the name when the applications arrive. So the latest
sensible coffee date is `MEETING_LEAD_DAYS` (a setting, default 10) before the deadline, moved
back to the Friday before when it falls on a weekend. Dates are Danish calendar dates: the
caller passes today's date in Europe/Copenhagen (`timezone.localdate()`).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings

SATURDAY = 5


def lead_days() -> int:
    """Days between the latest sensible coffee and the deadline (`settings.MEETING_LEAD_DAYS`)."""
    return settings.MEETING_LEAD_DAYS


class Stage(StrEnum):
    COFFEE_FIRST = "coffee_first"  # there is still time for a coffee before the latest sensible date
    WRITE_NOW = "write_now"  # the latest coffee date has passed: write the application now
    CLOSED = "closed"  # the deadline has passed


@dataclass(frozen=True)
class Timeline:
    deadline: datetime.date
    latest_coffee: datetime.date
    today: datetime.date

    @property
    def days_to_coffee(self) -> int:
        """Days left until the latest sensible coffee date (negative once it has passed)."""
        return (self.latest_coffee - self.today).days

    @property
    def days_to_deadline(self) -> int:
        return (self.deadline - self.today).days

    @property
    def stage(self) -> Stage:
        if self.today > self.deadline:
            return Stage.CLOSED
        if self.today > self.latest_coffee:
            return Stage.WRITE_NOW
        return Stage.COFFEE_FIRST


def latest_coffee_date(deadline: datetime.date, lead: int) -> datetime.date:
    """`lead` days before the deadline, moved back to Friday when that is a Saturday or a Sunday."""
    date = deadline - datetime.timedelta(days=max(lead, 0))
    if date.weekday() >= SATURDAY:
        date -= datetime.timedelta(days=date.weekday() - SATURDAY + 1)
    return date


def timeline(deadline: datetime.date, *, today: datetime.date, lead: int | None = None) -> Timeline:
    """The steps deadline → latest coffee → write the application, seen from `today`."""
    return Timeline(
        deadline=deadline,
        latest_coffee=latest_coffee_date(deadline, lead_days() if lead is None else lead),
        today=today,
    )
