"""Candidate suggestions: a colleague, connector or coach suggests a seeker to a decision-maker.

The method's sixth step. A decision-maker with a tight calendar welcomes names from people they
trust, with or without a posted job; the suggestion is advice from a person, never a score.

- Who may suggest whom: the members who may put her profile in play, that is whom she gave a consent
  before, met over coffee, or who coach her (`access.suggestions.suggestable_seekers`).
- To whom: the member who decides on hiring for the posting or in the unit
  (`access.suggestions.decision_maker_for`). When nobody who decides there is a member, the suggestion
  is refused: Kaffebro never writes to anyone else, and the suggester may pass the name on by hand.
- Consent: with an active standing consent for the suggester the suggestion reaches the decision-maker
  at once; otherwise it waits, and the seeker consents for this one suggestion (a one-time
  `ShareConsent` with the exact text she was shown, in her language, checked by its digest as for
  profiles in play) or declines. A withdrawn standing consent is read afresh by the next suggestion
  (`access.shares.standing_consent`), so withdrawal takes effect there.
- The decision-maker answers along `suggestions_states.TRANSITIONS`. Several colleagues may vouch for
  the same candidate for the same place: an answer moves every endorsement of that group in the same
  state, and each suggester hears of it. An invitation to an interview and a hire record an `Outcome`
  credited to the suggestion the decision-maker answered (the earliest of the group), through
  `actions.outcomes.record_outcome`; an outcome already recorded (by the seeker herself) is kept as is.

Each action checks its precondition (raising `Refused` with a translated message), runs in one
transaction, changes state with a conditional update, and writes one event naming only ids and
states, never what anybody wrote; its notifications go out after commit.

Event kinds: suggestion.made, and suggestion.<row> for each row of the table (suggestion.consent,
suggestion.decline, suggestion.withdraw, suggestion.invite_to_coffee, suggestion.invite_to_apply,
suggestion.invite_to_interview, suggestion.record_hired, suggestion.not_a_fit, suggestion.archive).
"""

from __future__ import annotations

import datetime
import zoneinfo
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.jobs.access import suggestions as access
from kaffebro.jobs.access.shares import standing_consent
from kaffebro.jobs.actions.outcomes import record_outcome
from kaffebro.jobs.actions.shares import text_digest
from kaffebro.jobs.models import ConsentScope, Credit, Outcome, OutcomeKind, ShareConsent, Suggestion
from kaffebro.jobs.models import SuggestionState as S
from kaffebro.jobs.suggestions_states import NOT_PASSED_ON, TRANSITIONS
from kaffebro.meetings import actions as meetings_actions
from kaffebro.network.actions import Refused
from kaffebro.network.models import Posting, SeekerProfile, Unit
from kaffebro.notifications.registry import schedule_notifications

__all__ = [
    "EVENT_KINDS",
    "Refused",
    "archive",
    "consent",
    "consent_text",
    "decline",
    "invite_to_apply",
    "invite_to_coffee",
    "invite_to_interview",
    "not_a_fit",
    "record_hired",
    "suggest",
    "withdraw",
]

EVENT_KINDS = ("suggestion.made", *(f"suggestion.{name}" for name in TRANSITIONS))

MAX_HOW_KNOWN_CHARS = 1000
MAX_WHY_FIT_CHARS = 2000
MAX_REASON_CHARS = 1000
MAX_MESSAGE_CHARS = 2000
SUGGESTIONS_PER_DAY = 20  # by one member: a colleague suggests a few people a month; more is a script
# Suggestions in these states are closed: the same three people may start a new one.
CLOSED = (S.CANCELLED, S.ARCHIVED, S.NOT_A_FIT, S.HIRED)
OUTCOME_ZONE = zoneinfo.ZoneInfo("Europe/Copenhagen")


# Small helpers


def _clean_text(value: str, limit: int, field: str, *, required: bool) -> str:
    if not isinstance(value, str):
        raise Refused(_("Write this as text."), field=field)
    if "\x00" in value:
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


def _moved_on() -> Refused:
    return Refused(_("This suggestion has already moved on. Reload the page to see where it is now."))


def _not_yours() -> Refused:
    return Refused(_("Only the people this suggestion is for can do that."))


def _lock_user(user: User) -> None:
    """Serialise one member's suggestions, so two at once cannot both pass a limit or the duplicate check."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _event(name: str, actor: User, suggestions: list[Suggestion], **data: Any) -> Event:
    """The action's one event: the suggestion answered, every one it moved, and small values only."""
    lead = suggestions[0]
    event = record_event(
        f"suggestion.{name}",
        actor=actor,
        subject=lead.code,
        suggestion=lead.pk,
        moved=[suggestion.pk for suggestion in suggestions],
        **data,
    )
    schedule_notifications(event)
    return event


def _reload(ids: list[int]) -> list[Suggestion]:
    found = Suggestion.objects.select_related(*access.SUGGESTION_RELATED).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def _transition(name: str, suggestion: Suggestion, now: datetime.datetime, **changes: Any) -> Suggestion:
    """Move one suggestion along the table's row `name`, only from one of its sources; refused when it moved on."""
    row = TRANSITIONS[name]
    changed = Suggestion.objects.filter(pk=suggestion.pk, state__in=row.sources).update(
        state=row.target, state_changed=now, **changes
    )
    if changed != 1:
        raise _moved_on()
    return _reload([suggestion.pk])[0]


# Suggesting


def consent_text(suggestion: Suggestion) -> str:
    """What the seeker is asked to agree to, in her language; recorded word for word when she does."""
    values = {
        "suggester": suggestion.suggested_by.display_name,
        "decision_maker": suggestion.decision_maker.display_name,
        "how_known": suggestion.how_known,
        "why_fit": suggestion.why_fit,
    }
    with translation.override(suggestion.seeker.language):
        values["place"] = access.place_of(suggestion)
        return "\n\n".join(
            [
                _(
                    "I agree that %(suggester)s suggests me to %(decision_maker)s, who decides on hiring for "
                    "%(place)s, with this endorsement:"
                )
                % values,
                _("How %(suggester)s knows me: %(how_known)s") % values,
                _("Why I fit: %(why_fit)s") % values,
                _(
                    "%(decision_maker)s may then see my name, my job-seeker profile (headline, what I offer, "
                    "competencies and job fields) and my preparation brief for this place. This consent covers "
                    "this one suggestion only."
                )
                % values,
            ]
        )


def _place(posting: Posting | None, unit: Unit | None) -> tuple[Posting | None, Unit | None]:
    """The posting (with its unit) or the unit the seeker is suggested for, checked to be open and shared."""
    if (posting is None) == (unit is None):
        raise Refused(_("Choose either a job posting or a unit."), field="place")
    organisation = posting.organisation if posting is not None else unit.organisation  # type: ignore[union-attr]
    if organisation.private_to_id is not None:
        raise Refused(_("Choose a place from the list."), field="place")
    if posting is not None:
        if posting.closed is not None:
            raise Refused(_("This job posting is closed."), field="place")
        if posting.deadline is not None and posting.deadline < timezone.localdate():
            raise Refused(_("The deadline of this job posting has passed."), field="place")
        return posting, posting.unit
    return None, unit


def _no_decision_maker(seeker: User) -> Refused:
    return Refused(
        _(
            "Nobody who decides on hiring there is a member of Kaffebro, and Kaffebro never writes to anyone "
            "who is not. You are welcome to pass %(name)s's name on by hand."
        )
        % {"name": seeker.display_name},
        field="place",
    )


def _check_parties(suggester: User, seeker: User, decision_maker: User | None) -> User:
    if decision_maker is None:
        raise _no_decision_maker(seeker)
    if decision_maker.pk == suggester.pk:
        raise Refused(
            _("You decide on hiring there yourself, so there is nobody to suggest %(name)s to.")
            % {"name": seeker.display_name},
            field="place",
        )
    if decision_maker.pk == seeker.pk:
        raise Refused(
            _("%(name)s decides on hiring there.") % {"name": seeker.display_name},
            field="place",
        )
    return decision_maker


def _already(seeker: User, decision_maker: User) -> Refused:
    return Refused(
        _(
            "You have already suggested %(name)s to %(decision_maker)s, and it is still open. "
            "Follow it on your suggestions page."
        )
        % {"name": seeker.display_name, "decision_maker": decision_maker.display_name}
    )


def suggest(
    suggester: User,
    seeker: User,
    *,
    posting: Posting | None = None,
    unit: Unit | None = None,
    how_known: str,
    why_fit: str,
) -> Suggestion:
    """Suggest a seeker for a posting, or for a unit with no posting, with an endorsement.

    With an active standing consent of hers for the suggester it reaches the decision-maker at once (NEW);
    otherwise it waits for her consent to this one suggestion (AWAITING_CONSENT) and she is asked.
    """
    how_known = _clean_text(how_known, MAX_HOW_KNOWN_CHARS, "how_known", required=True)
    why_fit = _clean_text(why_fit, MAX_WHY_FIT_CHARS, "why_fit", required=True)
    if suggester.pk == seeker.pk:
        raise Refused(_("You cannot suggest yourself."))
    if not seeker.is_active or not SeekerProfile.objects.filter(user=seeker).exists():
        raise Refused(_("%(name)s is not looking for a job on Kaffebro now.") % {"name": seeker.display_name})
    if not access.may_suggest(suggester, seeker):
        raise Refused(
            _(
                "You can suggest a job seeker who has given you their consent, whom you have met for a coffee "
                "meeting, or whose coach you are."
            )
        )
    posting, unit = _place(posting, unit)
    decision_maker = _check_parties(suggester, seeker, access.decision_maker_for(posting=posting, unit=unit))
    organisation = posting.organisation if posting is not None else unit.organisation  # type: ignore[union-attr]
    now = timezone.now()
    try:
        with transaction.atomic():
            _lock_user(suggester)
            made = Suggestion.objects.filter(suggested_by=suggester, created__gte=now - datetime.timedelta(days=1))
            if made.count() >= SUGGESTIONS_PER_DAY:
                raise Refused(
                    _("You have made %(count)d suggestions today. Please wait until tomorrow before you make more.")
                    % {"count": SUGGESTIONS_PER_DAY}
                )
            still_open = Suggestion.objects.filter(
                seeker=seeker, suggested_by=suggester, decision_maker=decision_maker
            ).exclude(state__in=CLOSED)
            if still_open.exists():
                raise _already(seeker, decision_maker)
            standing = standing_consent(seeker, suggester)
            suggestion = Suggestion.objects.create(
                seeker=seeker,
                suggested_by=suggester,
                decision_maker=decision_maker,
                consent=standing,
                posting=posting,
                unit=unit,
                organisation=organisation,
                how_known=how_known,
                why_fit=why_fit,
                state=S.NEW if standing is not None else S.AWAITING_CONSENT,
                state_changed=now,
            )
            _event("made", suggester, [suggestion], state=str(suggestion.state))
    except IntegrityError:
        # The same suggestion twice at once (SQLite has no row locks): the partial unique constraint kept one.
        raise _already(seeker, decision_maker) from None
    return suggestion


# The seeker answers; the suggester may take it back


def consent(seeker: User, suggestion: Suggestion, *, shown: str) -> Suggestion:
    """The seeker consents to this one suggestion, recorded with the exact text she was shown, in her language.

    `shown` is the digest of the text her page showed (`actions.shares.text_digest`); a consent to a text
    that has since changed (she switched language meanwhile) is refused, as for profiles in play.
    """
    if suggestion.seeker_id != seeker.pk:
        raise _not_yours()
    text = consent_text(suggestion)
    if shown != text_digest(text):
        raise Refused(
            _("The text of the consent has changed since you opened the page. Read it again, then confirm."),
            field="shown",
        )
    now = timezone.now()
    with transaction.atomic():
        if not Suggestion.objects.filter(pk=suggestion.pk, state=S.AWAITING_CONSENT).exists():
            raise _moved_on()
        given = ShareConsent.objects.create(
            seeker=seeker,
            helper_id=suggestion.suggested_by_id,
            scope=ConsentScope.ONE,
            text=text,
            language=suggestion.seeker.language,
            granted=now,
        )
        moved = _transition("consent", suggestion, now, consent=given)
        _event("consent", seeker, [moved], consent=given.pk)
    return moved


def decline(seeker: User, suggestion: Suggestion) -> Suggestion:
    """The seeker would rather not be suggested this time; it never reaches the decision-maker."""
    if suggestion.seeker_id != seeker.pk:
        raise _not_yours()
    with transaction.atomic():
        moved = _transition("decline", suggestion, timezone.now())
        _event("decline", seeker, [moved])
    return moved


def withdraw(suggester: User, suggestion: Suggestion) -> Suggestion:
    """The suggester takes the suggestion back before the decision-maker answered it."""
    if suggestion.suggested_by_id != suggester.pk:
        raise _not_yours()
    with transaction.atomic():
        was = Suggestion.objects.filter(pk=suggestion.pk).values_list("state", flat=True).first()
        moved = _transition("withdraw", suggestion, timezone.now())
        _event("withdraw", suggester, [moved], was=str(was or ""))
    return moved


# The decision-maker answers


def _answer(name: str, decision_maker: User, suggestion: Suggestion, now: datetime.datetime, **changes) -> list:
    """Move the suggestion and the other endorsements of its group (same state) along the row `name`.

    The suggestion answered moves first with a conditional update (refused when it moved on); the others
    move only if they are still in the same state, so an endorsement that moved meanwhile is left alone.
    """
    if suggestion.decision_maker_id != decision_maker.pk or suggestion.state in NOT_PASSED_ON:
        raise _not_yours()
    row = TRANSITIONS[name]
    if suggestion.state not in row.sources:
        raise _moved_on()
    group = [pk for pk in access.group_of(suggestion).values_list("pk", flat=True) if pk != suggestion.pk]
    changed = Suggestion.objects.filter(pk=suggestion.pk, state=suggestion.state).update(
        state=row.target, state_changed=now, **changes
    )
    if changed != 1:
        raise _moved_on()
    Suggestion.objects.filter(pk__in=group, state=suggestion.state).update(
        state=row.target, state_changed=now, **changes
    )
    moved = Suggestion.objects.filter(pk__in=group, state=row.target, state_changed=now).values_list("pk", flat=True)
    return _reload([suggestion.pk, *moved])


def _record_outcome(decision_maker: User, suggestion: Suggestion, kind: str) -> Outcome | None:
    """The outcome credited to the suggestion, dated today in Copenhagen; None when it was already recorded."""
    with timezone.override(OUTCOME_ZONE):
        try:
            return record_outcome(
                decision_maker,
                suggestion.seeker,
                kind,
                date=timezone.localdate(),
                credit=Credit.SUGGESTION,
                suggestion=suggestion,
            )
        except Refused as refused:
            if refused.field == "kind":  # the same outcome is on her pipeline already (she recorded it herself)
                return None
            raise


def invite_to_coffee(decision_maker: User, suggestion: Suggestion, message: str = "") -> Suggestion:
    """Invite the candidate to a coffee meeting: a request from the decision-maker, linked to the suggestion."""
    message = _clean_text(message, MAX_MESSAGE_CHARS, "message", required=False)
    now = timezone.now()
    with transaction.atomic():
        moved = _answer("invite_to_coffee", decision_maker, suggestion, now)
        lead = moved[0]
        meeting = meetings_actions.invite_to_coffee(
            decision_maker,
            lead.seeker,
            organisation=lead.organisation,
            unit=lead.unit,
            posting=lead.posting,
            message=message,
        )
        Suggestion.objects.filter(pk__in=[s.pk for s in moved]).update(meeting=meeting)
        _event("invite_to_coffee", decision_maker, moved, meeting=meeting.pk)
    lead.meeting = meeting
    return lead


def invite_to_apply(decision_maker: User, suggestion: Suggestion) -> Suggestion:
    with transaction.atomic():
        moved = _answer("invite_to_apply", decision_maker, suggestion, timezone.now())
        _event("invite_to_apply", decision_maker, moved)
    return moved[0]


def invite_to_interview(decision_maker: User, suggestion: Suggestion) -> Suggestion:
    """Invite the candidate to an interview; the interview is recorded as an outcome of the suggestion."""
    with transaction.atomic():
        moved = _answer("invite_to_interview", decision_maker, suggestion, timezone.now())
        outcome = _record_outcome(decision_maker, moved[0], OutcomeKind.INTERVIEW)
        _event("invite_to_interview", decision_maker, moved, outcome=outcome.pk if outcome else None)
    return moved[0]


def record_hired(decision_maker: User, suggestion: Suggestion) -> Suggestion:
    """Record that the candidate was hired; the hire is recorded as an outcome of the suggestion."""
    with transaction.atomic():
        moved = _answer("record_hired", decision_maker, suggestion, timezone.now())
        outcome = _record_outcome(decision_maker, moved[0], OutcomeKind.HIRED)
        _event("record_hired", decision_maker, moved, outcome=outcome.pk if outcome else None)
    return moved[0]


def not_a_fit(decision_maker: User, suggestion: Suggestion, reason: str = "") -> Suggestion:
    """Not a fit this time, with an optional kind word back to the colleagues who suggested (not to the seeker)."""
    reason = _clean_text(reason, MAX_REASON_CHARS, "reason", required=False)
    with transaction.atomic():
        moved = _answer("not_a_fit", decision_maker, suggestion, timezone.now(), reason_back=reason)
        _event("not_a_fit", decision_maker, moved, with_reason=bool(reason))
    return moved[0]


def archive(decision_maker: User, suggestion: Suggestion) -> Suggestion:
    """Take the candidate out of the inbox; nobody is told (answer "not a fit" to tell the suggester)."""
    with transaction.atomic():
        moved = _answer("archive", decision_maker, suggestion, timezone.now())
        _event("archive", decision_maker, moved)
    return moved[0]
