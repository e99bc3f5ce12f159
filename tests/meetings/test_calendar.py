"""The iCalendar invitation: both icalendar and vobject read it, one UID for the meeting's whole life,
a SEQUENCE that grows with every change, Copenhagen local time across the end of summer time, and
METHOD:CANCEL with STATUS:CANCELLED when the meeting is called off."""

import datetime

import icalendar
import pytest
import vobject
from django.utils import translation
from django.utils.translation import gettext as _

from kaffebro.meetings import calendar
from kaffebro.meetings.models import MeetingRequest, RequestState
from tests.conftest import make_member
from tests.meetings.meeting_cast import AFTER_SWITCH, BEFORE_SWITCH, COPENHAGEN, birgit_known_by, meeting

pytestmark = pytest.mark.django_db


@pytest.fixture
def sofie_in_english(sofie):
    sofie.language = "en"
    sofie.save(update_fields=["language"])
    return sofie


@pytest.fixture
def scheduled(mette, sofie_in_english) -> MeetingRequest:
    return meeting(mette, person_member=sofie_in_english)


def parse(ics: bytes):
    return icalendar.Calendar.from_ical(ics), vobject.readOne(ics.decode())


def test_the_invitation_parses_with_icalendar_and_vobject(scheduled, mette, sofie):
    with translation.override("en"):
        ics = calendar.build_invitation(scheduled, sofie, "REQUEST")
    parsed, card = parse(ics)

    assert str(parsed["VERSION"]) == "2.0"
    assert "Kaffebro" in str(parsed["PRODID"])
    assert str(parsed["METHOD"]) == "REQUEST"
    (event,) = parsed.walk("VEVENT")
    assert str(event["UID"]) == f"{scheduled.code}@127.0.0.1"  # the host of SITE_URL
    assert event["SEQUENCE"] == 1
    assert str(event["STATUS"]) == "CONFIRMED"
    assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
    assert event["DTEND"].params["TZID"] == "Europe/Copenhagen"
    assert event.decoded("DTSTART") == AFTER_SWITCH
    assert event.decoded("DTEND") == AFTER_SWITCH + datetime.timedelta(minutes=45)
    assert "DTSTAMP" in event
    assert str(event["LOCATION"]) == "Café Europa, Amagertorv 1, København"
    assert str(event["SUMMARY"]) == "Coffee meeting with Mette Kristensen"  # Sofie reads about whom she meets
    assert str(event["ORGANIZER"]) == "mailto:mette@example.org"
    assert sorted(str(attendee) for attendee in event["ATTENDEE"]) == [
        "mailto:mette@example.org",
        "mailto:sofie@example.org",
    ]
    (zone,) = parsed.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Copenhagen"

    assert card.method.value == "REQUEST"
    assert card.vevent.uid.value == str(event["UID"])
    assert card.vevent.dtstart.value == AFTER_SWITCH
    assert card.vevent.summary.value == "Coffee meeting with Mette Kristensen"
    assert card.vevent.organizer.value == "mailto:mette@example.org"
    assert card.vtimezone.tzid.value == "Europe/Copenhagen"


def test_the_uid_is_the_request_code_at_the_site_host(scheduled, mette, settings):
    settings.SITE_URL = "https://kaffebro.example.org"
    parsed, card = parse(calendar.build_invitation(scheduled, mette))
    assert str(parsed.walk("VEVENT")[0]["UID"]) == f"{scheduled.code}@kaffebro.example.org"
    assert card.vevent.uid.value == f"{scheduled.code}@kaffebro.example.org"


def test_local_time_and_zone_are_right_on_both_sides_of_the_end_of_summer_time(mette, sofie_in_english):
    before = meeting(mette, person_member=sofie_in_english, starts=BEFORE_SWITCH)
    (summer,) = parse(calendar.build_invitation(before, mette))[0].walk("VEVENT")
    before.delete()
    after = meeting(mette, person_member=sofie_in_english, starts=AFTER_SWITCH)
    parsed, card = parse(calendar.build_invitation(after, mette))
    (winter,) = parsed.walk("VEVENT")

    for event, local in ((summer, b"20261023T143000"), (winter, b"20261026T143000")):
        assert event["DTSTART"].params["TZID"] == "Europe/Copenhagen"
        assert event["DTSTART"].to_ical() == local
    assert summer.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=2)
    assert winter.decoded("DTSTART").utcoffset() == datetime.timedelta(hours=1)
    assert winter.decoded("DTSTART").astimezone(datetime.UTC).hour == 13  # 14:30 in Copenhagen is 13:30 UTC
    assert b"DTSTART;TZID=Europe/Copenhagen:20261026T143000" in calendar.build_invitation(after, mette)
    # vobject resolves the time zone the invitation carries
    assert card.vevent.dtstart.value.utcoffset() == datetime.timedelta(hours=1)
    assert card.vevent.dtstart.value.astimezone(COPENHAGEN) == AFTER_SWITCH


def test_a_stored_utc_time_is_written_as_copenhagen_local_time(mette, sofie_in_english):
    utc_start = AFTER_SWITCH.astimezone(datetime.UTC)
    request = meeting(mette, person_member=sofie_in_english, starts=utc_start)
    request.refresh_from_db()
    ics = calendar.build_invitation(request, mette)
    assert b"DTSTART;TZID=Europe/Copenhagen:20261026T143000" in ics
    assert b"DTEND;TZID=Europe/Copenhagen:20261026T151500" in ics


def test_the_uid_stays_and_the_sequence_grows_across_reschedules(scheduled, mette):
    first = parse(calendar.build_invitation(scheduled, mette))[0].walk("VEVENT")[0]
    # rescheduled: a new time, one more step of the sequence, as the actions do it
    MeetingRequest.objects.filter(pk=scheduled.pk).update(
        starts=AFTER_SWITCH + datetime.timedelta(days=2),
        ends=AFTER_SWITCH + datetime.timedelta(days=2, minutes=30),
        calendar_sequence=scheduled.calendar_sequence + 2,
    )
    scheduled.refresh_from_db()
    second, card = parse(calendar.build_invitation(scheduled, mette))
    (second,) = second.walk("VEVENT")

    assert str(second["UID"]) == str(first["UID"])
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert second.decoded("DTSTART") == AFTER_SWITCH + datetime.timedelta(days=2)
    assert int(card.vevent.sequence.value) == 3
    assert card.vevent.uid.value == str(first["UID"])


def test_an_explicit_sequence_is_used_for_an_earlier_event(scheduled, mette):
    (event,) = parse(calendar.build_invitation(scheduled, mette, sequence=7))[0].walk("VEVENT")
    assert event["SEQUENCE"] == 7


def test_cancel_has_method_cancel_and_status_cancelled(scheduled, mette, sofie):
    MeetingRequest.objects.filter(pk=scheduled.pk).update(state=RequestState.WITHDRAWN, calendar_sequence=2)
    scheduled.refresh_from_db()
    parsed, card = parse(calendar.build_invitation(scheduled, sofie, "CANCEL"))
    assert str(parsed["METHOD"]) == "CANCEL"
    (event,) = parsed.walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2
    assert str(event["UID"]).startswith(scheduled.code + "@")
    assert card.method.value == "CANCEL"
    assert card.vevent.status.value == "CANCELLED"


def test_the_summary_is_in_the_recipients_language(scheduled, mette):
    with translation.override("da"):
        ics = calendar.build_invitation(scheduled, mette)
        expected = _("Coffee meeting with %(name)s") % {"name": "Sofie Holm"}
    (event,) = parse(ics)[0].walk("VEVENT")
    assert str(event["SUMMARY"]) == expected
    with translation.override("en"):
        (english,) = parse(calendar.build_invitation(scheduled, mette))[0].walk("VEVENT")
    assert str(english["SUMMARY"]) == "Coffee meeting with Sofie Holm"


def test_a_video_meeting_carries_the_link(mette, sofie_in_english):
    request = meeting(mette, person_member=sofie_in_english, place="", video_link="https://meet.example.org/kaffe")
    (event,) = parse(calendar.build_invitation(request, mette))[0].walk("VEVENT")
    assert str(event["URL"]) == "https://meet.example.org/kaffe"
    assert str(event["LOCATION"]) == "https://meet.example.org/kaffe"
    assert "https://meet.example.org/kaffe" in str(event["DESCRIPTION"])
    assert f"/meetings/{request.code}/" in str(event["DESCRIPTION"])


def test_only_the_two_who_meet_are_invited(scheduled, jonas, lars):
    for outsider in (jonas, lars):
        with pytest.raises(calendar.NotInvited):
            calendar.build_invitation(scheduled, outsider)


def test_the_connector_is_named_but_never_an_attendee(mette, jonas, sofie_in_english):
    request = meeting(mette, person_member=sofie_in_english, connector=jonas)
    with translation.override("en"):
        (event,) = parse(calendar.build_invitation(request, sofie_in_english))[0].walk("VEVENT")
    assert "jonas@example.org" not in str(event.to_ical())
    assert "Introduced by Jonas Berg." in str(event["DESCRIPTION"])


def test_a_non_member_gets_no_attendee_line_and_the_seeker_sees_their_name_once_scheduled(mette, jonas):
    birgit = birgit_known_by(jonas)
    request = meeting(mette, person=birgit, connector=jonas)
    with translation.override("en"):
        ics = calendar.build_invitation(request, mette)
    (event,) = parse(ics)[0].walk("VEVENT")
    attendees = event["ATTENDEE"]
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert [str(attendee) for attendee in attendees] == ["mailto:mette@example.org"]
    assert str(event["SUMMARY"]) == "Coffee meeting with Birgit Lund"


def test_no_invitation_before_a_time_is_agreed(mette, sofie_in_english):
    request = meeting(mette, person_member=sofie_in_english, state=RequestState.SCHEDULING, starts=None)
    with pytest.raises(calendar.NoTimeYet):
        calendar.build_invitation(request, mette)


def test_a_request_id_works_as_well_as_the_request(scheduled, mette):
    by_id = parse(calendar.build_invitation(scheduled.pk, mette))[0].walk("VEVENT")[0]
    assert str(by_id["UID"]).startswith(scheduled.code + "@")


def test_an_unknown_method_is_refused(scheduled, mette):
    with pytest.raises(ValueError):
        calendar.build_invitation(scheduled, mette, "PUBLISH")


def test_a_member_who_left_is_not_invited(mette):
    gone = make_member("gone@example.org", "Gone Away")
    request = meeting(mette, person_member=gone)
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    request.refresh_from_db()
    with pytest.raises(calendar.NotInvited):
        calendar.build_invitation(request, gone)


def test_a_download_without_a_named_reader_names_the_two_who_meet(scheduled):
    with translation.override("en"):
        (event,) = parse(calendar.build_invitation(scheduled))[0].walk("VEVENT")
    assert str(event["SUMMARY"]) == "Coffee meeting: Mette Kristensen and Sofie Holm"
