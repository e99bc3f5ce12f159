"""Every change to a member's account: sign-up, verification, passwords, preferences, roles.

Each action checks its precondition, changes the row in one transaction (a conditional
update where it is a transition), writes an event and sends mail only once the
transaction has committed, so a rolled-back change never mails anyone.
"""

import datetime
import zoneinfo
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts import tasks
from kaffebro.accounts.models import Language, User
from kaffebro.accounts.signals import display_name_changed
from kaffebro.accounts.tokens import member_for_token
from kaffebro.core.events import record_event
from kaffebro.core.models import Event

# A member receives at most one account mail of a kind per minute, however often the form is sent.
MAIL_INTERVAL = datetime.timedelta(seconds=60)
DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length or 120

VERIFICATION_SENT = "accounts.verification_sent"
SIGNUP_ATTEMPT_MAILED = "accounts.signup_attempt_mailed"
PASSWORD_RESET_MAILED = "accounts.password_reset_mailed"


def normalise_email(email: str) -> str:
    return email.strip().lower()


def _mailed_recently(user: User, kind: str) -> bool:
    return Event.objects.filter(kind=kind, subject=user.code, created__gte=timezone.now() - MAIL_INTERVAL).exists()


def _mail_once_a_minute(user: User, kind: str, send_task) -> bool:
    """Record the mail and send it after commit, unless one of the same kind left within the last minute."""
    if _mailed_recently(user, kind):
        return False
    record_event(kind, subject=user.code)
    transaction.on_commit(partial(send_task.enqueue, user.pk))
    return True


def _check_language(language: str) -> None:
    if language not in Language.values:
        raise ValidationError(_("Choose Danish or English."), code="invalid_language")


def _check_time_zone(time_zone: str) -> None:
    if time_zone not in zoneinfo.available_timezones():
        raise ValidationError(_("Choose a time zone from the list."), code="invalid_time_zone")


def sign_up(*, display_name: str, email: str, password: str, language: str) -> User | None:
    """Create an unverified member and mail the link that confirms the address.

    An address that already has an account gets a "someone tried to sign up" mail
    instead, and the caller shows the same page either way, so the form never tells a
    stranger whether an address is registered. Returns the new member, or None.
    """
    _check_language(language)
    email = normalise_email(email)
    with transaction.atomic():
        user = _create_unless_registered(email, password, display_name=display_name, language=language)
        if user is None:
            make_password(password)  # the same hashing work as a real sign-up: no timing hint
            existing = User.objects.get(email__iexact=email)
            if existing.is_active:
                _mail_once_a_minute(existing, SIGNUP_ATTEMPT_MAILED, tasks.send_signup_attempt_mail)
            return None
        record_event("accounts.signed_up", actor=user, subject=user.code, language=language)
        _mail_once_a_minute(user, VERIFICATION_SENT, tasks.send_verification_mail)
    return user


def _create_unless_registered(email: str, password: str, **fields) -> User | None:
    """The new, unverified member; None when the address is taken, also by a concurrent sign-up."""
    if User.objects.filter(email__iexact=email).exists():
        return None
    try:
        with transaction.atomic():
            return User.objects.create_user(email, password, **fields)
    except IntegrityError:
        return None


@dataclass(frozen=True)
class Verification:
    member: User
    newly_verified: bool


def verify_email(token: str) -> Verification:
    """Mark the member's address as confirmed; only the first use of a link changes anything."""
    user = member_for_token(token)
    now = timezone.now()
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=now)
        if changed:
            user.email_verified_at = now
            record_event("accounts.email_verified", actor=user, subject=user.code)
    return Verification(member=user, newly_verified=bool(changed))


def resend_verification(email: str) -> bool:
    """Send a fresh link to an unverified member; silently nothing for any other address."""
    unverified = User.objects.filter(is_active=True, email_verified_at__isnull=True)
    user = unverified.filter(email__iexact=normalise_email(email)).first()
    if user is None:
        return False
    with transaction.atomic():
        return _mail_once_a_minute(user, VERIFICATION_SENT, tasks.send_verification_mail)


def request_password_reset(email: str) -> bool:
    """Mail a reset link to the active member with this address, if there is one."""
    user = User.objects.filter(email__iexact=normalise_email(email), is_active=True).first()
    if user is None:
        return False
    with transaction.atomic():
        return _mail_once_a_minute(user, PASSWORD_RESET_MAILED, tasks.send_password_reset_mail)


def reset_password(user: User, new_password: str) -> None:
    """Set the password chosen through a reset link; reading that mail also proves the address."""
    with transaction.atomic():
        user.set_password(new_password)
        fields = ["password"]
        if user.email_verified_at is None:
            user.email_verified_at = timezone.now()
            fields.append("email_verified_at")
        user.save(update_fields=fields)
        record_event("accounts.password_reset", actor=user, subject=user.code)


def change_password(user: User, new_password: str) -> None:
    """Set a new password for a logged-in member who confirmed the old one."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        record_event("accounts.password_changed", actor=user, subject=user.code)


def update_preferences(user: User, *, display_name: str, language: str, time_zone: str) -> list[str]:
    """Save the member's name, language and time zone; returns the names of the fields that changed."""
    display_name = display_name.strip()
    if not display_name or len(display_name) > DISPLAY_NAME_MAX:
        message = _("Enter a display name of at most %(max)d characters.") % {"max": DISPLAY_NAME_MAX}
        raise ValidationError(message, code="invalid_display_name")
    _check_language(language)
    _check_time_zone(time_zone)
    wanted = {"display_name": display_name, "language": language, "time_zone": time_zone}
    changed = [field for field, value in wanted.items() if getattr(user, field) != value]
    if not changed:
        return []
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(**{field: wanted[field] for field in changed})
        for field in changed:
            setattr(user, field, wanted[field])
        record_event("accounts.preferences_updated", actor=user, subject=user.code, fields=changed)
        if "display_name" in changed:
            display_name_changed.send(sender=User, member=user, display_name=display_name)
    return changed


def set_language(user: User, language: str) -> bool:
    """Save the language the member picked in the header; returns whether it changed."""
    _check_language(language)
    with transaction.atomic():
        changed = User.objects.filter(pk=user.pk).exclude(language=language).update(language=language)
        if changed:
            record_event("accounts.language_set", actor=user, subject=user.code, language=language)
    user.language = language
    return bool(changed)


def _set_coach(operator: User, member: User, *, is_coach: bool, kind: str) -> bool:
    if not (operator.is_active and operator.is_staff):
        raise PermissionDenied("Only operators grant or revoke the coach role.")
    with transaction.atomic():
        changed = User.objects.filter(pk=member.pk, is_coach=not is_coach).update(is_coach=is_coach)
        if changed:
            record_event(kind, actor=operator, subject=member.code)
    member.is_coach = is_coach
    return bool(changed)


def grant_coach(operator: User, member: User) -> bool:
    """Let a member keep a caseload as a career coach; returns False if they already were one."""
    return _set_coach(operator, member, is_coach=True, kind="accounts.coach_granted")


def revoke_coach(operator: User, member: User) -> bool:
    """Take the coach role away again; returns False if the member was not a coach."""
    return _set_coach(operator, member, is_coach=False, kind="accounts.coach_revoked")
