"""Profiles put in play, candidate suggestions, coach access and outcomes.

The method's second half: people who have met a seeker put her profile in play toward
their own network ("sætte profilen i spil") and suggest her to a decision-maker; the
seeker records what came of it. A seeker's profile only ever reaches a third party
with her consent (`ShareConsent`), and every step is an action that writes an event.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaffebro.core.models import CodeField


class ConsentScope(models.TextChoices):
    STANDING = "standing", _("Until I withdraw it")
    ONE = "one", _("For this one time")


class ShareConsent(models.Model):
    """A seeker's consent that one helper may pass her profile on, with the exact text she agreed to.

    A standing consent covers every share and suggestion by that helper until withdrawn; a
    one-time consent covers the single share or suggestion it was given for. Withdrawal is a
    timestamp, never a deletion, so the record of what was agreed to stays.
    """

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consents_given")
    helper = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="consents_received",
        help_text=_("The connector or coach who may put the profile in play."),
    )
    scope = models.CharField(_("scope"), max_length=12, choices=ConsentScope.choices)
    text = models.TextField(_("text shown"), help_text=_("The consent text exactly as the seeker saw it."))
    language = models.CharField(_("language"), max_length=8, blank=True)
    granted = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="carried",
        help_text=_("When a recipient passes the profile on, the seeker's consent is carried along from here."),
    )

    class Meta:
        ordering = ["-granted"]
        verbose_name = _("consent to share a profile")
        verbose_name_plural = _("consents to share a profile")
        constraints = [
            models.UniqueConstraint(
                "seeker",
                "helper",
                condition=Q(scope="standing", withdrawn__isnull=True),
                name="consent_one_standing_per_helper",
            )
        ]

    def __str__(self) -> str:
        return f"consent {self.code}"


class ShareState(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Waiting for the seeker's consent")
    SENT = "sent", _("In play")
    CANCELLED = "cancelled", _("Cancelled")


class ProfileShare(models.Model):
    """A helper puts a seeker's profile in play toward chosen people of their own network."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_shares")
    helper = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shares_made")
    consent = models.ForeignKey(ShareConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="shares")
    note = models.TextField(_("note to the recipients"), max_length=2000)
    state = models.CharField(_("state"), max_length=20, choices=ShareState.choices)
    passed_on_from = models.ForeignKey(
        "ShareRecipient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="passed_on_shares",
        help_text=_("The card whose recipient passed the profile on."),
    )
    created = models.DateTimeField(auto_now_add=True)
    state_changed = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("profile in play")
        verbose_name_plural = _("profiles in play")

    def __str__(self) -> str:
        return f"share {self.code} ({self.state})"


class ShareAnswer(models.TextChoices):
    PENDING = "pending", _("No answer yet")
    COFFEE = "coffee", _("Yes, coffee")
    PASS_ON = "pass_on", _("I'll pass it on")
    NOT_NOW = "not_now", _("Not now")


class ShareRecipient(models.Model):
    """One person a profile was put in play toward: a member gets a card, a non-member a text sent by hand."""

    code = CodeField()
    share = models.ForeignKey(ProfileShare, on_delete=models.CASCADE, related_name="recipients")
    person = models.ForeignKey("network.Person", on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="shared_profiles",
        help_text=_("Set when the recipient is a member; Kaffebro never writes to anyone else."),
    )
    answer = models.CharField(_("answer"), max_length=12, choices=ShareAnswer.choices, default=ShareAnswer.PENDING)
    answered = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("The recipient, or the helper recording a non-member's answer given by hand."),
    )
    meeting = models.ForeignKey(
        "meetings.MeetingRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("recipient of a profile")
        verbose_name_plural = _("recipients of a profile")
        constraints = [models.UniqueConstraint("share", "person", name="share_recipient_once")]
        indexes = [models.Index(fields=["member", "answer"], name="share_recipient_member_answer")]

    def __str__(self) -> str:
        return f"recipient {self.code} ({self.answer})"


class SuggestionState(models.TextChoices):
    AWAITING_CONSENT = "awaiting_consent", _("Waiting for the seeker's consent")
    NEW = "new", _("New")
    COFFEE = "coffee", _("Invited to coffee")
    APPLY = "apply", _("Invited to apply")
    INTERVIEW = "interview", _("Invited to an interview")
    HIRED = "hired", _("Hired")
    NOT_A_FIT = "not_a_fit", _("Not a fit")
    ARCHIVED = "archived", _("Archived")
    CANCELLED = "cancelled", _("Cancelled")


class Suggestion(models.Model):
    """A colleague, connector or coach suggests a seeker to a decision-maker, with an endorsement.

    Advice from a person, not an automated decision: nothing here scores candidates.
    """

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions")
    suggested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions_made"
    )
    decision_maker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suggestions_received"
    )
    consent = models.ForeignKey(
        ShareConsent, null=True, blank=True, on_delete=models.PROTECT, related_name="suggestions"
    )
    posting = models.ForeignKey(
        "network.Posting", null=True, blank=True, on_delete=models.CASCADE, related_name="suggestions"
    )
    unit = models.ForeignKey("network.Unit", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("network.Organisation", on_delete=models.CASCADE, related_name="+")
    how_known = models.TextField(_("how I know the person"), max_length=1000)
    why_fit = models.TextField(_("why they fit"), max_length=2000)
    state = models.CharField(_("state"), max_length=20, choices=SuggestionState.choices)
    state_changed = models.DateTimeField(default=timezone.now)
    reason_back = models.TextField(
        _("a kind word back"), blank=True, max_length=1000, help_text=_("Shown to the member who suggested.")
    )
    meeting = models.ForeignKey(
        "meetings.MeetingRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("candidate suggestion")
        verbose_name_plural = _("candidate suggestions")
        indexes = [models.Index(fields=["decision_maker", "state"], name="suggestion_dm_state")]
        constraints = [
            models.UniqueConstraint(
                "seeker",
                "suggested_by",
                "decision_maker",
                condition=~Q(state__in=["cancelled", "archived", "not_a_fit", "hired"]),
                name="suggestion_once_while_open",
            )
        ]

    def __str__(self) -> str:
        return f"suggestion {self.code} ({self.state})"


class CoachAccess(models.Model):
    """A seeker lets a career coach follow her search; she can withdraw it at any time."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coaches_granted")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caseload")
    granted = models.DateTimeField(_("given"), default=timezone.now)
    withdrawn = models.DateTimeField(_("withdrawn"), null=True, blank=True)

    class Meta:
        ordering = ["-granted"]
        verbose_name = _("coach access")
        verbose_name_plural = _("coach access")
        constraints = [
            models.UniqueConstraint(
                "seeker", "coach", condition=Q(withdrawn__isnull=True), name="coach_access_once_while_open"
            )
        ]

    def __str__(self) -> str:
        return f"coach access {self.code}"


class CoachNote(models.Model):
    """A coach's note on a seeker in her caseload; the seeker sees every note."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="coach_notes")
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    text = models.TextField(_("note"), max_length=4000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("coach note")
        verbose_name_plural = _("coach notes")

    def __str__(self) -> str:
        return f"coach note {self.code}"


class OutcomeKind(models.TextChoices):
    APPLIED = "applied", _("Application sent")
    INTERVIEW = "interview", _("Invited to an interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Credit(models.TextChoices):
    """What led to an outcome; the method learns from these."""

    PATH = "path", _("A warm path and its connector")
    MEETING = "meeting", _("A coffee meeting")
    SHARE = "share", _("A profile put in play")
    SUGGESTION = "suggestion", _("A suggestion to the decision-maker")
    ADVERTISED = "advertised", _("The advertised channel, no network")


class Outcome(models.Model):
    """A dated step of a seeker's application toward a target, credited to what led there."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outcomes")
    target = models.ForeignKey("network.Target", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    posting = models.ForeignKey("network.Posting", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(
        "network.Organisation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(_("outcome"), max_length=12, choices=OutcomeKind.choices)
    date = models.DateField(_("date"))
    credit = models.CharField(_("what led here"), max_length=12, choices=Credit.choices)
    connector = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="outcomes_credited"
    )
    meeting = models.ForeignKey(
        "meetings.MeetingRequest", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    share_recipient = models.ForeignKey(
        ShareRecipient, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggestion = models.ForeignKey(Suggestion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-created"]
        verbose_name = _("outcome")
        verbose_name_plural = _("outcomes")
        indexes = [
            models.Index(fields=["seeker", "date"], name="outcome_seeker_date"),
            models.Index(fields=["kind", "date"], name="outcome_kind_date"),
            # Covers the insights' per-seeker funnel (kaffebro/insights/figures.py): read from the index alone.
            models.Index(fields=["seeker", "kind", "credit", "date"], name="outcome_seeker_steps"),
        ]

    def __str__(self) -> str:
        return f"outcome {self.code} ({self.kind})"
