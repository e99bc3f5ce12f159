"""Every allowed change of a candidate suggestion's state, in one table.

An action in `actions/suggestions.py` may change a suggestion's state only along a row of
`TRANSITIONS`, and only with a conditional update from one of the row's source states. Each row
is tested allowed and refused (tests/jobs/test_suggestions_states.py).

A suggestion waits for the seeker's consent unless she has a standing consent for the member who
suggests her; only then does it reach the decision-maker, who answers with one of their rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaffebro.jobs.models import SuggestionState as S


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    who: str  # "seeker", "suggester" or "decision_maker"


# Reached the decision-maker and not yet answered for good.
IN_PLAY = (S.NEW, S.COFFEE, S.APPLY, S.INTERVIEW)
# Never reached the decision-maker: their inbox does not show these.
NOT_PASSED_ON = (S.AWAITING_CONSENT, S.CANCELLED)

TRANSITIONS: dict[str, Transition] = {
    "consent": Transition((S.AWAITING_CONSENT,), S.NEW, "seeker"),
    "decline": Transition((S.AWAITING_CONSENT,), S.CANCELLED, "seeker"),
    "withdraw": Transition((S.AWAITING_CONSENT, S.NEW), S.CANCELLED, "suggester"),
    "invite_to_coffee": Transition((S.NEW,), S.COFFEE, "decision_maker"),
    "invite_to_apply": Transition((S.NEW, S.COFFEE), S.APPLY, "decision_maker"),
    "invite_to_interview": Transition((S.NEW, S.COFFEE, S.APPLY), S.INTERVIEW, "decision_maker"),
    "record_hired": Transition((S.COFFEE, S.APPLY, S.INTERVIEW), S.HIRED, "decision_maker"),
    "not_a_fit": Transition(IN_PLAY, S.NOT_A_FIT, "decision_maker"),
    "archive": Transition((*IN_PLAY, S.HIRED, S.NOT_A_FIT), S.ARCHIVED, "decision_maker"),
}


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def actions_from(state: str, who: str) -> list[str]:
    """The actions this party may start from a state (for pages that offer only what is possible)."""
    return [name for name, row in TRANSITIONS.items() if state in row.sources and row.who == who]
