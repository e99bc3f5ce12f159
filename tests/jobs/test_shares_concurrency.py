"""Sixteen clicks on the same card at once: exactly one answer counts.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write and has no
row-level locking, so the race cannot be shown there. Run with
DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_ci.
"""

import threading

import pytest
from django.db import connection

from kaffebro.core.models import Event
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import ConsentScope, ProfileShare, ShareAnswer, ShareConsent, ShareRecipient, ShareState
from kaffebro.meetings.models import MeetingRequest
from tests.conftest import know
from tests.jobs.conftest import cards_of, give_consent

THREADS = 16
NOTE = "Worth a coffee."

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: SQLite has no row locks between connections; "
        "run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/kaffebro_ci",
    ),
]


def race(actions_to_run) -> tuple[list, list]:
    """Run the actions (one per thread) released at once; the results and the refusals."""
    barrier = threading.Barrier(len(actions_to_run))
    done, refused, errors = [], [], []

    def click(action):
        try:
            barrier.wait(timeout=30)
            done.append(action())
        except actions.Refused as refusal:
            refused.append(refusal)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(action,)) for action in actions_to_run]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return done, refused


@pytest.fixture
def share(mette, jonas, in_play_cast):
    give_consent(mette, jonas)
    return actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"], in_play_cast["karin"]), NOTE)


def test_sixteen_answers_of_every_kind_make_one(share, sofie, in_play_cast):
    row = share.recipients.get(member=sofie)
    know(sofie, in_play_cast["peter"])
    peter = cards_of(sofie, in_play_cast["peter"])[0]
    kinds = [
        lambda: actions.answer_card(sofie, row, ShareAnswer.COFFEE),
        lambda: actions.answer_card(sofie, row, ShareAnswer.NOT_NOW),
        lambda: actions.pass_on(sofie, row, peter, NOTE),
    ]
    done, refused = race([kinds[number % 3] for number in range(THREADS)])
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert ShareRecipient.objects.get(pk=row.pk).answer != ShareAnswer.PENDING
    assert Event.objects.filter(kind="share.answered").count() == 1
    assert MeetingRequest.objects.count() + ProfileShare.objects.filter(helper=sofie).count() <= 1


def test_sixteen_yes_coffee_make_one_meeting(share, mette, sofie):
    row = share.recipients.get(member=sofie)
    done, refused = race([lambda: actions.answer_card(sofie, row, ShareAnswer.COFFEE)] * THREADS)
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert MeetingRequest.objects.filter(seeker=mette).count() == 1
    assert ShareRecipient.objects.get(pk=row.pk).meeting == MeetingRequest.objects.get()


def test_sixteen_recorded_answers_for_a_non_member_make_one(share, jonas, in_play_cast):
    row = share.recipients.get(person=in_play_cast["karin"])
    done, refused = race([lambda: actions.record_answer(jonas, row, ShareAnswer.NOT_NOW)] * THREADS)
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert Event.objects.filter(kind="share.answered").count() == 1


def test_sixteen_consents_to_a_waiting_share_record_one(mette, jonas, in_play_cast):
    actions.withdraw_consent(mette, give_consent(mette, jonas))
    waiting = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
    shown = actions.text_digest(actions.consent_text(mette, jonas, scope=ConsentScope.ONE, recipients=1))
    done, refused = race([lambda: actions.consent_to_share(mette, waiting, shown=shown)] * THREADS)
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert ProfileShare.objects.get(pk=waiting.pk).state == ShareState.SENT
    assert ShareConsent.objects.filter(scope=ConsentScope.ONE).count() == 1
