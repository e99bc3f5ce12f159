"""Who hears of a recorded outcome, and what they read.

The connector an outcome is credited to hears that their help led somewhere ("your introduction
led to an interview"): only for good news (an application, an interview, an offer, a hire), never
for a decline or a withdrawal. When a decision-maker recorded the outcome, the seeker hears of it
too, so nothing is said about her without her knowing; she can remove it from her pipeline.

Texts are written afresh from the outcome as it is now, in the reader's language; a removed
outcome is gone from the inbox (a neutral line) and mails nobody. Removing an outcome tells nobody.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.jobs.models import Credit, Outcome, OutcomeKind
from kaffebro.notifications.registry import Gone, Rendered
from kaffebro.notifications.registry import register as register_notice

RECORDED = "outcome.recorded"
GOOD_NEWS = frozenset({OutcomeKind.APPLIED, OutcomeKind.INTERVIEW, OutcomeKind.OFFER, OutcomeKind.HIRED})


def _outcome_of(event: Event) -> Outcome | None:
    found = Outcome.objects.select_related("seeker", "recorded_by", "organisation", "posting", "meeting")
    outcome_id = event.data.get("outcome")
    if not isinstance(outcome_id, int):
        return None
    return found.filter(pk=outcome_id, code=event.subject).first()


def _credits_connector(outcome: Outcome) -> bool:
    return outcome.connector_id is not None and outcome.kind in GOOD_NEWS


def recipients(event: Event) -> list[int]:
    """The credited connector for good news; the seeker when someone else recorded it. Never the one who acted."""
    outcome = _outcome_of(event)
    if outcome is None:
        return []
    wanted = {outcome.seeker_id}
    if _credits_connector(outcome) and outcome.connector_id is not None:
        wanted.add(outcome.connector_id)
    return sorted(member for member in wanted if member != event.actor_id)


def _result(kind: str) -> str:
    return {
        OutcomeKind.APPLIED: _("an application"),
        OutcomeKind.INTERVIEW: _("an invitation to an interview"),
        OutcomeKind.OFFER: _("a job offer"),
        OutcomeKind.HIRED: _("a new job"),
    }[OutcomeKind(kind)]


def _to_connector(outcome: Outcome) -> tuple[str, list[str], str]:
    values = {"seeker": outcome.seeker.display_name, "result": _result(outcome.kind)}
    if outcome.credit == Credit.SHARE:
        subject = _("Putting %(seeker)s's profile in play led to %(result)s") % values
    elif outcome.credit == Credit.SUGGESTION:
        subject = _("Your suggestion of %(seeker)s led to %(result)s") % values
    elif outcome.credit == Credit.MEETING and outcome.meeting is not None and outcome.meeting.connector_id:
        subject = _("Your introduction of %(seeker)s led to %(result)s") % values
    else:
        subject = _("Your help to %(seeker)s led to %(result)s") % values
    if outcome.organisation is not None:
        first = _("%(seeker)s has recorded that it led to %(result)s at %(organisation)s.") % {
            **values,
            "organisation": outcome.organisation.name,
        }
    else:
        first = _("%(seeker)s has recorded that it led to %(result)s.") % values
    body = [first, _("Thank you: this is how people find their way in.")]
    meeting = outcome.meeting
    link = ""
    if meeting is not None and meeting.connector_id == outcome.connector_id and meeting.first_sent is not None:
        link = reverse("meetings:request", args=[meeting.code])
    return subject, body, link


def _to_seeker(outcome: Outcome) -> tuple[str, list[str], str]:
    values = {
        "actor": outcome.recorded_by.display_name,
        "outcome": OutcomeKind(outcome.kind).label,
        "date": date_format(outcome.date, "DATE_FORMAT"),
        "where": outcome.posting.title
        if outcome.posting
        else (outcome.organisation.name if outcome.organisation else ""),
    }
    subject = _("%(actor)s recorded “%(outcome)s” for you") % values
    first = (
        _("%(actor)s has recorded “%(outcome)s” for you (%(where)s) on %(date)s.")
        if values["where"]
        else _("%(actor)s has recorded “%(outcome)s” for you on %(date)s.")
    ) % values
    body = [first, _("It is on your pipeline page. If it is a mistake, you can remove it there.")]
    return subject, body, reverse("jobs:pipeline")


def render(event: Event, recipient: User) -> Rendered:
    outcome = _outcome_of(event)
    if outcome is None:
        raise Gone
    if recipient.pk == outcome.seeker_id and event.actor_id != outcome.seeker_id:
        subject, body, link = _to_seeker(outcome)
    elif recipient.pk == outcome.connector_id and _credits_connector(outcome):
        subject, body, link = _to_connector(outcome)
    else:
        raise Gone
    return Rendered(
        subject=subject,
        text="\n\n".join(body),
        html="".join(linebreaks(escape(paragraph)) for paragraph in body),
        link=link,
    )


def register() -> None:
    """Called from `jobs.notices.register_notices()` when the app is ready."""
    register_notice(RECORDED, render=render, recipients=recipients)
