"""The jobs app's personal data: consents, profiles in play, suggestions, coaching and outcomes.

Registered with `kaffebro.core.personal_data` from `JobsConfig.ready()`; see docs/privacy.md.

- Export: what the member gave, made or received, as far as they could see it (a decision-maker never sees a
  suggestion that did not reach them).
- Erasure: consents the member gave or was given go, with every consent carried along from them and every share
  or suggestion that relied on one (without the consent a profile may not stay in play); the member's shares,
  suggestions, coaching and outcomes go. An outcome the member recorded for a seeker stays the seeker's: it is
  then recorded by her.
- Retention: suggestions that ended without a hire (not a fit, archived, cancelled) go
  DECLINED_SUGGESTION_RETENTION_DAYS after they ended, after Datatilsynet's guidance on applications of
  candidates who were not hired (kept up to six months).
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q

from kaffebro.core.events import record_event
from kaffebro.core.personal_data import AppData, Chore, Erasure, Export, register
from kaffebro.jobs.models import (
    CoachAccess,
    CoachNote,
    Outcome,
    ProfileShare,
    ShareConsent,
    ShareRecipient,
    Suggestion,
    SuggestionState,
)
from kaffebro.jobs.suggestions_states import NOT_PASSED_ON

CONSENT_FIELDS = ("code", "seeker", "helper", "scope", "text", "language", "granted", "withdrawn", "carried_from")
SUGGESTION_FIELDS = (
    "code",
    "seeker",
    "suggested_by",
    "decision_maker",
    "consent",
    "posting",
    "posting__title",
    "unit",
    "unit__name",
    "organisation",
    "organisation__name",
    "how_known",
    "why_fit",
    "state",
    "state_changed",
    "reason_back",
    "meeting",
    "created",
)
ENDED_WITHOUT_HIRE = (SuggestionState.NOT_A_FIT, SuggestionState.ARCHIVED, SuggestionState.CANCELLED)

EXPORTS = (
    Export(
        "jobs.consents_given",
        ShareConsent,
        lambda user: ShareConsent.objects.filter(seeker=user),
        CONSENT_FIELDS,
    ),
    Export(
        "jobs.consents_received",
        ShareConsent,
        lambda user: ShareConsent.objects.filter(helper=user).exclude(seeker=user),
        CONSENT_FIELDS,
    ),
    Export(
        "jobs.profiles_in_play",
        ProfileShare,
        lambda user: ProfileShare.objects.filter(Q(seeker=user) | Q(helper=user)),
        ("code", "seeker", "helper", "consent", "note", "state", "passed_on_from", "created", "state_changed"),
    ),
    Export(
        "jobs.profile_recipients",
        ShareRecipient,
        lambda user: ShareRecipient.objects.filter(Q(share__helper=user) | Q(member=user)),
        ("code", "share", "person", "member", "answer", "answered", "answer_recorded_by", "meeting", "created"),
    ),
    Export(
        "jobs.suggestions_made_or_about_me",
        Suggestion,
        lambda user: Suggestion.objects.filter(Q(seeker=user) | Q(suggested_by=user)),
        SUGGESTION_FIELDS,
    ),
    Export(
        "jobs.suggestions_received",
        Suggestion,
        lambda user: (
            Suggestion.objects.filter(decision_maker=user)
            .exclude(Q(seeker=user) | Q(suggested_by=user))
            .exclude(state__in=NOT_PASSED_ON)
        ),
        SUGGESTION_FIELDS,
    ),
    Export(
        "jobs.coach_access",
        CoachAccess,
        lambda user: CoachAccess.objects.filter(Q(seeker=user) | Q(coach=user)),
        ("code", "seeker", "coach", "granted", "withdrawn"),
    ),
    Export(
        "jobs.coach_notes",
        CoachNote,
        lambda user: CoachNote.objects.filter(Q(seeker=user) | Q(coach=user)),
        ("code", "seeker", "coach", "text", "created"),
    ),
    Export(
        "jobs.outcomes",
        Outcome,
        lambda user: Outcome.objects.filter(Q(seeker=user) | Q(recorded_by=user)),
        (
            "code",
            "seeker",
            "target",
            "posting",
            "organisation",
            "organisation__name",
            "kind",
            "date",
            "credit",
            "connector",
            "meeting",
            "share_recipient",
            "suggestion",
            "recorded_by",
            "note",
            "created",
        ),
    ),
)


def _consents_to_erase(user) -> set[int]:
    """The consents the member gave or was given, and every consent carried along from one of them."""
    consents = set(ShareConsent.objects.filter(Q(seeker=user) | Q(helper=user)).values_list("pk", flat=True))
    frontier = set(consents)
    while frontier:
        frontier = set(ShareConsent.objects.filter(carried_from__in=frontier).values_list("pk", flat=True)) - consents
        consents |= frontier
    return consents


def erase(erasure: Erasure) -> None:
    user = erasure.user
    consents = _consents_to_erase(user)
    Outcome.objects.filter(recorded_by=user).exclude(seeker=user).update(recorded_by=F("seeker"))
    Outcome.objects.filter(seeker=user).delete()
    Suggestion.objects.filter(
        Q(seeker=user) | Q(suggested_by=user) | Q(decision_maker=user) | Q(consent__in=consents)
    ).delete()
    shares = ProfileShare.objects.filter(Q(seeker=user) | Q(helper=user) | Q(consent__in=consents))
    erasure.persons.update(ShareRecipient.objects.filter(share__in=shares).values_list("person_id", flat=True))
    shares.delete()
    ShareRecipient.objects.filter(member=user).delete()
    ShareConsent.objects.filter(pk__in=consents).delete()
    CoachNote.objects.filter(Q(seeker=user) | Q(coach=user)).delete()
    CoachAccess.objects.filter(Q(seeker=user) | Q(coach=user)).delete()


def delete_ended_suggestions(now: datetime.datetime) -> int:
    """Suggestions that ended without a hire longer ago than DECLINED_SUGGESTION_RETENTION_DAYS."""
    before = now - datetime.timedelta(days=settings.DECLINED_SUGGESTION_RETENTION_DAYS)
    due = Suggestion.objects.filter(state__in=ENDED_WITHOUT_HIRE, state_changed__lt=before)
    with transaction.atomic():
        deleted = due.delete()[1].get(Suggestion._meta.label, 0)
        if deleted:
            record_event("privacy.retention", what="jobs.suggestions", deleted=deleted)
    return deleted


register(
    AppData(
        "jobs",
        exports=EXPORTS,
        erase=erase,
        chores=(Chore("ended_suggestions_deleted", delete_ended_suggestions),),
    )
)
