"""Every change to a member's account: sign-up, verification, passwords, preferences, roles, two-factor.

Each action checks its precondition, changes the row in one transaction (a conditional
update where it is a transition), writes an event and sends mail only once the
transaction has committed, so a rolled-back change never mails anyone.
"""

import datetime
import hashlib
import secrets
import zoneinfo
from dataclasses import dataclass
from functools import partial

from django.contrib.auth.hashers import make_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts import tasks, throttle, totp
from kaffebro.accounts.models import Authenticator, Language, RecoveryCode, User
from kaffebro.accounts.signals import display_name_changed
from kaffebro.accounts.tokens import InvalidToken, email_change_for_token, email_change_token, member_for_token
from kaffebro.core.events import record_event
from kaffebro.core.models import Event

# A member receives at most one account mail of a kind per minute, however often the form is sent.
MAIL_INTERVAL = datetime.timedelta(seconds=60)
DISPLAY_NAME_MAX = User._meta.get_field("display_name").max_length or 120

VERIFICATION_SENT = "accounts.verification_sent"
SIGNUP_ATTEMPT_MAILED = "accounts.signup_attempt_mailed"
PASSWORD_RESET_MAILED = "accounts.password_reset_mailed"
EMAIL_CHANGE_REQUESTED = "accounts.email_change_requested"


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


def request_email_change(user: User, new_email: str) -> bool:
    """Mail a link to the new address and a notice to the current one; the address changes only when the link
    is opened (`confirm_email_change`).

    An address that belongs to another account gets no link, but the member sees the same answer and the
    current address the same notice, so the page never tells whether an address has an account. Returns False,
    sending nothing, when the member asked less than a minute ago.
    """
    new_email = normalise_email(new_email)
    if new_email == user.email.lower():
        raise ValidationError(_("That is already your e-mail address."), code="same_address")
    taken = User.objects.filter(email__iexact=new_email).exclude(pk=user.pk).exists()
    token = email_change_token(user, new_email)
    with transaction.atomic():
        if _mailed_recently(user, EMAIL_CHANGE_REQUESTED):
            return False
        record_event(EMAIL_CHANGE_REQUESTED, actor=user, subject=user.code)
        if not taken:
            transaction.on_commit(partial(tasks.send_email_change_link.enqueue, user.pk, token))
        transaction.on_commit(partial(tasks.send_email_change_notice.enqueue, user.pk, token))
    return True


def confirm_email_change(user: User, token: str) -> str:
    """Switch the logged-in member to the address the link was sent to; returns the new address.

    Raises InvalidToken for a link that is expired, forged, another member's, or already used (the address is no
    longer the one it changes from: a conditional update, so of two links, or two clicks, one wins), and
    ValidationError when the address has meanwhile become another account's.
    """
    change = email_change_for_token(token)
    if change.member != user.code:
        raise InvalidToken
    try:
        with transaction.atomic():
            switched = User.objects.filter(pk=user.pk, email=change.old, is_active=True).update(
                email=change.new, email_verified_at=timezone.now()
            )
            if not switched:
                raise InvalidToken
            record_event("accounts.email_changed", actor=user, subject=user.code)
    except IntegrityError:
        raise ValidationError(
            _("This address now belongs to another Kaffebro account, so yours was not changed."), code="taken"
        ) from None
    user.refresh_from_db(fields=["email", "email_verified_at"])
    return user.email


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


# Log-in and two-factor authentication (docs/security.md)

RECOVERY_CODE_COUNT = 10
RECOVERY_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/i/l: easy to read off paper
RECOVERY_CODE_LENGTH = 12  # about 59 bits each


def _wrong_code() -> ValidationError:
    return ValidationError(
        _("That code is not right, or it was used already. Type the code your app shows now."), code="wrong_code"
    )


def note_logged_in(user: User, *, second_factor: str = "") -> None:
    """A complete log-in: the address's failed attempts are forgotten and the log-in is on record."""
    with transaction.atomic():
        throttle.forget_failures(user.email)
        record_event("accounts.logged_in", actor=user, subject=user.code, second_factor=second_factor)


def _normalise_recovery_code(code: str) -> str:
    return "".join(character for character in code.lower() if character.isalnum())


def _recovery_code_hash(code: str) -> str:
    """Recovery codes are long random strings, so a plain SHA-256 is enough to keep them unreadable at rest."""
    return hashlib.sha256(_normalise_recovery_code(code).encode()).hexdigest()


def _new_recovery_codes(user: User) -> list[str]:
    """Replace the member's recovery codes with fresh ones (inside the caller's transaction); returns them."""
    codes = []
    for _number in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_CODE_ALPHABET) for _position in range(RECOVERY_CODE_LENGTH))
        codes.append("-".join(raw[start : start + 4] for start in range(0, RECOVERY_CODE_LENGTH, 4)))
    RecoveryCode.objects.filter(member=user).delete()
    RecoveryCode.objects.bulk_create(RecoveryCode(member=user, code_hash=_recovery_code_hash(code)) for code in codes)
    return codes


def enable_two_factor(user: User, *, secret: str, code: str, now: datetime.datetime | None = None) -> list[str]:
    """Turn two-factor authentication on once a code from the app proves it holds `secret`.

    Returns the new recovery codes, which exist nowhere else in readable form: show them once.
    The code that confirmed the set-up is used up, like any code.
    """
    step = totp.matching_step(secret, code, now or timezone.now())
    if step is None:
        raise _wrong_code()
    try:
        with transaction.atomic():
            Authenticator.objects.create(member=user, secret=secret, last_used_step=step)
            codes = _new_recovery_codes(user)
            record_event("accounts.two_factor_enabled", actor=user, subject=user.code)
    except IntegrityError:
        raise ValidationError(_("Two-factor authentication is already on."), code="already_on") from None
    return codes


def pass_second_factor(user: User, code: str, now: datetime.datetime | None = None) -> str:
    """Check the code of the log-in's second step and use it up; returns "authenticator" or "recovery_code".

    A six-digit code comes from the app: it is accepted once, and never after a later one (the conditional
    update on `last_used_step` settles two concurrent uses). Anything else is tried as a recovery code,
    which works once.
    """
    now = now or timezone.now()
    typed = "".join(code.split())
    if len(typed) == totp.DIGITS and typed.isdigit():
        authenticator = Authenticator.objects.filter(member=user).first()
        if authenticator is None:
            raise _wrong_code()
        step = totp.matching_step(authenticator.secret, typed, now, after_step=authenticator.last_used_step)
        if step is None or not _use_step(authenticator, step):
            raise _wrong_code()
        return "authenticator"
    with transaction.atomic():
        unused = RecoveryCode.objects.filter(member=user, used__isnull=True)
        if not unused.filter(code_hash=_recovery_code_hash(typed)).update(used=now):
            raise _wrong_code()
        record_event("accounts.recovery_code_used", actor=user, subject=user.code, left=unused.count())
    return "recovery_code"


def _use_step(authenticator: Authenticator, step: int) -> bool:
    return bool(Authenticator.objects.filter(pk=authenticator.pk, last_used_step__lt=step).update(last_used_step=step))


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(member=user, used__isnull=True).count()


def replace_recovery_codes(user: User) -> list[str]:
    """Fresh recovery codes for a member with two-factor authentication; the old ones stop working."""
    with transaction.atomic():
        if not Authenticator.objects.select_for_update().filter(member=user).exists():
            raise ValidationError(_("Two-factor authentication is not on."), code="not_on")
        codes = _new_recovery_codes(user)
        record_event("accounts.recovery_codes_replaced", actor=user, subject=user.code)
    return codes


def _remove_two_factor(member: User) -> bool:
    deleted, _counts = Authenticator.objects.filter(member=member).delete()
    RecoveryCode.objects.filter(member=member).delete()
    return bool(deleted)


def disable_two_factor(user: User) -> bool:
    """Turn two-factor authentication off; refused for operators and coaches, who must keep it."""
    if user.two_factor_required:
        raise ValidationError(
            _("Operators and career coaches must keep two-factor authentication on."), code="required"
        )
    with transaction.atomic():
        removed = _remove_two_factor(user)
        if removed:
            record_event("accounts.two_factor_disabled", actor=user, subject=user.code)
    return removed


def reset_two_factor(operator: User, member: User) -> bool:
    """An operator removes a member's lost authenticator and recovery codes; the member sets up anew.

    The way back for a member who lost both the phone and the recovery codes, after the operator
    has made sure, outside Kaffebro, that the request really comes from them.
    """
    if not (operator.is_active and operator.is_staff):
        raise PermissionDenied("Only operators reset two-factor authentication.")
    with transaction.atomic():
        removed = _remove_two_factor(member)
        if removed:
            record_event("accounts.two_factor_reset", actor=operator, subject=member.code)
    return removed
