"""Putting a seeker's profile in play ("sætte profilen i spil"), and the consent it rests on.

Consent. A seeker gives a standing consent to a helper she knows (`access.eligible_helpers`: her coach,
a member she met over coffee, or a member among her own contacts; she picks from that list, so no
address can be probed), or a one-time consent to one share a helper drafted. Each consent records the
time, the scope, her language and the exact text she was shown: the page sends a digest of the text it
showed, and a consent to a text that has since changed is refused. She may withdraw a standing consent
at any time; it takes effect on the next request: a share already sent stays with its recipients, but the
helper's next share waits for her consent again, and so does a recipient's passing it on.

A share goes from a helper to up to `MAX_RECIPIENTS` of their own contacts (all or nothing), at most
`MAX_SHARES_PER_DAY` shares a day. A member recipient answers their card once: "yes, coffee" (an invitation
to coffee, `meetings.actions.invite_to_coffee`), "I'll pass it on" (a new share from them to one of their
own contacts, with the seeker's consent carried along) or "not now". Kaffebro never writes to anyone who is
not a member: the helper gets a text to send by hand, and records the answer given by hand.

Each action checks its precondition (raising `Refused` with a translated message), runs in one
transaction, moves a state only along a row of `shares_states.TRANSITIONS` with a conditional update,
writes an event naming only ids and small values (never the note) and notifies after commit.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from kaffebro.accounts.models import User
from kaffebro.core.converters import looks_like_code
from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.jobs.access import shares as access
from kaffebro.jobs.models import (
    ConsentScope,
    ProfileShare,
    ShareAnswer,
    ShareConsent,
    ShareRecipient,
    ShareState,
)
from kaffebro.jobs.shares_states import ANSWERED_WHILE, TRANSITIONS
from kaffebro.meetings import actions as meetings_actions
from kaffebro.meetings.models import MeetingRequest
from kaffebro.meetings.states import OPEN
from kaffebro.meetings.texts import objection_address
from kaffebro.network.access import current_positions
from kaffebro.network.actions import Refused
from kaffebro.network.members import member_person
from kaffebro.network.models import ContactCard, Position, SeekerProfile
from kaffebro.notifications.registry import schedule_notifications

__all__ = [
    "EVENT_KINDS",
    "Refused",
    "answer_card",
    "cancel_share",
    "consent_text",
    "consent_to_share",
    "decline_consent",
    "grant_consent",
    "pass_on",
    "record_answer",
    "send_share",
    "text_digest",
    "text_for_non_member",
    "withdraw_consent",
]

EVENT_KINDS = (
    "share.consent_granted",
    "share.consent_withdrawn",
    "share.sent",
    "share.consent_asked",
    "share.consented",
    "share.consent_declined",
    "share.cancelled",
    "share.answered",
)

MAX_RECIPIENTS = 10
MAX_SHARES_PER_DAY = 5  # per helper, passing on included
MAX_NOTE_CHARS = 1000
MAX_MESSAGE_CHARS = meetings_actions.MAX_MESSAGE_CHARS
MAX_STANDING_CONSENTS = 20  # helpers one seeker has a standing consent with at once
MAX_CARRIED = 3  # a consent is carried along at most this many times; after that she is asked again
RECIPIENT_ANSWERS = (ShareAnswer.COFFEE, ShareAnswer.PASS_ON, ShareAnswer.NOT_NOW)


# What people read: the consent text, and the text a helper sends by hand


def consent_text(seeker: User, helper: User, *, scope: str, recipients: int = 0) -> str:
    """The consent exactly as the seeker reads it, in her language."""
    with translation.override(seeker.language):
        values = {"seeker": seeker.display_name, "helper": helper.display_name, "count": recipients}
        if scope == ConsentScope.STANDING:
            first = (
                _(
                    "I, %(seeker)s, agree that %(helper)s may put my profile in play: see where I want to land, to "
                    "find people in their own network who fit, and show those people my headline, what I offer, "
                    "my competencies and my job fields, with a note of their own. This lasts until I withdraw it."
                )
                % values
            )
        else:
            first = (
                ngettext(
                    "I, %(seeker)s, agree that %(helper)s may put my profile in play this one time: show my "
                    "headline, what I offer, my competencies and my job fields, with their note, to the %(count)d "
                    "person they chose.",
                    "I, %(seeker)s, agree that %(helper)s may put my profile in play this one time: show my "
                    "headline, what I offer, my competencies and my job fields, with their note, to the %(count)d "
                    "people they chose.",
                    recipients,
                )
                % values
            )
        rest = [
            _("A member who receives my profile may pass it on to someone they know; I am told each time."),
            _(
                "My contacts and everything else I keep in Kaffebro stay private. People who are not members are "
                "never contacted by Kaffebro, and I never see their names."
            ),
        ]
        if scope == ConsentScope.STANDING:
            rest.append(
                _(
                    "I can withdraw this consent at any time. It then applies from the next time my profile would "
                    "be passed on: what was already sent stays with the people who received it."
                )
            )
        return "\n\n".join([first, *rest])


def text_digest(text: str) -> str:
    """The digest a page sends back with a consent, so the text recorded is exactly the text shown."""
    return hashlib.sha256(text.encode()).hexdigest()


def text_for_non_member(share: ProfileShare, *, person: str, headline: str) -> str:
    """What the helper sends by hand to a recipient who is not a member (`person`: the helper's own name for
    them), in the helper's language.

    Kaffebro never writes to them, so the text says who keeps their name and how to object, as an
    introduction by hand does.
    """
    helper = share.helper
    with translation.override(helper.language):
        values = {
            "person": person,
            "seeker": share.seeker.display_name,
            "headline": headline,
            "helper": helper.display_name,
            "controller": settings.KAFFEBRO_CONTROLLER_NAME,
            "contact": settings.KAFFEBRO_CONTROLLER_CONTACT,
            "object": objection_address(),
        }
        greeting = _("Dear %(person)s,") % values if values["person"] else pgettext("share greeting", "Hello,")
        lines = [greeting, "", _("I would like you to meet %(seeker)s, who is looking for work.") % values]
        if values["headline"]:
            lines += ["", f"> {values['headline']}"]
        lines += [
            "",
            share.note,
            "",
            _(
                "Would you be open to a short coffee meeting with %(seeker)s, or do you know someone who should "
                "hear about them? Just answer me. If not, a short no is perfectly fine."
            )
            % values,
            "",
            pgettext("share closing", "Best regards,"),
            values["helper"],
            "",
            "—",
            _(
                "Kaffebro, where I keep my contacts, notes only your name, your workplace and your answer. The "
                "controller is %(controller)s (%(contact)s). Kaffebro never writes to you, and you may object at "
                "any time: %(object)s"
            )
            % values,
        ]
        return "\n".join(lines)


# Shared steps


def _lock(user: User) -> None:
    """Serialise one member's changes, so two at once cannot both pass a check or a limit."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _event(kind: str, actor: User, subject: str, **data: Any) -> Event:
    event = record_event(f"share.{kind}", actor=actor, subject=subject, **data)
    schedule_notifications(event)
    return event


def _moved_on() -> Refused:
    return Refused(_("This has already moved on. Reload the page to see where it is now."))


def _not_yours() -> Refused:
    return Refused(_("Only the people this is for can do that."))


def _clean_text(value: str, limit: int, field: str, *, required: bool) -> str:
    if not isinstance(value, str) or "\x00" in value:
        raise Refused(_("This text contains a character that cannot be saved."), field=field)
    value = value.strip()
    if required and not value:
        raise Refused(_("Please write something here."), field=field)
    if len(value) > limit:
        raise Refused(
            _("Keep this under %(limit)d characters (it has %(count)d).") % {"limit": limit, "count": len(value)},
            field=field,
        )
    return value


def _check_shown(text: str, shown: str) -> None:
    if shown != text_digest(text):
        raise Refused(
            _("The text of the consent has changed since you opened the page. Read it again, then confirm."),
            field="shown",
        )


# Consent


def grant_consent(seeker: User, helper: User, *, shown: str) -> ShareConsent:
    """A standing consent to one helper she knows, with the text she was shown (`shown` is its digest)."""
    if not SeekerProfile.objects.filter(user=seeker).exists():
        raise Refused(_("Write your profile first: it is what your helpers will show."))
    if not access.eligible_helpers(seeker).filter(pk=helper.pk).exists():
        raise Refused(_("Choose one of the people listed."), field="helper")
    text = consent_text(seeker, helper, scope=ConsentScope.STANDING)
    _check_shown(text, shown)
    already = Refused(_("%(name)s already has your consent.") % {"name": helper.display_name}, field="helper")
    try:
        with transaction.atomic():
            _lock(seeker)
            standing = ShareConsent.objects.filter(seeker=seeker, scope=ConsentScope.STANDING, withdrawn__isnull=True)
            if standing.filter(helper=helper).exists():
                raise already
            if standing.count() >= MAX_STANDING_CONSENTS:
                raise Refused(
                    _("You have %(count)d standing consents. Withdraw one first.") % {"count": standing.count()}
                )
            consent = ShareConsent.objects.create(
                seeker=seeker, helper=helper, scope=ConsentScope.STANDING, text=text, language=seeker.language
            )
            _event("consent_granted", seeker, consent.code, consent=consent.pk, helper=helper.pk)
    except IntegrityError:
        raise already from None
    return consent


def withdraw_consent(seeker: User, consent: ShareConsent) -> ShareConsent:
    """The seeker withdraws a standing consent; from the next request on, the helper must ask her again."""
    if consent.seeker_id != seeker.pk:
        raise _not_yours()
    now = timezone.now()
    with transaction.atomic():
        changed = ShareConsent.objects.filter(
            pk=consent.pk, seeker=seeker, scope=ConsentScope.STANDING, withdrawn__isnull=True
        ).update(withdrawn=now)
        if changed != 1:
            raise Refused(_("This consent was already withdrawn."))
        record_event("share.consent_withdrawn", actor=seeker, subject=consent.code, consent=consent.pk)
    consent.withdrawn = now
    return consent


# Sending


def _clean_codes(codes: Sequence[str]) -> list[str]:
    codes = list(dict.fromkeys(code for code in codes if isinstance(code, str)))
    if not codes:
        raise Refused(_("Choose at least one person."), field="recipients")
    if len(codes) > MAX_RECIPIENTS:
        raise Refused(
            _("Choose at most %(count)d people for one share.") % {"count": MAX_RECIPIENTS}, field="recipients"
        )
    if not all(looks_like_code(code) for code in codes):
        raise Refused(_("Choose people from your own contacts."), field="recipients")
    return codes


def _check_daily_limit(helper: User, now: datetime.datetime) -> None:
    made = ProfileShare.objects.filter(helper=helper, created__gte=now - datetime.timedelta(days=1)).count()
    if made >= MAX_SHARES_PER_DAY:
        raise Refused(
            _("You have put %(count)d profiles in play in the last day. Please wait a little before the next.")
            % {"count": made}
        )


def _create_share(
    helper: User,
    seeker: User,
    cards: list[ContactCard],
    note: str,
    consent: ShareConsent | None,
    passed_on_from: ShareRecipient | None = None,
) -> ProfileShare:
    """The share and its recipients; in play with a consent, else waiting for hers (she is asked)."""
    state = ShareState.SENT if consent is not None else ShareState.AWAITING_CONSENT
    share = ProfileShare.objects.create(
        seeker=seeker, helper=helper, consent=consent, note=note, state=state, passed_on_from=passed_on_from
    )
    ShareRecipient.objects.bulk_create(
        ShareRecipient(share=share, person=card.person, member=_active_member(card)) for card in cards
    )
    kind = "sent" if consent is not None else "consent_asked"
    _event(kind, helper, share.code, share=share.pk, recipients=len(cards), passed_on=passed_on_from is not None)
    return share


def _active_member(card: ContactCard) -> User | None:
    member = card.person.member
    return member if member is not None and member.is_active else None


def send_share(helper: User, seeker: User, recipients: Sequence[str], note: str) -> ProfileShare:
    """Put the seeker in play toward chosen contacts of the helper's own (their card codes), all or nothing.

    With her standing consent the share is sent at once; without one (never given, or withdrawn) it waits
    for her consent to this one share, and she is asked.
    """
    if not access.may_ask(helper, seeker):
        raise Refused(_("You cannot put this profile in play."))
    codes = _clean_codes(recipients)
    note = _clean_text(note, MAX_NOTE_CHARS, "note", required=True)
    now = timezone.now()
    with transaction.atomic():
        _lock(helper)
        _check_daily_limit(helper, now)
        consent = (
            ShareConsent.objects.select_for_update()
            .filter(seeker=seeker, helper=helper, scope=ConsentScope.STANDING, withdrawn__isnull=True)
            .first()
        )
        if (
            consent is None
            and ProfileShare.objects.filter(helper=helper, seeker=seeker, state=ShareState.AWAITING_CONSENT).exists()
        ):
            raise Refused(
                _("You have already asked %(name)s for consent to a share. Wait for the answer first.")
                % {"name": seeker.display_name}
            )
        cards = list(access.candidates(helper, seeker).filter(code__in=codes))
        if len(cards) != len(codes):
            raise Refused(_("Choose people from your own contacts."), field="recipients")
        return _create_share(helper, seeker, cards, note, consent)


def consent_to_share(seeker: User, share: ProfileShare, *, shown: str) -> ProfileShare:
    """The seeker's one-time consent to a share waiting for it; the share is sent."""
    if share.seeker_id != seeker.pk:
        raise _not_yours()
    count = ShareRecipient.objects.filter(share=share).count()
    text = consent_text(seeker, share.helper, scope=ConsentScope.ONE, recipients=count)
    _check_shown(text, shown)
    now = timezone.now()
    transition = TRANSITIONS["consent"]
    with transaction.atomic():
        consent = ShareConsent.objects.create(
            seeker=seeker, helper=share.helper, scope=ConsentScope.ONE, text=text, language=seeker.language
        )
        changed = ProfileShare.objects.filter(pk=share.pk, seeker=seeker, state__in=transition.sources).update(
            state=transition.target, state_changed=now, consent=consent
        )
        if changed != 1:
            raise _moved_on()
        _event("consented", seeker, share.code, share=share.pk, consent=consent.pk)
    share.refresh_from_db()
    return share


def _close(name: str, actor: User, share: ProfileShare) -> ProfileShare:
    now = timezone.now()
    transition = TRANSITIONS[name]
    with transaction.atomic():
        changed = ProfileShare.objects.filter(pk=share.pk, state__in=transition.sources).update(
            state=transition.target, state_changed=now
        )
        if changed != 1:
            raise _moved_on()
        _event({"decline_consent": "consent_declined", "cancel": "cancelled"}[name], actor, share.code, share=share.pk)
    share.refresh_from_db()
    return share


def decline_consent(seeker: User, share: ProfileShare) -> ProfileShare:
    """The seeker says no to a share waiting for her consent; nobody receives it, and the helper is told."""
    if share.seeker_id != seeker.pk:
        raise _not_yours()
    return _close("decline_consent", seeker, share)


def cancel_share(helper: User, share: ProfileShare) -> ProfileShare:
    """The helper calls off a share still waiting for the seeker's consent."""
    if share.helper_id != helper.pk:
        raise _not_yours()
    return _close("cancel", helper, share)


# Answers


def _answer(name: str, row: ShareRecipient, user: User, now: datetime.datetime, **changes: Any) -> None:
    """Record the answer along the table's row, once, and only while the share is in play."""
    transition = TRANSITIONS[name]
    in_play = ProfileShare.objects.filter(state__in=ANSWERED_WHILE).values("pk")
    # A condition on the share's own columns only (no join): PostgreSQL re-checks it on the row it waited for.
    changed = ShareRecipient.objects.filter(pk=row.pk, answer__in=transition.sources, share_id__in=in_play).update(
        answer=transition.target, answered=now, answer_recorded_by=user, **changes
    )
    if changed != 1:
        raise Refused(_("This card has already been answered."))


def _answered_event(user: User, row: ShareRecipient, **data: Any) -> None:
    row.refresh_from_db()
    _event("answered", user, row.code, recipient=row.pk, share=row.share_id, answer=str(row.answer), **data)


def _workplace(member: User, helper_id: int) -> Position | None:
    """Where the member works, by their own or reference records, else as the helper who chose them recorded it."""
    positions = (
        current_positions()
        .filter(person=member_person(member))
        .select_related("organisation", "unit")
        .order_by("-is_decision_maker", "id")
    )
    own = positions.filter(Q(recorded_by__isnull=True) | Q(recorded_by=member)).first()
    return own or positions.filter(recorded_by_id=helper_id).first()


def _coffee(member: User, row: ShareRecipient, message: str) -> MeetingRequest:
    """The meeting for a "yes, coffee": the open request the two already have, or a new invitation."""
    seeker = row.share.seeker
    existing = MeetingRequest.objects.filter(seeker=seeker, person=member_person(member), state__in=OPEN).first()
    if existing is not None:
        return existing
    place = _workplace(member, row.share.helper_id)
    if place is None:
        raise Refused(
            _(
                "Kaffebro does not know where you work, so the coffee meeting has nowhere to belong. Add your "
                "workplace to your profile, then answer again."
            )
        )
    return meetings_actions.invite_to_coffee(
        member, seeker, organisation=place.organisation, unit=place.unit, message=message
    )


def answer_card(member: User, row: ShareRecipient, answer: str, message: str = "") -> ShareRecipient:
    """A member answers their card "yes, coffee" (an invitation to coffee) or "not now"; once."""
    if row.member_id is None or row.member_id != member.pk:
        raise _not_yours()
    if answer not in (ShareAnswer.COFFEE, ShareAnswer.NOT_NOW):
        raise Refused(_("Choose one of the answers."), field="answer")
    message = _clean_text(message, MAX_MESSAGE_CHARS, "message", required=False)
    now = timezone.now()
    with transaction.atomic():
        _answer(answer, row, member, now)
        if answer == ShareAnswer.COFFEE:
            meeting = _coffee(member, row, message)
            ShareRecipient.objects.filter(pk=row.pk).update(meeting=meeting)
            _answered_event(member, row, meeting=meeting.pk)
        else:
            _answered_event(member, row)
    return row


def _root(consent: ShareConsent) -> tuple[ShareConsent, int]:
    """The consent the seeker gave herself, and how many times it has been carried along since."""
    carried = 0
    while consent.carried_from_id is not None and carried <= MAX_CARRIED:
        consent = ShareConsent.objects.get(pk=consent.carried_from_id)
        carried += 1
    return consent, carried


def _carried(consent: ShareConsent | None, to: User) -> ShareConsent | None:
    """The seeker's consent carried along to the member passing her profile on; None when she must be asked
    again (she withdrew it, or it has been carried along as far as it goes)."""
    if consent is None:
        return None
    root, carried = _root(consent)
    if root.withdrawn is not None or carried >= MAX_CARRIED:
        return None
    return ShareConsent.objects.create(
        seeker_id=consent.seeker_id,
        helper=to,
        scope=ConsentScope.ONE,
        text=root.text,
        language=root.language,
        carried_from=consent,
    )


def pass_on(member: User, row: ShareRecipient, recipient: str, note: str) -> ProfileShare:
    """A member passes the profile on to one of their own contacts (a card code), with a note; the seeker's
    consent is carried along while it stands, else the new share waits for her consent. She is told."""
    if row.member_id is None or row.member_id != member.pk:
        raise _not_yours()
    (code,) = _clean_codes([recipient])
    note = _clean_text(note, MAX_NOTE_CHARS, "note", required=True)
    now = timezone.now()
    with transaction.atomic():
        _answer("pass_on", row, member, now)  # the card first, then the member: the order every answer locks in
        _lock(member)
        share = ProfileShare.objects.select_related("seeker", "consent").get(pk=row.share_id)
        _check_daily_limit(member, now)
        cards = list(access.candidates(member, share.seeker).filter(code=code))
        if not cards:
            raise Refused(_("Choose people from your own contacts."), field="recipients")
        passed = _create_share(member, share.seeker, cards, note, _carried(share.consent, member), passed_on_from=row)
        _answered_event(member, row, passed_on=passed.pk)
    return passed


def record_answer(helper: User, row: ShareRecipient, answer: str) -> ShareRecipient:
    """The helper records what a recipient who is not a member answered by hand; "coffee" only records it."""
    if row.member_id is not None or row.share.helper_id != helper.pk:
        raise _not_yours()
    if answer not in RECIPIENT_ANSWERS:
        raise Refused(_("Choose one of the answers."), field="answer")
    now = timezone.now()
    with transaction.atomic():
        _answer(answer, row, helper, now)
        _answered_event(helper, row)
    return row
