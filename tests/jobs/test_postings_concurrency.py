"""Several runs or clicks at once: a seeker is nudged once, and a posting closed once.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write.
"""

import datetime

from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.jobs.actions import postings as actions
from kaffebro.meetings.timeline import timeline
from kaffebro.network.models import Posting, Target, TargetKind
from tests import concurrency

THREADS = 8

pytestmark = concurrency.POSTGRES_ONLY


def race(action) -> tuple[list, list]:
    return concurrency.race(action, threads=THREADS)


def test_overlapping_chores_nudge_once(mette, region_h):
    posting = Posting.objects.create(
        organisation=region_h, title="Dataanalytiker", deadline=timezone.localdate() + datetime.timedelta(days=40)
    )
    Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=posting, priority=2)
    day = timeline(posting.deadline, today=timezone.localdate()).latest_coffee
    done, _refused = race(lambda: actions.send_deadline_nudges(today=day))
    assert sum(done) == 1
    assert Event.objects.filter(kind=actions.NUDGE).count() == 1


def test_closing_at_once_closes_once(sofie, region_h, digitalisering):
    posting = actions.create_posting(sofie, region_h, actions.PostingFields(title="X", unit=digitalisering))
    done, refused = race(lambda: actions.close_posting(sofie, posting))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert Event.objects.filter(kind="posting.closed").count() == 1
