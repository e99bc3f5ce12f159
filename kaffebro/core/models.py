"""Models every domain app shares: opaque codes and the event log."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaffebro.core.codes import CODE_LENGTH, new_code


class CodeField(models.CharField):
    """A unique opaque code, generated on creation, used in URLs instead of the id."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", CODE_LENGTH + 4)
        kwargs.setdefault("unique", True)
        kwargs.setdefault("default", new_code)
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


class Event(models.Model):
    """One row per state change, written by the action that made it.

    The log answers "who changed what, when" for support and data-protection
    requests; `subject` is the opaque code of the object that changed.
    """

    created = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=64, db_index=True)
    subject = models.CharField(max_length=CODE_LENGTH + 4, blank=True, db_index=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return f"{self.kind} {self.subject}"


class ErasureLog(models.Model):
    """One row per erased member, by id and opaque code only, so a restore from a backup can erase them again.

    It holds no personal data: the ids and codes name rows that no longer exist. `manage.py replay_erasures`
    re-applies every row to a restored database; the codes make sure an id handed out again after the restore
    never erases somebody else.
    """

    user_id = models.BigIntegerField(unique=True)
    user_code = models.CharField(max_length=CODE_LENGTH + 4)
    person_id = models.BigIntegerField(null=True, blank=True)
    person_code = models.CharField(max_length=CODE_LENGTH + 4, blank=True)
    erased = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["erased", "id"]
        verbose_name = _("erasure")
        verbose_name_plural = _("erasures")

    def __str__(self) -> str:
        return f"erasure of member {self.user_id}"


class AccessKind(models.TextChoices):
    """What another member read, said to the member whose data it was."""

    COACH_OPENED_SEEKER = "coach_opened_seeker", _("Opened your page as your coach: targets, meetings and outcomes")
    HELPER_OPENED_SEEKER = "helper_opened_seeker", _("Opened your profile and targets to put your profile in play")
    RECIPIENT_OPENED_CARD = "recipient_opened_card", _("Opened the card with your profile that was put in play to them")
    DECISION_MAKER_OPENED_CANDIDATE = (
        "decision_maker_opened_candidate",
        _("Read your profile, endorsements and brief as a suggested candidate"),
    )
    DECISION_MAKER_EXPORTED_SHORTLIST = (
        "decision_maker_exported_shortlist",
        _("Downloaded a shortlist with your profile and endorsements"),
    )
    CONNECTOR_OPENED_BRIEF = "connector_opened_brief", _("Read your preparation brief as the connector of your request")
    PERSON_OPENED_BRIEF = "person_opened_brief", _("Read your preparation brief in your request for a coffee meeting")


class AccessLog(models.Model):
    """One row per time another member read a member's data, so the member can see who looked (issue 9).

    Written by `kaffebro.core.access_log.log_read` from the views that show the data, at most once per viewer,
    member, kind and object in ten minutes; deleted after ACCESS_LOG_RETENTION_DAYS (`manage.py privacy_chores`).
    `code` is the opaque code of what was read through (the coach's access, the suggestion, the card, the request).
    `viewer_named` is False when the viewer's own settings hide their name from the member, as everywhere else.
    """

    subject = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    viewer_named = models.BooleanField(default=True)
    kind = models.CharField(max_length=64, choices=AccessKind.choices)
    code = models.CharField(max_length=CODE_LENGTH + 4)
    purpose = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["subject", "-created"], name="core_access_subject_created")]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.kind} {self.code}"
