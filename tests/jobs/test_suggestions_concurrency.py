"""Sixteen clicks at once on "suggest" and on "invite to an interview": one suggestion, one answer, one outcome.

Runs on PostgreSQL only (real row locks between connections); SQLite serialises every write and has no
row-level locking, so the race cannot be shown there.
"""

from kaffebro.core.models import Event
from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.models import Outcome, Suggestion
from kaffebro.jobs.models import SuggestionState as S
from tests import concurrency
from tests.jobs.conftest import give_consent, suggestion_of

THREADS = 16

pytestmark = concurrency.POSTGRES_ONLY


def test_sixteen_suggestions_make_one(mette, jonas, sofie, digitalisering):
    give_consent(mette, jonas)
    done, refused = concurrency.race(
        lambda: actions.suggest(jonas, mette, unit=digitalisering, how_known="Colleagues.", why_fit="Data.")
    )
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert Suggestion.objects.count() == 1
    assert Event.objects.filter(kind="suggestion.made").count() == 1


def test_sixteen_invitations_to_an_interview_answer_once(mette, jonas, sofie, opening):
    suggestion = suggestion_of(mette, jonas, sofie, posting=opening)
    done, refused = concurrency.race(lambda: actions.invite_to_interview(sofie, suggestion))
    assert (len(done), len(refused)) == (1, THREADS - 1)
    assert Suggestion.objects.get().state == S.INTERVIEW
    assert Outcome.objects.count() == 1
    assert Event.objects.filter(kind="suggestion.invite_to_interview").count() == 1
