"""Who hears of a candidate suggestion, and what they read; and the weekly connector digest's notice.

For every event the suggestion actions write, `recipients` names members only, never the one who
acted, and never the decision-maker before the seeker consented:

- made: the seeker (asked for her consent, or told that her standing consent covered it), and the
  decision-maker when it reached them at once;
- consent: the decision-maker and the suggester; decline: the suggester; withdraw: the seeker;
- the decision-maker's answers: the seeker and every suggester of the group, except that an invitation
  to coffee reaches the seeker as the meeting's own notice, and that the suggester credited with an
  interview or a hire hears of it through the outcome's notice (`notices.outcomes`), as does the seeker
  of a hire; archiving tells nobody.

The kind word back of "not a fit" is shown to the suggesters only. Texts are written afresh from the
suggestion as it is now, in the reader's language; a reader who may no longer see it gets a neutral line.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.jobs import digest
from kaffebro.jobs.access import suggestions as access
from kaffebro.jobs.models import Suggestion, SuggestionState
from kaffebro.jobs.suggestions_states import NOT_PASSED_ON, TRANSITIONS
from kaffebro.notifications.models import DigestDelivery
from kaffebro.notifications.registry import Gone, Rendered
from kaffebro.notifications.registry import register as register_kind

PREFIX = "suggestion."
NAMES = ("made", *TRANSITIONS)
SILENT = frozenset({"archive"})


def _name(event: Event) -> str:
    return event.kind.removeprefix(PREFIX)


def _moved(event: Event) -> list[Suggestion]:
    """The suggestions the event moved, the one answered first."""
    ids = [value for value in event.data.get("moved", []) if isinstance(value, int)]
    found = Suggestion.objects.select_related(*access.SUGGESTION_RELATED).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


# Who hears of what


def recipients(event: Event) -> list[int]:
    moved = _moved(event)
    if not moved:
        return []
    lead, name = moved[0], _name(event)
    seeker = {lead.seeker_id}
    suggesters = {suggestion.suggested_by_id for suggestion in moved}
    credited = {lead.suggested_by_id} if event.data.get("outcome") else set()
    rules: dict[str, set[int]] = {
        "made": seeker | ({lead.decision_maker_id} if event.data.get("state") == SuggestionState.NEW else set()),
        "consent": {lead.decision_maker_id} | suggesters,
        "decline": suggesters,
        "withdraw": seeker,
        "invite_to_coffee": suggesters,
        "invite_to_apply": seeker | suggesters,
        "invite_to_interview": seeker | (suggesters - credited),
        "record_hired": (suggesters - credited) | (set() if credited else seeker),
        "not_a_fit": seeker | suggesters,
        "archive": set(),
    }
    return sorted(member for member in rules.get(name, set()) if member != event.actor_id)


# What they read

Text = tuple[str, list[str]]


def _values(lead: Suggestion, moved: list[Suggestion]) -> dict[str, str]:
    return {
        "seeker": lead.seeker.display_name,
        "suggester": lead.suggested_by.display_name,
        "suggesters": ", ".join(suggestion.suggested_by.display_name for suggestion in moved),
        "decision_maker": lead.decision_maker.display_name,
        "place": access.place_of(lead),
    }


def _to_decision_maker(v: dict[str, str]) -> Text:
    return (
        _("%(suggester)s suggests %(seeker)s for %(place)s") % v,
        [
            _(
                "%(suggester)s thinks %(seeker)s could be right for %(place)s and says why. The endorsement, the "
                "profile and the preparation brief are in your inbox of suggestions."
            )
            % v,
            _("Suggestions are advice from people. Kaffebro does not score or rank candidates."),
        ],
    )


def _made(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    if role == "decision_maker":
        return _to_decision_maker(v)
    if event.data.get("state") == SuggestionState.AWAITING_CONSENT:
        return (
            _("%(suggester)s would like to suggest you to %(decision_maker)s") % v,
            [
                _(
                    "%(suggester)s would like to suggest you to %(decision_maker)s, who decides on hiring for "
                    "%(place)s. It goes to them only if you agree: read what %(suggester)s wrote about you, then "
                    "consent or decline."
                )
                % v
            ],
        )
    return (
        _("%(suggester)s has suggested you to %(decision_maker)s") % v,
        [
            _(
                "%(suggester)s has suggested you to %(decision_maker)s for %(place)s, as your standing consent "
                "allows. You can read what they wrote about you on the suggestion."
            )
            % v
        ],
    )


def _consent(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    if role == "decision_maker":
        return _to_decision_maker(v)
    return (
        _("%(seeker)s agreed to your suggestion") % v,
        [_("%(seeker)s has consented, so your suggestion has gone to %(decision_maker)s.") % v],
    )


def _decline(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    return (
        _("%(seeker)s would rather not be suggested this time") % v,
        [
            _("%(seeker)s has declined, so the suggestion does not go to %(decision_maker)s.") % v,
            _("Thank you for thinking of them."),
        ],
    )


def _withdraw(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    return (
        _("%(suggester)s has withdrawn a suggestion") % v,
        [_("%(suggester)s has taken back the suggestion of you to %(decision_maker)s (%(place)s).") % v],
    )


def _coffee(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    return (
        _("%(decision_maker)s invites %(seeker)s for coffee") % v,
        [_("Your suggestion of %(seeker)s for %(place)s led to an invitation to a coffee meeting. Thank you.") % v],
    )


def _apply(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    if role == "seeker":
        return (
            _("%(decision_maker)s invites you to apply") % v,
            [
                _(
                    "%(decision_maker)s, who decides on hiring for %(place)s, invites you to apply. %(suggesters)s "
                    "suggested you."
                )
                % v
            ],
        )
    return (
        _("%(decision_maker)s invites %(seeker)s to apply") % v,
        [_("Your suggestion of %(seeker)s for %(place)s led to an invitation to apply. Thank you.") % v],
    )


def _interview(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    if role == "seeker":
        return (
            _("%(decision_maker)s invites you to an interview") % v,
            [
                _(
                    "%(decision_maker)s, who decides on hiring for %(place)s, would like to invite you to an "
                    "interview. %(suggesters)s suggested you."
                )
                % v
            ],
        )
    return (
        _("%(decision_maker)s invites %(seeker)s to an interview") % v,
        [_("Your suggestion of %(seeker)s for %(place)s led to an invitation to an interview. Thank you.") % v],
    )


def _hired(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    if role == "seeker":
        return (
            _("%(decision_maker)s has recorded that you were hired") % v,
            [_("%(decision_maker)s has recorded that you were hired for %(place)s. Congratulations!") % v],
        )
    return (
        _("%(seeker)s has been hired") % v,
        [
            _("%(decision_maker)s has recorded that %(seeker)s was hired for %(place)s after your suggestion.") % v,
            _("Thank you: this is how people find their way in."),
        ],
    )


def _not_a_fit(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    if role == "seeker":
        return (
            _("%(decision_maker)s has answered the suggestion") % v,
            [
                _(
                    "%(decision_maker)s has looked at the suggestion of you for %(place)s and will not take it "
                    "further this time. That happens, and it says nothing about what you are worth."
                )
                % v,
                _("%(suggesters)s vouched for you: they will be glad to hear from you.") % v,
            ],
        )
    body = [_("%(decision_maker)s does not think %(seeker)s is the right fit for %(place)s this time.") % v]
    if mine.reason_back:
        body.append(_("What %(decision_maker)s wrote to you:") % v + "\n" + mine.reason_back)
    body.append(_("Thank you for suggesting them."))
    return _("%(decision_maker)s has answered your suggestion of %(seeker)s") % v, body


def _silent(role: str, mine: Suggestion, v: dict[str, str], event: Event) -> Text:
    raise Gone


WRITERS: dict[str, Callable[[str, Suggestion, dict[str, str], Event], Text]] = {
    "made": _made,
    "consent": _consent,
    "decline": _decline,
    "withdraw": _withdraw,
    "invite_to_coffee": _coffee,
    "invite_to_apply": _apply,
    "invite_to_interview": _interview,
    "record_hired": _hired,
    "not_a_fit": _not_a_fit,
    "archive": _silent,
}


def _reader(recipient: User, moved: list[Suggestion]) -> tuple[str, Suggestion] | None:
    """The recipient's role and the suggestion they read about (a suggester reads their own), as they may now."""
    lead = moved[0]
    if recipient.pk == lead.seeker_id:
        return "seeker", lead
    mine = next((suggestion for suggestion in moved if suggestion.suggested_by_id == recipient.pk), None)
    if mine is not None:
        return "suggester", mine
    if recipient.pk == lead.decision_maker_id and lead.state not in NOT_PASSED_ON:
        return "decision_maker", lead
    return None


def render(event: Event, recipient: User) -> Rendered:
    """The notice for one recipient, in their language (active); Gone when it is no longer theirs to see."""
    moved = _moved(event)
    writer = WRITERS.get(_name(event))
    reader = _reader(recipient, moved) if moved else None
    if writer is None or reader is None:
        raise Gone
    role, mine = reader
    subject, body = writer(role, mine, _values(moved[0], moved), event)
    return Rendered(
        subject=subject,
        text="\n\n".join(body),
        html="".join(linebreaks(escape(paragraph)) for paragraph in body),
        link=reverse("jobs:suggestion", args=[mine.code]),
    )


def register() -> None:
    """Called from `jobs.notices.register_notices()` when the app is ready: suggestions and the digest."""
    for name in NAMES:
        register_kind(PREFIX + name, render=render, recipients=recipients, email=name not in SILENT)
    for delivery, kind in digest.KIND_BY_DELIVERY.items():
        register_kind(kind, render=digest.render, recipients=digest.recipients, email=delivery == DigestDelivery.EMAIL)
