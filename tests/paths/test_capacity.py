"""A connector's remaining capacity this month ranks their paths (docs/paths.md, "Score": capacity).

Mette knows Jonas and Anne equally well, and both know Sofie equally well; the one who has
used their monthly introductions ranks below the one with room, whether the count was in the
snapshot when it was built or arrived after (the overlay).
"""

import datetime

import pytest
from django.utils import timezone

from kaffebro.network.actions import update_connector_settings
from kaffebro.network.changes import note_graph_change
from kaffebro.network.members import member_person
from kaffebro.network.models import ConnectorSettings, Strength
from kaffebro.paths import scoring, snapshot
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from tests.conftest import know, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def anne(mette, sofie):
    user = make_member("anne@example.org", "Anne Dahl")
    update_connector_settings(user, open_to_introductions=True, monthly_limit=4, paused_until=None)
    know(mette, member_person(user), strength=Strength.CLOSE)
    know(user, member_person(sofie), strength=Strength.GOOD_CONTACT)
    return user


def _use(user, used: int, month: datetime.date | None = None) -> None:
    ConnectorSettings.objects.filter(user=user).update(
        monthly_limit=4, introductions_used=used, introductions_month=month or timezone.localdate().replace(day=1)
    )
    note_graph_change([member_person(user).pk], "connector.capacity")


def _first_names(mette, unit) -> list[str]:
    return [way.first.name for way in find_paths(mette, TargetSpec.for_unit(unit)).paths if way.hops == 2]


def _capacity_factor(mette, unit, name: str) -> float:
    way = next(way for way in find_paths(mette, TargetSpec.for_unit(unit)).paths if way.first.name == name)
    return way.factors[-2].value  # the first person's "has time to help", before the path length


@pytest.mark.parametrize("full", ["Jonas Berg", "Anne Dahl"])
def test_a_connector_at_their_limit_ranks_below_one_with_room_in_the_snapshot(mette, jonas, anne, digitalisering, full):
    _use(jonas if full == "Jonas Berg" else anne, 4)
    snapshot.rebuild()
    names = _first_names(mette, digitalisering)
    assert names[-1] == full and len(names) == 2
    assert _capacity_factor(mette, digitalisering, full) == pytest.approx(scoring.capacity(False, 4, 4))


@pytest.mark.parametrize("full", ["Jonas Berg", "Anne Dahl"])
def test_a_connector_at_their_limit_ranks_below_one_with_room_in_the_overlay(mette, jonas, anne, digitalisering, full):
    snapshot.rebuild()
    _first_names(mette, digitalisering)
    _use(jonas if full == "Jonas Berg" else anne, 4)
    assert _first_names(mette, digitalisering)[-1] == full
    assert _capacity_factor(mette, digitalisering, full) == pytest.approx(0.4)


def test_half_the_month_used_counts_half(mette, jonas, anne, digitalisering):
    _use(jonas, 2)
    assert _capacity_factor(mette, digitalisering, "Jonas Berg") == pytest.approx(scoring.capacity(False, 4, 2))
    assert _capacity_factor(mette, digitalisering, "Anne Dahl") == pytest.approx(1.0)


def test_last_months_count_is_spent(mette, jonas, anne, digitalisering):
    _use(jonas, 4, month=datetime.date(2020, 1, 1))
    snapshot.rebuild()
    assert _capacity_factor(mette, digitalisering, "Jonas Berg") == pytest.approx(1.0)
