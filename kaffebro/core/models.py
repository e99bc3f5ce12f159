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
