"""The notices of the request events, rendered directly from events: who hears of what, in which
language, with names only as each reader may see them, and the invitation where the calendar changes.
The mail itself (through a real SMTP server, driven by the actions) is in test_meeting_mail.py."""

import datetime

import icalendar
import pytest
import vobject
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaffebro.core.events import record_event
from kaffebro.meetings import notices, texts
from kaffebro.meetings.models import DeclineReason, MeetingRequest, ProposedTime, RequestState
from kaffebro.network.members import member_person
from kaffebro.notifications import registry
from tests.conftest import make_member
from tests.meetings.meeting_cast import birgit_known_by, meeting

pytestmark = pytest.mark.django_db

# Every event kind the request actions write (docs: the shared spec), and the two they write that notify nobody.
ACTION_KINDS = [
    "send_to_connector",
    "send_direct",
    "send_request",
    "approve_introduction",
    "ask_for_changes",
    "decline_introduction",
    "accept",
    "decline",
    "times_proposed",
    "pick_time",
    "reschedule",
    "cancel",
    "withdraw",
    "confirm_held",
    "not_held",
    "log_follow_up",
    "expire",
    "reminder",
    "follow_up_reminder",
]
SILENT = ["start_request", "record_outcome"]


@pytest.fixture
def sofie_en(sofie):
    sofie.language = "en"
    sofie.save(update_fields=["language"])
    return sofie


def soon(days: int = 3, hour: int = 10) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def introduction(mette, jonas, sofie, state=RequestState.WITH_CONNECTOR, **fields) -> MeetingRequest:
    now = timezone.now()
    defaults = {
        "first_sent": now,
        "reached_person": None if state in (RequestState.DRAFT, RequestState.WITH_CONNECTOR) else now,
        "starts": None,
    }
    return meeting(mette, person_member=sofie, connector=jonas, state=state, **{**defaults, **fields})


def event_of(name, request, actor, **data):
    return record_event(f"meeting.{name}", actor=actor, subject=request.code, request=request.pk, **data)


def rendered(event, member):
    return registry.render_for(event, member)


def ics_of(result):
    ((filename, content, mimetype),) = list(result.attachments)
    assert filename == "invitation.ics"
    return content, mimetype


def test_every_kind_the_actions_write_has_a_notice():
    for name in ACTION_KINDS + SILENT:
        registration = registry.registration_for(f"meeting.{name}")
        assert registration is not None, name
        assert registration.render is notices.render
    for name in SILENT:
        assert registry.registration_for(f"meeting.{name}").email is False


def test_registering_again_is_harmless():
    notices.register_notices()
    notices.register_notices()
    assert registry.registration_for("meeting.pick_time").recipients is notices.recipients


def test_a_request_sent_to_the_connector_tells_only_the_connector(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en)
    event = event_of("send_request", request, mette, request_kind="introduction", state="with_connector")
    assert notices.recipients(event) == [jonas.pk]
    with translation.override("en"):
        result = rendered(event, jonas)
    assert result.subject  # rendered in Jonas's language (Danish)
    assert result.link == f"/meetings/{request.code}/"
    assert "Mette Kristensen" in result.subject
    assert rendered(event, sofie_en) is None, "Sofie may not see it before Jonas introduces her"


def test_the_connector_text_names_the_person_only_from_their_own_contacts(mette, jonas, sofie_en, lars):
    request = introduction(mette, jonas, sofie_en)
    event = event_of("send_request", request, mette, state="with_connector")
    jonas.language = "en"
    assert "Sofie Holm" in rendered(event, jonas).text  # Jonas's own card for Sofie
    assert rendered(event, lars) is None


def test_a_direct_request_goes_to_the_person(mette, sofie_en):
    request = meeting(
        mette, person_member=sofie_en, state=RequestState.WITH_PERSON, starts=None, reached_person=timezone.now()
    )
    event = event_of("send_request", request, mette, request_kind="direct", state="with_person")
    assert notices.recipients(event) == [sofie_en.pk]
    result = rendered(event, sofie_en)
    assert result.subject == "Mette Kristensen asks you for a coffee meeting"
    assert "counts against nobody" in result.text
    assert result.attachments == ()


def test_approval_tells_the_seeker_and_the_person_in_their_languages(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.WITH_PERSON)
    event = event_of("approve_introduction", request, jonas)
    assert notices.recipients(event) == sorted([mette.pk, sofie_en.pk])
    english = rendered(event, sofie_en)
    assert english.subject == "Jonas Berg introduces you to Mette Kristensen"
    danish = rendered(event, mette)
    with translation.override("da"):
        assert danish.subject == _("%(connector)s has introduced you") % {"connector": "Jonas Berg"}


def test_before_approval_the_seeker_reads_no_hidden_name(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.DRAFT)
    mette.language = "en"
    assert texts.person_name_for(mette, request) is None
    with translation.override("en"):
        assert texts.person_shown_to(mette, request) == "the person you asked to meet"
    event = event_of("ask_for_changes", request, jonas)
    assert notices.recipients(event) == [mette.pk]
    assert "Sofie" not in rendered(event, mette).text
    MeetingRequest.objects.filter(pk=request.pk).update(reached_person=timezone.now())
    request.refresh_from_db()
    assert texts.person_name_for(mette, request) == "Sofie Holm"


@pytest.mark.parametrize("reason", DeclineReason.values)
def test_declines_are_kind_and_not_now_counts_against_nobody(mette, jonas, sofie_en, reason):
    mette.language = "en"
    mette.save(update_fields=["language"])
    request = introduction(mette, jonas, sofie_en, state=RequestState.DECLINED, decline_reason=reason)
    event = event_of("decline_introduction", request, jonas, reason=reason)
    assert notices.recipients(event) == [mette.pk]
    result = rendered(event, mette)
    assert "Jonas Berg" in result.subject
    if reason == DeclineReason.NOT_NOW:
        assert "counts against nobody" in result.text
        assert "not about you" in result.text
    assert "paths" in result.text  # always a way forward


def test_the_persons_decline_tells_the_seeker_and_the_connector(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.DECLINED)
    event = event_of("decline", request, sofie_en, reason=DeclineReason.NOT_NOW)
    assert notices.recipients(event) == sorted([mette.pk, jonas.pk])


def test_a_non_member_is_never_a_recipient(mette, jonas):
    birgit = birgit_known_by(jonas)
    request = meeting(mette, person=birgit, connector=jonas, reached_person=timezone.now(), first_sent=timezone.now())
    assert request.person_member_id is None
    for name in ACTION_KINDS:
        event = event_of(name, request, jonas if name in ("accept", "decline") else mette, state="with_person")
        assert set(notices.recipients(event)) <= {mette.pk, jonas.pk}, name


def test_the_actor_is_not_told_of_what_they_did_except_for_their_calendar(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.SCHEDULED, starts=soon())
    assert mette.pk not in notices.recipients(event_of("times_proposed", request, mette, times=[]))
    assert notices.recipients(event_of("times_proposed", request, mette, times=[])) == [sofie_en.pk]
    for name in ("pick_time", "reschedule", "cancel"):
        assert notices.recipients(event_of(name, request, mette, sequence=1)) == sorted([mette.pk, sofie_en.pk])
    assert jonas.pk not in notices.recipients(event_of("pick_time", request, mette, sequence=1))


def test_a_time_agreed_carries_the_invitation_for_the_two_who_meet(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.SCHEDULED, starts=soon(), sequence=1)
    event = event_of("pick_time", request, sofie_en, sequence=1)
    result = rendered(event, sofie_en)
    assert result.subject.startswith("Coffee meeting with Mette Kristensen: ")
    content, mimetype = ics_of(result)
    assert mimetype == "text/calendar; method=REQUEST"
    parsed = icalendar.Calendar.from_ical(content)
    assert str(parsed["METHOD"]) == "REQUEST"
    assert str(parsed.walk("VEVENT")[0]["SUMMARY"]) == "Coffee meeting with Mette Kristensen"
    assert vobject.readOne(content.decode()).vevent.sequence.value == "1"
    # Mette's copy is rendered in Danish (her language), with Sofie's name
    with translation.override("da"):
        expected = _("Coffee meeting with %(name)s") % {"name": "Sofie Holm"}
    content, _mimetype = ics_of(rendered(event, mette))
    assert str(icalendar.Calendar.from_ical(content).walk("VEVENT")[0]["SUMMARY"]) == expected


def test_a_stale_calendar_event_attaches_nothing(mette, sofie_en):
    request = meeting(mette, person_member=sofie_en, starts=soon(), sequence=3)
    assert rendered(event_of("pick_time", request, sofie_en, sequence=1), mette).attachments == ()
    assert len(rendered(event_of("pick_time", request, sofie_en, sequence=3), mette).attachments) == 1


@pytest.mark.parametrize("name", ["reschedule", "cancel", "withdraw"])
def test_a_moved_or_cancelled_meeting_sends_a_cancellation(mette, sofie_en, name):
    state = RequestState.SCHEDULING if name == "reschedule" else RequestState.WITHDRAWN
    request = meeting(
        mette, person_member=sofie_en, state=state, starts=soon(), sequence=2, reached_person=timezone.now()
    )
    event = event_of(name, request, mette, sequence=2)
    assert notices.recipients(event) == sorted([mette.pk, sofie_en.pk])
    content, mimetype = ics_of(rendered(event, sofie_en))
    assert mimetype == "text/calendar; method=CANCEL"
    parsed = icalendar.Calendar.from_ical(content)
    assert str(parsed["METHOD"]) == "CANCEL"
    assert str(parsed.walk("VEVENT")[0]["STATUS"]) == "CANCELLED"
    assert parsed.walk("VEVENT")[0]["SEQUENCE"] == 2
    assert vobject.readOne(content.decode()).method.value == "CANCEL"


def test_withdrawing_a_draft_never_sent_tells_nobody(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.WITHDRAWN, first_sent=None, reached_person=None)
    assert notices.recipients(event_of("withdraw", request, mette, sequence=0)) == []


def test_a_withdrawn_introduction_tells_the_connector_without_an_invitation(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.WITHDRAWN, reached_person=None)
    event = event_of("withdraw", request, mette, sequence=0)
    assert notices.recipients(event) == [jonas.pk]
    assert rendered(event, jonas).attachments == ()


def test_the_reminder_carries_the_invitation_and_reminds_the_seeker_of_the_brief(mette, sofie_en):
    mette.language = "en"
    request = meeting(mette, person_member=sofie_en, starts=soon(days=1), sequence=1)
    event = event_of("reminder", request, None)
    assert notices.recipients(event) == sorted([mette.pk, sofie_en.pk])
    result = rendered(event, mette)
    assert result.subject.startswith("Reminder: coffee meeting with Sofie Holm")
    assert "brief" in result.text
    assert "brief" not in rendered(event, sofie_en).text
    _content, mimetype = ics_of(result)
    assert mimetype == "text/calendar; method=REQUEST"


def test_expiry_is_polite_to_the_seeker_and_tells_whoever_it_waited_for(mette, jonas, sofie_en):
    mette.language = "en"
    waiting_for_jonas = introduction(mette, jonas, sofie_en, state=RequestState.EXPIRED, reached_person=None)
    event = event_of("expire", waiting_for_jonas, None)
    assert notices.recipients(event) == sorted([mette.pk, jonas.pk])
    result = rendered(event, mette)
    assert "says nothing about you" in result.text
    assert "14 days" in result.text
    waiting_for_sofie = introduction(
        mette,
        jonas,
        make_member("anne@example.org", "Anne Dahl", language="en"),
        state=RequestState.EXPIRED,
        reached_person=timezone.now(),
    )
    assert notices.recipients(event_of("expire", waiting_for_sofie, None)) == sorted(
        [mette.pk, waiting_for_sofie.person_member_id]
    )


def test_times_proposed_lists_the_times_in_the_readers_time_zone(mette, sofie_en):
    request = meeting(
        mette, person_member=sofie_en, state=RequestState.SCHEDULING, starts=None, reached_person=timezone.now()
    )
    starts = soon(days=4, hour=9)
    time = ProposedTime.objects.create(
        request=request, starts=starts, ends=starts + datetime.timedelta(minutes=30), proposed_by=mette
    )
    sofie_en.time_zone = "Europe/London"
    event = event_of("times_proposed", request, mette, times=[time.pk])
    result = rendered(event, sofie_en)
    assert result.subject == "Mette Kristensen proposed times for your coffee meeting"
    assert "8 a.m." in result.text  # 9:00 in Copenhagen is 8:00 in London
    assert "Café Europa" in result.text


def test_held_asks_the_other_side_only_until_they_answered(mette, sofie_en):
    request = meeting(mette, person_member=sofie_en, state=RequestState.HELD, seeker_says_held=True)
    event = event_of("confirm_held", request, mette, happened=True, state="held")
    assert notices.recipients(event) == [sofie_en.pk]
    assert rendered(event, sofie_en).subject == "Did your coffee meeting with Mette Kristensen take place?"
    MeetingRequest.objects.filter(pk=request.pk).update(other_says_held=True)
    assert notices.recipients(event) == []
    not_held = event_of("confirm_held", request, sofie_en, happened=False, state="scheduling")
    assert notices.recipients(not_held) == [mette.pk]


def test_the_follow_up_thanks_the_connector(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.FOLLOWED_UP, starts=soon(days=-20))
    event = event_of("log_follow_up", request, mette, outcomes=[])
    assert notices.recipients(event) == [jonas.pk]
    reminder = event_of("follow_up_reminder", request, None)
    assert notices.recipients(reminder) == [mette.pk]


def test_a_gone_request_renders_a_neutral_line(mette, sofie_en):
    request = meeting(mette, person_member=sofie_en)
    event = event_of("pick_time", request, sofie_en, sequence=1)
    request.delete()
    assert notices.recipients(event) == []
    assert rendered(event, mette) is None


def test_subjects_and_bodies_for_every_kind_render_in_both_languages(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.SCHEDULED, starts=soon(), sequence=1)
    for name in ACTION_KINDS:
        for language in ("da", "en"):
            for member in (mette, jonas, sofie_en):
                member.language = language
                event = event_of(name, request, None, sequence=1, reason="not_now", state="with_connector")
                result = rendered(event, member)
                assert result is not None and result.subject and result.text, (name, language)
                assert "%(" not in result.subject + result.text, (name, language)


def test_the_introduction_for_a_non_member_tells_them_their_rights(mette, jonas, settings):
    settings.KAFFEBRO_CONTROLLER_NAME = "Kaffebro ApS"
    settings.KAFFEBRO_CONTROLLER_CONTACT = "privacy@kaffebro.example.org"
    settings.SITE_URL = "https://kaffebro.example.org"
    birgit = birgit_known_by(jonas)
    request = meeting(mette, person=birgit, connector=jonas, state=RequestState.WITH_PERSON, starts=None)
    text = texts.introduction_for_non_member(request, "en")
    assert text.startswith("Dear Birgit Lund,")
    assert "Mette Kristensen" in text
    assert request.brief.ask in text
    assert "Kaffebro ApS (privacy@kaffebro.example.org)" in text
    assert "from the contacts of Jonas Berg" in text
    assert "https://kaffebro.example.org/privacy/object/" in text
    assert "e-mail address" in text and "object" in text
    danish = texts.introduction_for_non_member(request, "da")
    assert "https://kaffebro.example.org/privacy/object/" in danish
    with translation.override("da"):
        assert _("About your data (Kaffebro)") in danish


def test_the_thank_you_is_the_seekers_to_adapt(mette, jonas, sofie_en):
    request = introduction(mette, jonas, sofie_en, state=RequestState.HELD, starts=soon(days=-1))
    text = texts.thank_you(request, "en")
    assert text.startswith("Dear Sofie Holm,")
    assert text.rstrip().endswith("Mette Kristensen")
    assert "Jonas Berg" in text
    assert member_person(sofie_en).name == "Sofie Holm"
