"""Sixteen people clicking the same button at once: exactly one click has an effect.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write
and has no row-level locking, so the race cannot be shown there.
"""

import datetime
import threading

from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.meetings import actions
from kaffebro.meetings.models import MeetingRequest, PrepBrief, ProposedTime, RequestKind, RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import ConnectorSettings, Target, TargetKind
from tests import concurrency
from tests.conftest import make_member
from tests.meetings.conftest import GOOD_EN
from tests.meetings.request_cast import NOTE, request_in

THREADS = 16

pytestmark = concurrency.POSTGRES_ONLY


def _in(state, mette, jonas, sofie, brief):
    request = request_in(state, mette, jonas, sofie, brief)
    MeetingRequest.objects.filter(pk=request.pk).update(answer_due=timezone.now() + datetime.timedelta(days=5))
    request.refresh_from_db()
    return request


def _events(kind):
    return Event.objects.filter(kind=kind).count()


def test_sixteen_approvals_make_one_introduction(mette, jonas, sofie, brief):
    request = _in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
    done, refused = concurrency.race(lambda: actions.approve_introduction(jonas, request, NOTE))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert MeetingRequest.objects.get(pk=request.pk).state == RequestState.WITH_PERSON
    assert _events("meeting.approve_introduction") == 1


def test_sixteen_accepts_make_one_acceptance(mette, jonas, sofie, brief):
    request = _in(RequestState.WITH_PERSON, mette, jonas, sofie, brief)
    done, refused = concurrency.race(lambda: actions.accept(sofie, request))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert MeetingRequest.objects.get(pk=request.pk).state == RequestState.SCHEDULING
    assert _events("meeting.accept") == 1


def test_sixteen_picks_make_one_meeting_and_one_invitation(mette, jonas, sofie, brief):
    request = _in(RequestState.SCHEDULING, mette, jonas, sofie, brief)
    starts = timezone.now() + datetime.timedelta(days=2)
    proposed = ProposedTime.objects.create(
        request=request, starts=starts, ends=starts + datetime.timedelta(hours=1), proposed_by=sofie
    )
    done, refused = concurrency.race(lambda: actions.pick_time(mette, request, proposed))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    scheduled = MeetingRequest.objects.get(pk=request.pk)
    assert scheduled.state == RequestState.SCHEDULED and scheduled.calendar_sequence == 1
    assert _events("meeting.pick_time") == 1


def test_sixteen_confirmations_hold_one_meeting(mette, jonas, sofie, brief):
    request = _in(RequestState.SCHEDULED, mette, jonas, sofie, brief)
    done, refused = concurrency.race(lambda: actions.confirm_held(mette, request, True))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert MeetingRequest.objects.get(pk=request.pk).state == RequestState.HELD
    assert _events("meeting.confirm_held") == 1


def test_sixteen_sends_of_one_draft_count_once_against_the_connector(mette, jonas, sofie, brief):
    request = _in(RequestState.DRAFT, mette, jonas, sofie, brief)
    done, refused = concurrency.race(lambda: actions.send_request(mette, request))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert ConnectorSettings.objects.get(user=jonas).introductions_used == 1
    assert _events("meeting.send_request") == 1


def test_sixteen_seekers_at_once_get_no_more_than_the_connectors_monthly_limit(jonas, sofie, digitalisering):
    """Sixteen seekers each send Jonas an introduction request at the same moment; he takes four a month."""
    ConnectorSettings.objects.filter(user=jonas).update(monthly_limit=4)
    drafts = []
    for number in range(THREADS):
        seeker = make_member(f"seeker{number}@example.org", f"Seeker {number}")
        target = Target.objects.create(seeker=seeker, kind=TargetKind.UNIT, unit=digitalisering, priority=1)
        brief = PrepBrief.objects.create(seeker=seeker, target=target, **GOOD_EN)
        drafts.append(
            MeetingRequest.objects.create(
                seeker=seeker,
                brief=brief,
                kind=RequestKind.INTRODUCTION,
                connector=jonas,
                person=member_person(sofie),
                person_member=sofie,
                path=[member_person(jonas).pk, member_person(sofie).pk],
            )
        )
    turns = iter(drafts)
    lock = threading.Lock()

    def send_one():
        with lock:
            draft = next(turns)
        return actions.send_request(draft.seeker, draft)

    done, refused = concurrency.race(send_one)
    assert (len(done), len(refused)) == (4, THREADS - 4)
    assert ConnectorSettings.objects.get(user=jonas).introductions_used == 4
    assert MeetingRequest.objects.filter(state=RequestState.WITH_CONNECTOR).count() == 4
    assert _events("meeting.send_request") == 4
