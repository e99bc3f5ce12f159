"""Personal API tokens and the answers kept for idempotent requests.

A token's secret is shown to the member once and never stored: only its SHA-256
digest (to find the token) and its first characters (so the member can tell their
tokens apart) are kept.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kaffebro.core.models import CodeField

PREFIX_LENGTH = 8


class ApiToken(models.Model):
    """A member's personal token for the REST API; it acts as the member until it is revoked."""

    code = CodeField()
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for, e.g. “my spreadsheet”."))
    prefix = models.CharField(_("starts with"), max_length=PREFIX_LENGTH)
    hash = models.CharField(max_length=64, unique=True, help_text=_("SHA-256 of the secret; the secret is never kept."))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "revoked"], name="api_token_user_active")]

    def __str__(self) -> str:
        return f"token {self.prefix}… ({self.name})"


class IdempotencyRecord(models.Model):
    """The answer to a request sent with an `Idempotency-Key`, kept so a retry gets the same answer.

    The row is inserted before the request's work is done, in the same transaction: a concurrent
    request with the same key waits on the unique constraint and then replays this answer.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    request = models.CharField(max_length=300, help_text=_("Method and path the key was first used for."))
    request_hash = models.CharField(max_length=64, help_text=_("SHA-256 of what the request sent."))
    status = models.PositiveSmallIntegerField(default=0)
    body = models.JSONField(default=dict, blank=True)
    created = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("idempotency record")
        verbose_name_plural = _("idempotency records")
        constraints = [models.UniqueConstraint("user", "key", name="idempotency_key_once_per_member")]

    def __str__(self) -> str:
        return f"{self.request} ({self.status})"
