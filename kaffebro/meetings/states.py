"""Every allowed change of a coffee meeting request's state, in one table.

An action may change a request's state only along a row of `TRANSITIONS`, and
only with a conditional update from one of the row's source states. Each row is
tested allowed and refused (tests/meetings/test_states.py); a row from no state creates
a request (the invitation, tested in tests/meetings/test_invite.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaffebro.meetings.models import RequestState as S


@dataclass(frozen=True)
class Transition:
    sources: tuple[str, ...]
    target: str
    who: str  # "seeker", "connector", "person" (or the connector for a non-member), "either", "system"


# A row with no source state creates a request in its target state (an invitation from the person to meet).
FROM_NO_STATE: tuple[str, ...] = ()


OPEN = (S.DRAFT, S.WITH_CONNECTOR, S.WITH_PERSON, S.SCHEDULING, S.SCHEDULED)
WAITING_FOR_AN_ANSWER = (S.WITH_CONNECTOR, S.WITH_PERSON, S.SCHEDULING)

TRANSITIONS: dict[str, Transition] = {
    "send_to_connector": Transition((S.DRAFT,), S.WITH_CONNECTOR, "seeker"),
    "send_direct": Transition((S.DRAFT,), S.WITH_PERSON, "seeker"),
    "approve_introduction": Transition((S.WITH_CONNECTOR,), S.WITH_PERSON, "connector"),
    "ask_for_changes": Transition((S.WITH_CONNECTOR,), S.DRAFT, "connector"),
    "decline_introduction": Transition((S.WITH_CONNECTOR,), S.DECLINED, "connector"),
    "accept": Transition((S.WITH_PERSON,), S.SCHEDULING, "person"),
    "decline": Transition((S.WITH_PERSON,), S.DECLINED, "person"),
    "pick_time": Transition((S.SCHEDULING,), S.SCHEDULED, "either"),
    "reschedule": Transition((S.SCHEDULED,), S.SCHEDULING, "either"),
    "cancel": Transition((S.SCHEDULING, S.SCHEDULED), S.WITHDRAWN, "either"),
    "withdraw": Transition(
        (S.DRAFT, S.WITH_CONNECTOR, S.WITH_PERSON, S.SCHEDULING, S.SCHEDULED), S.WITHDRAWN, "seeker"
    ),
    "confirm_held": Transition((S.SCHEDULED,), S.HELD, "either"),
    "not_held": Transition((S.SCHEDULED,), S.SCHEDULING, "either"),
    "log_follow_up": Transition((S.HELD,), S.FOLLOWED_UP, "seeker"),
    "expire": Transition(WAITING_FOR_AN_ANSWER, S.EXPIRED, "system"),
    "invite": Transition(FROM_NO_STATE, S.SCHEDULING, "person"),
}


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def actions_from(state: str) -> list[str]:
    """The actions that may start from a state (for pages that offer only what is possible)."""
    return [name for name, transition in TRANSITIONS.items() if state in transition.sources]
