"""Who hears of a profile put in play, and what they read (in the app and by e-mail).

- A member recipient gets their card when the share is sent (at once, or once the seeker consented).
- The seeker is asked when a share waits for her consent, and hears each answer (a "yes, coffee" from a
  member reaches her as the invitation itself) and each passing on.
- The helper hears that a seeker gave them a standing consent, that she consented to or declined a share,
  and each answer a member gives.

Nobody hears of what they did themselves, and Kaffebro never writes to anyone who is not a member. Texts
are written afresh in the reader's language from the share as it is now: a card no longer in play, or a
request for consent already answered, is gone (a neutral line in the inbox, no mail). Names follow the
seeker's page: the seeker reads a recipient by role kind and place unless they are a member who shows
their name; the helper reads recipients by their own contact cards.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse
from django.utils.html import escape, linebreaks
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.jobs.access import shares as access
from kaffebro.jobs.models import ProfileShare, ShareAnswer, ShareConsent, ShareRecipient, ShareState
from kaffebro.notifications.registry import Gone, Rendered
from kaffebro.notifications.registry import register as register_notice

PREFIX = "share."


def _share_of(event: Event) -> ProfileShare | None:
    share_id = event.data.get("share")
    if not isinstance(share_id, int):
        return None
    return access.share_for_notice(share_id)


def _row_of(event: Event) -> ShareRecipient | None:
    row_id = event.data.get("recipient")
    if not isinstance(row_id, int):
        return None
    return ShareRecipient.objects.select_related("share__seeker", "share__helper", "person").filter(pk=row_id).first()


def _consent_of(event: Event) -> ShareConsent | None:
    consent_id = event.data.get("consent")
    if not isinstance(consent_id, int):
        return None
    return ShareConsent.objects.select_related("seeker__seeker_profile", "helper").filter(pk=consent_id).first()


def _members(share: ProfileShare) -> list[int]:
    return [row.member_id for row in share.recipients.all() if row.member_id is not None]


# Who hears of what


def _recipients_of_granted(event: Event) -> list[int]:
    consent = _consent_of(event)
    return [consent.helper_id] if consent is not None else []


def _recipients_of_sent(event: Event) -> list[int]:
    share = _share_of(event)
    return _members(share) if share is not None else []


def _recipients_of_asked(event: Event) -> list[int]:
    share = _share_of(event)
    return [share.seeker_id] if share is not None else []


def _recipients_of_consented(event: Event) -> list[int]:
    share = _share_of(event)
    return [*_members(share), share.helper_id] if share is not None else []


def _recipients_of_declined(event: Event) -> list[int]:
    share = _share_of(event)
    return [share.helper_id] if share is not None else []


def _recipients_of_answered(event: Event) -> list[int]:
    """The helper and the seeker; a member's "yes, coffee" reaches her as the invitation to coffee instead."""
    row = _row_of(event)
    if row is None:
        return []
    wanted = [row.share.helper_id]
    if not (row.member_id is not None and event.data.get("answer") == ShareAnswer.COFFEE):
        wanted.append(row.share.seeker_id)
    return wanted


# What they read


Text = tuple[str, list[str], str]  # subject, paragraphs, link


def _granted(event: Event, reader: User) -> Text:
    consent = _consent_of(event)
    if consent is None or consent.withdrawn is not None or reader.pk != consent.helper_id:
        raise Gone
    values = {"seeker": consent.seeker.display_name}
    profile = access.profile_of(consent.seeker)
    link = reverse("jobs:share_put", args=[profile.code]) if profile is not None else reverse("jobs:shares")
    return (
        _("%(seeker)s lets you put their profile in play") % values,
        [
            _(
                "%(seeker)s has given you their consent to put their profile in play toward people in your network. "
                "Kaffebro suggests who of your contacts fit; you choose, and write a short note."
            )
            % values
        ],
        link,
    )


def _card(event: Event, reader: User) -> Text:
    """A member recipient's card, for a share sent at once or once the seeker consented."""
    share = _share_of(event)
    if share is None or share.state != ShareState.SENT:
        raise Gone
    if reader.pk == share.helper_id:
        return (
            _("%(seeker)s agreed: the profile is in play") % {"seeker": share.seeker.display_name},
            [_("The people you chose who are members have her card now. Send the others your text by hand.")],
            reverse("jobs:share_detail", args=[share.code]),
        )
    row = next((row for row in share.recipients.all() if row.member_id == reader.pk), None)
    if row is None:
        raise Gone
    values = {"seeker": share.seeker.display_name, "helper": share.helper.display_name}
    return (
        _("%(helper)s thinks you should meet %(seeker)s") % values,
        [
            _("%(helper)s puts the profile of %(seeker)s, who is looking for work, in play with you:") % values,
            share.note,
            _("Answer on the card: “yes, coffee”, “I'll pass it on” or “not now”. A no counts against nobody."),
        ],
        reverse("jobs:share_card", args=[row.code]),
    )


def _asked(event: Event, reader: User) -> Text:
    share = _share_of(event)
    if share is None or share.state != ShareState.AWAITING_CONSENT or reader.pk != share.seeker_id:
        raise Gone
    values = {"helper": access.helper_shown_to_seeker(share)}
    return (
        _("%(helper)s would like to put your profile in play") % {"helper": capfirst(values["helper"])},
        [
            _(
                "%(helper)s would like to show your profile to people in their network. Nothing is sent until you "
                "say yes: read who would receive it, then consent or decline."
            )
            % {"helper": capfirst(values["helper"])}
        ],
        reverse("jobs:share_consent", args=[share.code]),
    )


def _declined(event: Event, reader: User) -> Text:
    share = _share_of(event)
    if share is None or reader.pk != share.helper_id:
        raise Gone
    values = {"seeker": share.seeker.display_name}
    return (
        _("%(seeker)s would rather not have this share sent") % values,
        [_("%(seeker)s declined this time. Nobody received the profile, and it says nothing about you.") % values],
        reverse("jobs:share_detail", args=[share.code]),
    )


def _answer_words(answer: str) -> str:
    return str(ShareAnswer(answer).label) if answer in ShareAnswer.values else ""


def _answered(event: Event, reader: User) -> Text:
    row = _row_of(event)
    if row is None:
        raise Gone
    share = row.share
    answer = _answer_words(str(event.data.get("answer", "")))
    if reader.pk == share.helper_id:
        name = access.card_names(reader, [row.person_id]).get(row.person_id) or row.person.name
        values = {"recipient": name, "answer": answer, "seeker": share.seeker.display_name}
        return (
            _("%(recipient)s answered “%(answer)s”") % values,
            [_("%(recipient)s answered “%(answer)s” to the profile of %(seeker)s.") % values],
            reverse("jobs:share_detail", args=[share.code]),
        )
    if reader.pk != share.seeker_id:
        raise Gone
    full = access.shares_of(reader).filter(pk=share.pk).first()
    if full is None:
        raise Gone
    shown = access.recipients_shown_to_seeker([full]).get(row.pk, "")
    values = {"recipient": capfirst(shown), "answer": answer, "helper": access.helper_shown_to_seeker(full)}
    body = [_("%(recipient)s answered “%(answer)s” to your profile, put in play by %(helper)s.") % values]
    if event.data.get("answer") == ShareAnswer.PASS_ON:
        body.append(_("They pass it on to someone they know. You will hear what comes of it here."))
    return _("%(recipient)s answered “%(answer)s”") % values, body, reverse("jobs:shares_mine")


WRITERS: dict[str, tuple[Callable[[Event], list[int]], Callable[[Event, User], Text]]] = {
    "consent_granted": (_recipients_of_granted, _granted),
    "sent": (_recipients_of_sent, _card),
    "consent_asked": (_recipients_of_asked, _asked),
    "consented": (_recipients_of_consented, _card),
    "consent_declined": (_recipients_of_declined, _declined),
    "answered": (_recipients_of_answered, _answered),
}


def recipients(event: Event) -> list[int]:
    """The members to tell, never the one who acted."""
    entry = WRITERS.get(event.kind.removeprefix(PREFIX))
    if entry is None:
        return []
    return sorted({member for member in entry[0](event) if member != event.actor_id})


def render(event: Event, reader: User) -> Rendered:
    """The notice in the reader's language (active); Gone when it is no longer theirs to see."""
    entry = WRITERS.get(event.kind.removeprefix(PREFIX))
    if entry is None:
        raise Gone
    subject, paragraphs, link = entry[1](event, reader)
    return Rendered(
        subject=subject,
        text="\n\n".join(paragraphs),
        html="".join(linebreaks(escape(paragraph)) for paragraph in paragraphs),
        link=link,
    )


def register() -> None:
    """One notice per event kind the share actions write that someone hears of."""
    for name in WRITERS:
        register_notice(PREFIX + name, render=render, recipients=recipients)
