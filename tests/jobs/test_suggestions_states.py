"""Every row of the suggestion transition table, tried from every state: allowed where the table says, else refused.

And every row refused for the parties it is not for.
"""

from __future__ import annotations

import pytest

from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.actions.shares import text_digest
from kaffebro.jobs.models import Outcome, Suggestion, SuggestionState
from kaffebro.jobs.suggestions_states import TRANSITIONS, actions_from, allowed
from kaffebro.network.actions import Refused
from tests.jobs.conftest import suggestion_of


def perform(name: str, user, suggestion: Suggestion) -> Suggestion:
    if name == "consent":
        return actions.consent(user, suggestion, shown=text_digest(actions.consent_text(suggestion)))
    if name == "not_a_fit":
        return actions.not_a_fit(user, suggestion, "Thank you for thinking of us.")
    return getattr(actions, name)(user, suggestion)


@pytest.fixture
def parties(mette, jonas, sofie):
    return {"seeker": mette, "suggester": jonas, "decision_maker": sofie}


CASES = [(name, state) for name in TRANSITIONS for state in SuggestionState.values]


@pytest.mark.parametrize(("name", "state"), CASES)
def test_each_row_from_each_state(name, state, parties, mette, jonas, sofie, opening):
    suggestion = suggestion_of(mette, jonas, sofie, posting=opening, state=state)
    actor = parties[TRANSITIONS[name].who]
    if allowed(name, state):
        moved = perform(name, actor, suggestion)
        assert moved.state == TRANSITIONS[name].target
        suggestion.refresh_from_db()
        assert suggestion.state == TRANSITIONS[name].target
    else:
        with pytest.raises(Refused):
            perform(name, actor, suggestion)
        suggestion.refresh_from_db()
        assert suggestion.state == state
        assert not Outcome.objects.exists()


@pytest.mark.parametrize("name", list(TRANSITIONS))
def test_each_row_is_refused_to_everyone_it_is_not_for(name, parties, mette, jonas, sofie, dorte, lars, opening):
    state = TRANSITIONS[name].sources[0]
    suggestion = suggestion_of(mette, jonas, sofie, posting=opening, state=state)
    others = [user for role, user in parties.items() if role != TRANSITIONS[name].who] + [dorte, lars]
    for other in others:
        with pytest.raises(Refused):
            perform(name, other, suggestion)
    suggestion.refresh_from_db()
    assert suggestion.state == state


def test_the_pages_offer_exactly_the_table():
    assert actions_from(SuggestionState.AWAITING_CONSENT, "seeker") == ["consent", "decline"]
    assert actions_from(SuggestionState.NEW, "decision_maker") == [
        "invite_to_coffee",
        "invite_to_apply",
        "invite_to_interview",
        "not_a_fit",
        "archive",
    ]
    assert actions_from(SuggestionState.ARCHIVED, "decision_maker") == []
    assert actions_from(SuggestionState.NEW, "suggester") == ["withdraw"]
