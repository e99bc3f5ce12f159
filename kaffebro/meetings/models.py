"""Coffee meetings, starting with the seeker's preparation brief ("forberedelse").

A brief belongs to one seeker and one of their targets. It is written once and
improved over time; every request for a coffee meeting toward the target will
refer to it, so each save bumps `version` and a save based on an older version
is refused (see `actions.save_brief`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaffebro.core.models import CodeField

# Hard limits on what is stored, in characters. The readiness check asks for far less (in words):
# these only keep a pasted essay or a script out of the database.
MAX_PART_CHARS = 3000


class PrepBrief(models.Model):
    """The four parts a seeker writes before asking for a coffee meeting, in their own words."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prep_briefs")
    target = models.ForeignKey("network.Target", on_delete=models.CASCADE, related_name="+")
    knowledge = models.TextField(_("what I know about the organisation and the unit"), blank=True)
    offer = models.TextField(_("what I offer"), blank=True)
    difference = models.TextField(_("how I could make a difference for them"), blank=True)
    ask = models.TextField(_("exactly what help I ask for"), blank=True)
    their_gain = models.TextField(_("what they might get out of meeting me"), blank=True)
    read_website = models.BooleanField(_("read their website and strategy"), default=False)
    knows_unit = models.BooleanField(_("know what the unit does"), default=False)
    read_news = models.BooleanField(_("looked for recent news"), default=False)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("Bumped on every save, so a save from an older page is refused.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("preparation brief")
        verbose_name_plural = _("preparation briefs")
        constraints = [models.UniqueConstraint("seeker", "target", name="prep_brief_one_per_seeker_and_target")]

    def __str__(self) -> str:
        return f"brief {self.code} v{self.version}"


class RequestKind(models.TextChoices):
    DIRECT = "direct", _("Direct request")
    INTRODUCTION = "introduction", _("Introduction through a connector")


class RequestState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    WITH_CONNECTOR = "with_connector", _("With the connector")
    WITH_PERSON = "with_person", _("With the person to meet")
    SCHEDULING = "scheduling", _("Finding a time")
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    FOLLOWED_UP = "followed_up", _("Followed up")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Closed without an answer")


class DeclineReason(models.TextChoices):
    NOT_NOW = "not_now", _("Not now")
    NOT_A_FIT = "not_a_fit", _("I am not the right person")
    NO = "no", _("No, thank you")


class MeetingRequest(models.Model):
    """A request for a coffee meeting, direct or through a connector, from draft to follow-up.

    Every change of `state` is an action in `actions.py`, allowed by `states.TRANSITIONS`
    and made with a conditional update, so two clicks never make two transitions.
    """

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="meeting_requests")
    brief = models.ForeignKey(PrepBrief, on_delete=models.CASCADE, related_name="requests")
    kind = models.CharField(_("kind"), max_length=16, choices=RequestKind.choices)
    connector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="introductions_asked",
        help_text=_("The member asked to introduce the seeker (the first person on the path)."),
    )
    person = models.ForeignKey(
        "network.Person", on_delete=models.CASCADE, related_name="+", help_text=_("The person to meet.")
    )
    person_member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="meeting_invitations",
        help_text=_("The person to meet, when they are a member; Kaffebro never writes to anyone else."),
    )
    path = models.JSONField(default=list, blank=True, help_text=_("Person ids of the path after the seeker."))
    state = models.CharField(_("state"), max_length=16, choices=RequestState.choices, default=RequestState.DRAFT)
    state_changed = models.DateTimeField(_("state changed"), default=timezone.now)
    answer_due = models.DateTimeField(_("answer due"), null=True, blank=True)
    first_sent = models.DateTimeField(
        _("first sent"),
        null=True,
        blank=True,
        help_text=_("When the seeker first sent it; a draft never sent is theirs only."),
    )
    reached_person = models.DateTimeField(
        _("reached the person"),
        null=True,
        blank=True,
        help_text=_("When it first reached the person to meet (sent direct, or the connector approved)."),
    )
    message = models.TextField(_("message"), blank=True, max_length=2000)
    introduction_note = models.TextField(_("introduction"), blank=True, max_length=3000)
    changes_asked = models.TextField(_("changes asked for"), blank=True, max_length=2000)
    decline_reason = models.CharField(_("reason"), max_length=16, choices=DeclineReason.choices, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    video_link = models.URLField(_("video link"), max_length=500, blank=True)
    starts = models.DateTimeField(_("starts"), null=True, blank=True)
    ends = models.DateTimeField(_("ends"), null=True, blank=True)
    calendar_sequence = models.PositiveIntegerField(default=0, help_text=_("iCalendar SEQUENCE of the invitation."))
    seeker_says_held = models.BooleanField(null=True, blank=True)
    other_says_held = models.BooleanField(null=True, blank=True)
    learned = models.TextField(_("what I learned"), blank=True, max_length=4000)
    next_step = models.TextField(_("my next step"), blank=True, max_length=2000)
    reminder_sent = models.DateTimeField(null=True, blank=True)
    follow_up_reminder_sent = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("coffee meeting request")
        verbose_name_plural = _("coffee meeting requests")
        indexes = [
            models.Index(fields=["seeker", "state"], name="meeting_seeker_state"),
            models.Index(fields=["connector", "state"], name="meeting_connector_state"),
            models.Index(fields=["person_member", "state"], name="meeting_person_state"),
            models.Index(fields=["state", "answer_due"], name="meeting_state_due"),
            # Covers the insights' per-seeker funnel (kaffebro/insights/figures.py): read from the index alone.
            models.Index(
                fields=["seeker", "state", "first_sent", "reached_person", "starts"], name="meeting_seeker_steps"
            ),
        ]
        constraints = [
            # The same request twice: one open request per seeker and person to meet.
            models.UniqueConstraint(
                "seeker",
                "person",
                condition=Q(state__in=["draft", "with_connector", "with_person", "scheduling", "scheduled"]),
                name="meeting_one_open_request_per_person",
            ),
            models.CheckConstraint(
                condition=Q(kind="direct") | Q(connector__isnull=False), name="meeting_introduction_has_connector"
            ),
        ]

    def __str__(self) -> str:
        return f"meeting {self.code} ({self.state})"


class ProposedTime(models.Model):
    """One of up to three times offered for a meeting, by the seeker or the other side."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="proposed_times")
    starts = models.DateTimeField(_("starts"))
    ends = models.DateTimeField(_("ends"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts"]
        verbose_name = _("proposed time")
        verbose_name_plural = _("proposed times")

    def __str__(self) -> str:
        return f"{self.starts:%Y-%m-%d %H:%M}"


class OutcomeKind(models.TextChoices):
    NAME_PASSED_ON = "name_passed_on", _("My name was passed on")
    INVITED_TO_APPLY = "invited_to_apply", _("Invited to apply")
    INVITED_TO_INTERVIEW = "invited_to_interview", _("Invited to an interview")
    NEW_CONTACT = "new_contact", _("A new contact to meet")
    OTHER = "other", pgettext_lazy("meeting outcome", "Other")


class MeetingOutcome(models.Model):
    """What came of a meeting, recorded by the seeker."""

    request = models.ForeignKey(MeetingRequest, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("outcome"), max_length=24, choices=OutcomeKind.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created"]
        verbose_name = _("meeting outcome")
        verbose_name_plural = _("meeting outcomes")

    def __str__(self) -> str:
        return self.kind
