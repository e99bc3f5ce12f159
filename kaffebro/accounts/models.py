"""Members: the people who have an account.

Roles are capabilities, not account types: a member is a seeker when they have a
seeker profile, a connector when they opted in, a coach when an operator granted
it, a decision-maker when they hold a deciding position in a unit. Operators are
Django staff.
"""

import zoneinfo

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kaffebro.core.models import CodeField


def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class Language(models.TextChoices):
    DANISH = "da", _("Danish")
    ENGLISH = "en", _("English")


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **fields) -> "User":
        if not email:
            raise ValueError("A member needs an e-mail address.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **fields) -> "User":
        fields.setdefault("is_staff", False)
        fields.setdefault("is_superuser", False)
        return self._create(email, password, **fields)

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "User":
        fields.update(is_staff=True, is_superuser=True)
        fields.setdefault("email_verified_at", timezone.now())
        return self._create(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    code = CodeField()
    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=120)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=Language.choices,
        default=Language.DANISH,
        help_text=_("Kaffebro is shown in this language, whatever the browser asks for."),
    )
    time_zone = models.CharField(_("time zone"), max_length=64, default="Europe/Copenhagen")
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    is_coach = models.BooleanField(
        _("career coach"), default=False, help_text=_("Granted by an operator; lets the member keep a caseload.")
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("operator"), default=False)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [models.UniqueConstraint(Lower("email"), name="user_email_ci_unique")]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def two_factor_required(self) -> bool:
        """Operators and coaches see other people's data, so their log-in always asks for a second factor."""
        return self.is_staff or self.is_coach


class ThrottleScope(models.TextChoices):
    EMAIL = "email", _("e-mail address")
    CLIENT = "client", _("client address")


class LoginThrottle(models.Model):
    """Failed log-ins for one e-mail address or one client address, and the cool-off they earned.

    One row per key, changed only by conditional updates, so several app servers share the
    count without a cache. The key is a keyed hash: the table never holds what was typed.
    """

    scope = models.CharField(max_length=8, choices=ThrottleScope.choices)
    key = models.CharField(max_length=64)
    failures = models.PositiveIntegerField(default=0)
    counting_since = models.DateTimeField()
    last_failure = models.DateTimeField(db_index=True)
    cool_offs = models.PositiveSmallIntegerField(default=0)
    blocked_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("log-in throttle")
        verbose_name_plural = _("log-in throttles")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="login_throttle_scope_key_unique")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}"


class RateLimitCounter(models.Model):
    """How often one member (or client address) used one costly endpoint in one minute."""

    bucket = models.CharField(max_length=32)
    key = models.CharField(max_length=80)
    window_start = models.DateTimeField(db_index=True)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("rate-limit counter")
        verbose_name_plural = _("rate-limit counters")
        constraints = [
            models.UniqueConstraint(fields=["bucket", "key", "window_start"], name="rate_limit_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.bucket} {self.key} {self.window_start:%H:%M}"


class Authenticator(models.Model):
    """The member's authenticator app: the shared TOTP secret, stored only once a code confirmed it.

    `last_used_step` is the time step of the last code accepted; a code of that step or an
    earlier one is never accepted again, so an overheard code cannot be replayed.
    """

    member = models.OneToOneField(User, on_delete=models.CASCADE, related_name="authenticator")
    secret = models.CharField(max_length=64)
    confirmed = models.DateTimeField(_("set up"), default=timezone.now)
    last_used_step = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("authenticator")
        verbose_name_plural = _("authenticators")

    def __str__(self) -> str:
        return f"authenticator of {self.member_id}"


class RecoveryCode(models.Model):
    """A single-use code for a log-in without the authenticator app; only its hash is kept."""

    member = models.ForeignKey(User, on_delete=models.CASCADE, related_name="recovery_codes")
    code_hash = models.CharField(max_length=64)
    used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recovery code")
        verbose_name_plural = _("recovery codes")
        constraints = [models.UniqueConstraint(fields=["member", "code_hash"], name="recovery_code_unique")]

    def __str__(self) -> str:
        return f"recovery code of {self.member_id}"
