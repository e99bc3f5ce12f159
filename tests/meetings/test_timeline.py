"""The timeline for a posting: deadline → latest sensible coffee date → write the application."""

import datetime

import pytest

from kaffebro.meetings.timeline import Stage, latest_coffee_date, lead_days, timeline

WEDNESDAY_DEADLINE = datetime.date(2026, 3, 25)
FRIDAY_DEADLINE = datetime.date(2026, 3, 20)


def test_the_latest_coffee_is_ten_days_before_a_deadline_by_default():
    assert lead_days() == 10
    assert latest_coffee_date(FRIDAY_DEADLINE, 10) == datetime.date(2026, 3, 10)  # a Tuesday


@pytest.mark.parametrize(
    ("deadline", "expected"),
    [
        (WEDNESDAY_DEADLINE, datetime.date(2026, 3, 13)),  # ten days before is a Sunday: the Friday before
        (datetime.date(2026, 3, 24), datetime.date(2026, 3, 13)),  # ten days before is a Saturday: that Friday
        (datetime.date(2026, 3, 23), datetime.date(2026, 3, 13)),  # ten days before is a Friday already
    ],
)
def test_a_weekend_coffee_date_moves_back_to_friday(deadline, expected):
    assert latest_coffee_date(deadline, 10) == expected
    assert expected.weekday() == 4


def test_the_lead_comes_from_the_setting(settings):
    settings.MEETING_LEAD_DAYS = 14
    assert lead_days() == 14
    assert timeline(FRIDAY_DEADLINE, today=datetime.date(2026, 3, 1)).latest_coffee == datetime.date(2026, 3, 6)


def test_a_negative_lead_means_the_deadline_itself():
    assert latest_coffee_date(FRIDAY_DEADLINE, -3) == FRIDAY_DEADLINE


@pytest.mark.parametrize(
    ("today", "stage", "days_to_coffee"),
    [
        (datetime.date(2026, 3, 1), Stage.COFFEE_FIRST, 9),
        (datetime.date(2026, 3, 10), Stage.COFFEE_FIRST, 0),  # the latest coffee date itself: still time
        (datetime.date(2026, 3, 11), Stage.WRITE_NOW, -1),
        (FRIDAY_DEADLINE, Stage.WRITE_NOW, -10),  # the deadline day: still time to send
        (datetime.date(2026, 3, 21), Stage.CLOSED, -11),
    ],
)
def test_the_stage_seen_from_today(today, stage, days_to_coffee):
    steps = timeline(FRIDAY_DEADLINE, today=today, lead=10)
    assert (steps.stage, steps.days_to_coffee) == (stage, days_to_coffee)
    assert steps.days_to_deadline == (FRIDAY_DEADLINE - today).days
