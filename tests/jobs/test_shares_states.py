"""Every row of the profiles-in-play table, allowed from each of its source states and refused from every other.

Parametrised over `shares_states.TRANSITIONS` and the states of each row's machine (a share's state, a
recipient's answer), so a new row or state is tried automatically; a row needs a way to perform it in `PERFORM`.
"""

import pytest
from django.utils import translation

from kaffebro.core.models import Event
from kaffebro.jobs import shares_states as states
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import ConsentScope, ProfileShare, ShareAnswer, ShareRecipient, ShareState
from kaffebro.network.members import member_person
from tests.conftest import know
from tests.jobs.conftest import cards_of

pytestmark = pytest.mark.django_db

NOTE = "Worth a coffee."


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def _consent(cast, share):
    text = actions.consent_text(cast.mette, cast.jonas, scope=ConsentScope.ONE, recipients=1)
    actions.consent_to_share(cast.mette, share, shown=actions.text_digest(text))


def _pass_on(cast, row):
    know(cast.sofie, cast.peter)
    actions.pass_on(cast.sofie, row, cards_of(cast.sofie, cast.peter)[0], NOTE)


PERFORM = {
    "consent": _consent,
    "decline_consent": lambda cast, share: actions.decline_consent(cast.mette, share),
    "cancel": lambda cast, share: actions.cancel_share(cast.jonas, share),
    "coffee": lambda cast, row: actions.answer_card(cast.sofie, row, ShareAnswer.COFFEE),
    "pass_on": _pass_on,
    "not_now": lambda cast, row: actions.answer_card(cast.sofie, row, ShareAnswer.NOT_NOW),
}
EVENT = {"consent": "consented", "decline_consent": "consent_declined", "cancel": "cancelled"}
SHARE_ROWS = [name for name, row in states.TRANSITIONS.items() if row.machine == "share"]
ANSWER_ROWS = [name for name, row in states.TRANSITIONS.items() if row.machine == "answer"]


class Cast:
    def __init__(self, mette, jonas, sofie, peter):
        self.mette, self.jonas, self.sofie, self.peter = mette, jonas, sofie, peter


@pytest.fixture
def cast(mette, jonas, sofie, in_play_cast):
    return Cast(mette, jonas, sofie, in_play_cast["peter"])


def share_in(state, cast, answer=ShareAnswer.PENDING) -> tuple[ProfileShare, ShareRecipient]:
    share = ProfileShare.objects.create(seeker=cast.mette, helper=cast.jonas, note=NOTE, state=state)
    row = ShareRecipient.objects.create(share=share, person=member_person(cast.sofie), member=cast.sofie, answer=answer)
    return share, row


def test_every_row_can_be_performed():
    assert set(PERFORM) == set(states.TRANSITIONS)


def test_the_table_names_real_states_and_parties():
    for name, row in states.TRANSITIONS.items():
        values = ShareState.values if row.machine == "share" else ShareAnswer.values
        assert set(row.sources) <= set(values) and row.target in values, name
        assert row.who in {"seeker", "helper", "recipient"}, name


def test_answers_from_lists_what_a_card_still_offers():
    assert states.answers_from(ShareAnswer.PENDING) == ["coffee", "pass_on", "not_now"]
    assert states.answers_from(ShareAnswer.COFFEE) == []


def _events():
    return Event.objects.filter(kind__startswith="share.").count()


@pytest.mark.parametrize("state", ShareState.values)
@pytest.mark.parametrize("name", SHARE_ROWS)
def test_each_share_row_is_allowed_from_its_sources_and_refused_from_every_other_state(name, state, cast):
    share, _row = share_in(state, cast)
    before = ProfileShare.objects.values().get(pk=share.pk)
    events = _events()
    if states.allowed(name, state):
        PERFORM[name](cast, share)
        assert ProfileShare.objects.get(pk=share.pk).state == states.TRANSITIONS[name].target
        assert Event.objects.filter(kind=f"share.{EVENT[name]}", subject=share.code).count() == 1
        assert _events() == events + 1
    else:
        with pytest.raises(actions.Refused):
            PERFORM[name](cast, share)
        assert ProfileShare.objects.values().get(pk=share.pk) == before
        assert _events() == events


@pytest.mark.parametrize("answer", ShareAnswer.values)
@pytest.mark.parametrize("name", ANSWER_ROWS)
def test_each_answer_row_is_allowed_from_its_sources_and_refused_from_every_other_answer(name, answer, cast):
    _share, row = share_in(ShareState.SENT, cast, answer=answer)
    before = ShareRecipient.objects.values().get(pk=row.pk)
    if states.allowed(name, answer):
        PERFORM[name](cast, row)
        assert ShareRecipient.objects.get(pk=row.pk).answer == states.TRANSITIONS[name].target
        assert Event.objects.filter(kind="share.answered", subject=row.code).count() == 1
    else:
        with pytest.raises(actions.Refused):
            PERFORM[name](cast, row)
        assert ShareRecipient.objects.values().get(pk=row.pk) == before
        assert not Event.objects.filter(kind="share.answered").exists()


@pytest.mark.parametrize("state", [state for state in ShareState.values if state not in states.ANSWERED_WHILE])
@pytest.mark.parametrize("name", ANSWER_ROWS)
def test_no_answer_while_the_share_is_not_in_play(name, state, cast):
    _share, row = share_in(state, cast)
    with pytest.raises(actions.Refused):
        PERFORM[name](cast, row)
    assert ShareRecipient.objects.get(pk=row.pk).answer == ShareAnswer.PENDING
