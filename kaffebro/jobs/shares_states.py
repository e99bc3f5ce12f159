"""Every allowed change of a profile put in play, in one table: the share's state and each recipient's answer.

A share waits for the seeker's consent when the helper had none standing; she consents (it is sent) or
declines, and the helper may call a waiting share off. Each recipient answers once: "yes, coffee", "I'll
pass it on" or "not now" (a member on their card, the helper for a non-member who answered by hand), and
only while the share is in play. An action changes a state only along a row, with a conditional update from
one of the row's sources, so of two clicks exactly one has an effect. Each row is tested allowed and refused
(tests/jobs/test_shares_states.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from kaffebro.jobs.models import ShareAnswer as A
from kaffebro.jobs.models import ShareState as S


@dataclass(frozen=True)
class Transition:
    machine: str  # "share" (ProfileShare.state) or "answer" (ShareRecipient.answer)
    sources: tuple[str, ...]
    target: str
    who: str  # "seeker", "helper", or "recipient" (the member, or the helper for a non-member)


TRANSITIONS: dict[str, Transition] = {
    "consent": Transition("share", (S.AWAITING_CONSENT,), S.SENT, "seeker"),
    "decline_consent": Transition("share", (S.AWAITING_CONSENT,), S.CANCELLED, "seeker"),
    "cancel": Transition("share", (S.AWAITING_CONSENT,), S.CANCELLED, "helper"),
    "coffee": Transition("answer", (A.PENDING,), A.COFFEE, "recipient"),
    "pass_on": Transition("answer", (A.PENDING,), A.PASS_ON, "recipient"),
    "not_now": Transition("answer", (A.PENDING,), A.NOT_NOW, "recipient"),
}

# Answers are given only to a share in play.
ANSWERED_WHILE = (S.SENT,)


def allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].sources


def answers_from(answer: str) -> list[str]:
    """The answers a recipient can still give (for the card, which offers only what is possible)."""
    return [name for name, row in TRANSITIONS.items() if row.machine == "answer" and answer in row.sources]
