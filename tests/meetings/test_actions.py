"""Saving the preparation brief: all or nothing, one event per save, and no lost updates between two tabs."""

import pytest
from django.utils import translation

from kaffebro.core.models import Event
from kaffebro.meetings import actions
from kaffebro.meetings.models import MAX_PART_CHARS, PrepBrief
from kaffebro.network.models import Target, TargetKind
from tests.meetings.conftest import GOOD, brief_fields

pytestmark = pytest.mark.django_db


def events():
    return list(Event.objects.filter(kind="brief.saved").order_by("id").values_list("subject", "data"))


def test_the_first_save_creates_version_one_with_an_event(mette, target):
    brief = actions.save_brief(mette, target, brief_fields("da"), base_version=0)
    assert (brief.version, brief.seeker, brief.target) == (1, mette, target)
    assert brief.ask == GOOD["da"]["ask"] and brief.read_news
    assert events() == [(brief.code, {"version": 1, "level": "ready"})]


def test_each_save_bumps_the_version_and_the_time(mette, target):
    first = actions.save_brief(mette, target, brief_fields("da", ask="Et job"), base_version=0)
    second = actions.save_brief(mette, target, brief_fields("da"), base_version=1)
    assert second.pk == first.pk and second.version == 2
    assert second.updated > first.updated
    assert [data for _code, data in events()] == [{"version": 1, "level": "almost"}, {"version": 2, "level": "ready"}]


def test_parts_are_trimmed(mette, target):
    brief = actions.save_brief(
        mette, target, brief_fields("en", offer="  " + GOOD["en"]["offer"] + "\n"), base_version=0
    )
    assert brief.offer == GOOD["en"]["offer"]


def test_a_draft_that_is_not_ready_is_still_saved(mette, target):
    brief = actions.save_brief(mette, target, actions.BriefFields(knowledge="Noget om Digitalisering"), base_version=0)
    assert brief.version == 1 and brief.offer == ""


def test_a_stale_version_from_another_tab_is_refused_and_changes_nothing(mette, target):
    """Two tabs open version 1; the first saves (version 2); the second's save must not overwrite it."""
    actions.save_brief(mette, target, brief_fields("da"), base_version=0)
    actions.save_brief(mette, target, brief_fields("da", offer=GOOD["en"]["offer"]), base_version=1)
    before = PrepBrief.objects.values().get()
    with translation.override("en"), pytest.raises(actions.StaleBrief) as refused:
        actions.save_brief(mette, target, brief_fields("da", ask="Et job"), base_version=1)
    assert "another window or tab" in refused.value.message
    with translation.override("da"), pytest.raises(actions.StaleBrief) as refused:
        actions.save_brief(mette, target, brief_fields("da", ask="Et job"), base_version=1)
    assert "andet vindue eller faneblad" in refused.value.message
    assert PrepBrief.objects.values().get() == before
    assert len(events()) == 2


def test_a_second_first_save_is_stale_too(mette, target):
    actions.save_brief(mette, target, brief_fields("da"), base_version=0)
    with pytest.raises(actions.StaleBrief):
        actions.save_brief(mette, target, brief_fields("en"), base_version=0)
    assert PrepBrief.objects.get().knowledge == GOOD["da"]["knowledge"]


def test_a_version_from_the_future_is_stale(mette, target):
    actions.save_brief(mette, target, brief_fields("da"), base_version=0)
    with pytest.raises(actions.StaleBrief):
        actions.save_brief(mette, target, brief_fields("en"), base_version=7)


@pytest.mark.parametrize(
    ("part", "value"),
    [("offer", "x" * (MAX_PART_CHARS + 1)), ("ask", "Kaffe?\x00"), ("their_gain", "y" * (MAX_PART_CHARS + 1))],
)
def test_bad_sizes_and_characters_are_refused_and_save_nothing(mette, target, part, value):
    with pytest.raises(actions.Refused) as refused:
        actions.save_brief(mette, target, brief_fields("da", **{part: value}), base_version=0)
    assert refused.value.field == part
    assert not PrepBrief.objects.exists() and not events()


def test_exactly_the_maximum_size_is_accepted(mette, target):
    brief = actions.save_brief(mette, target, brief_fields("da", offer="x" * MAX_PART_CHARS), base_version=0)
    assert len(brief.offer) == MAX_PART_CHARS


def test_nobody_can_save_a_brief_for_someone_elses_target(lars, mette, target):
    with pytest.raises(actions.Refused):
        actions.save_brief(lars, target, brief_fields("en"), base_version=0)
    assert not PrepBrief.objects.exists() and not events()


def test_a_removed_target_is_refused(mette, target):
    Target.objects.filter(pk=target.pk).delete()
    with pytest.raises(actions.Refused):
        actions.save_brief(mette, target, brief_fields("en"), base_version=0)
    assert not PrepBrief.objects.exists()


def test_one_brief_per_target(mette, target, region_h):
    other = Target.objects.create(seeker=mette, kind=TargetKind.ORGANISATION, organisation=region_h, priority=2)
    one = actions.save_brief(mette, target, brief_fields("da"), base_version=0)
    two = actions.save_brief(mette, other, brief_fields("da"), base_version=0)
    assert one.pk != two.pk and PrepBrief.objects.filter(seeker=mette).count() == 2


def test_the_event_holds_no_text_of_the_brief(mette, target):
    actions.save_brief(mette, target, brief_fields("da"), base_version=0)
    event = Event.objects.get(kind="brief.saved")
    assert event.actor == mette
    assert not any(str(GOOD["da"][part]) in str(event.data) for part in ("knowledge", "offer", "ask"))
