"""What a seeker is told as a posting's deadline nears: the one deadline nudge.

A seeker who targets a posting and has not yet asked anyone for a coffee meeting toward it hears,
once, on the latest sensible coffee date (`MEETING_LEAD_DAYS` before the deadline), that a coffee
now still helps: what they learn goes into the application, and the decision-maker knows the name
when it arrives. For a job that must be advertised the text says why networking still counts.

The text is written afresh in the reader's language whenever the inbox shows it or it is mailed.
Once the target is removed or the posting closed, the notice is gone (a neutral line in the inbox,
no mail).
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.jobs.actions.postings import NUDGE
from kaffebro.meetings.timeline import timeline
from kaffebro.network.models import Target, TargetKind
from kaffebro.notifications.registry import Gone, Rendered
from kaffebro.notifications.registry import register as register_notice


def _target_of(event: Event) -> Target | None:
    target_id = event.data.get("target")
    if not isinstance(target_id, int):
        return None
    return (
        Target.objects.select_related("posting__organisation")
        .filter(pk=target_id, code=event.subject, kind=TargetKind.POSTING)
        .first()
    )


def recipients(event: Event) -> list[int]:
    """The seeker whose target it is, while it still is."""
    target = _target_of(event)
    if target is None or target.seeker_id != event.data.get("seeker"):
        return []
    return [target.seeker_id]


def render(event: Event, recipient: User) -> Rendered:
    target = _target_of(event)
    if target is None or target.seeker_id != recipient.pk or target.posting is None:
        raise Gone
    posting = target.posting
    if posting.closed is not None or posting.deadline is None:
        raise Gone
    days = max(timeline(posting.deadline, today=timezone.localdate()).days_to_deadline, 0)
    values = {
        "title": posting.title,
        "organisation": posting.organisation.name,
        "deadline": date_format(posting.deadline, "DATE_FORMAT"),
        "days": days,
    }
    paragraphs = [
        _(
            "The application deadline for %(title)s at %(organisation)s is %(deadline)s, and you have not asked "
            "anyone for a coffee meeting about it yet."
        )
        % values,
        _(
            "A short coffee before you apply is still worth it: what you learn goes into your application, and the "
            "decision-maker knows your name when it arrives. Open the posting to see your ways in and ask now."
        ),
    ]
    if posting.is_public or posting.organisation.is_public:
        paragraphs.append(
            _(
                "The job must be advertised, but the decision-maker still chooses whom to invite to an interview: "
                "networking counts here too."
            )
        )
    return Rendered(
        subject=ngettext(
            "%(days)d day to the deadline for %(title)s: time for a coffee?",
            "%(days)d days to the deadline for %(title)s: time for a coffee?",
            days,
        )
        % values,
        text="\n\n".join(paragraphs),
        html="".join(linebreaks(escape(paragraph)) for paragraph in paragraphs),
        link=reverse("postings:detail", args=[posting.code]),
    )


def register() -> None:
    """The notices of the postings area; called from `JobsConfig.ready()` through `register_notices`."""
    register_notice(NUDGE, render=render, recipients=recipients)
