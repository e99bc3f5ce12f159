"""The accounts app's personal data: the account, two-factor log-in, sessions, and inactive accounts.

Registered with `kaffebro.core.personal_data` from `AccountsConfig.ready()`; see docs/privacy.md.

- Export: the account's own fields (never the password hash, the authenticator's secret or the recovery codes'
  hashes: each would hand whoever reads the file a way in), and the operator's changes in the admin.
- Erasure: two-factor rows, the member's sessions everywhere, log-in counts for their address, rate-limit windows.
- Retention: an account nobody used for INACTIVE_ACCOUNT_WARN_DAYS is warned by mail, once; when it is still
  unused INACTIVE_ACCOUNT_DELETE_DAYS after its last use, and the warning went out at least the difference before,
  it is erased. Operators are never erased automatically: that could lock the hosting organisation out.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from functools import partial
from importlib import import_module

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django_tasks import task

from kaffebro.accounts import throttle
from kaffebro.accounts.models import Authenticator, RateLimitCounter, RecoveryCode, User
from kaffebro.accounts.sessions import PENDING_LOGIN
from kaffebro.accounts.tasks import absolute_url, send_member_mail
from kaffebro.core.events import record_event
from kaffebro.core.models import Event
from kaffebro.core.personal_data import AppData, Chore, Erasure, Export, erase_member, last_seen, register

INACTIVITY_WARNED = "privacy.inactivity_warned"


EXPORTS = (
    Export(
        "accounts.account",
        User,
        lambda user: User.objects.filter(pk=user.pk),
        (
            "code",
            "email",
            "display_name",
            "language",
            "time_zone",
            "email_verified_at",
            "is_coach",
            "is_active",
            "is_staff",
            "is_superuser",
            "date_joined",
            "last_login",
        ),
    ),
    Export(
        "accounts.authenticator",
        Authenticator,
        lambda user: Authenticator.objects.filter(member=user),
        ("member", "confirmed", "last_used_step"),
    ),
    Export(
        "accounts.recovery_codes",
        RecoveryCode,
        lambda user: RecoveryCode.objects.filter(member=user),
        ("member", "used"),
    ),
    Export(
        "accounts.operator_changes",
        LogEntry,
        lambda user: LogEntry.objects.filter(user=user),
        ("user", "action_time", "content_type__app_label", "content_type__model", "action_flag", "change_message"),
    ),
)


def erase(erasure: Erasure) -> None:
    user = erasure.user
    end_sessions(user.pk)
    throttle.forget_failures(user.email)
    RateLimitCounter.objects.filter(key=f"member:{user.pk}").delete()
    RecoveryCode.objects.filter(member=user).delete()
    Authenticator.objects.filter(member=user).delete()
    LogEntry.objects.filter(user=user).delete()


def end_sessions(user_id: int) -> int:
    """Delete every stored session of the member: logged in, or half-way through the two-factor step.

    Sessions kept in the database are read one by one (their data is encoded); a session engine that keeps them
    elsewhere (cache, signed cookies) has nothing to delete here, and its sessions end with the account.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    if not hasattr(store_class, "get_model_class"):
        return 0
    model = store_class.get_model_class()
    store = store_class()
    doomed = []
    for key, data in model.objects.values_list("session_key", "session_data").iterator():
        decoded = store.decode(data)
        pending = decoded.get(PENDING_LOGIN)
        if decoded.get("_auth_user_id") == str(user_id) or (
            isinstance(pending, dict) and pending.get("member") == user_id
        ):
            doomed.append(key)
    deleted, _counts = model.objects.filter(session_key__in=doomed).delete()
    return deleted


def last_logins(user_ids: list[int]) -> Mapping[int, datetime.datetime]:
    """A member who never logged in counts from the day they joined."""
    rows = User.objects.filter(pk__in=user_ids).values_list("pk", "last_login", "date_joined")
    return {pk: last_login or joined for pk, last_login, joined in rows}


def _inactive_since(before: datetime.datetime) -> dict[int, datetime.datetime]:
    """Members (not operators) with no sign of life in any app since `before`: id → when they were last seen."""
    quiet = User.objects.filter(is_staff=False, is_superuser=False).filter(
        Q(last_login__lt=before) | Q(last_login__isnull=True, date_joined__lt=before)
    )
    ids = list(quiet.values_list("pk", flat=True))
    return {pk: seen for pk, seen in last_seen(ids).items() if seen < before}


def _warnings_since(seen: Mapping[int, datetime.datetime]) -> dict[int, datetime.datetime]:
    """When each member was warned after they were last seen (a warning before their last visit no longer counts)."""
    codes = dict(User.objects.filter(pk__in=list(seen)).values_list("code", "pk"))
    warned: dict[int, datetime.datetime] = {}
    for code, created in Event.objects.filter(kind=INACTIVITY_WARNED, subject__in=list(codes)).values_list(
        "subject", "created"
    ):
        pk = codes[code]
        if created > seen[pk] and (pk not in warned or created > warned[pk]):
            warned[pk] = created
    return warned


def warn_inactive(now: datetime.datetime) -> int:
    """Mail each member unused for INACTIVE_ACCOUNT_WARN_DAYS, once: the event is the marker."""
    seen = _inactive_since(now - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_WARN_DAYS))
    warned = _warnings_since(seen)
    count = 0
    for user in User.objects.filter(pk__in=[pk for pk in seen if pk not in warned]):
        with transaction.atomic():
            record_event(INACTIVITY_WARNED, subject=user.code)
            if user.is_active:
                transaction.on_commit(partial(send_inactivity_warning.enqueue, user.pk))
        count += 1
    return count


def erase_inactive(now: datetime.datetime) -> int:
    """Erase members unused for INACTIVE_ACCOUNT_DELETE_DAYS who were warned at least the notice period ago."""
    notice = datetime.timedelta(days=settings.INACTIVE_ACCOUNT_DELETE_DAYS - settings.INACTIVE_ACCOUNT_WARN_DAYS)
    seen = _inactive_since(now - datetime.timedelta(days=settings.INACTIVE_ACCOUNT_DELETE_DAYS))
    due = [pk for pk, warned in _warnings_since(seen).items() if warned <= now - notice]
    return sum(erase_member(pk) for pk in due)


def deletion_date(warned: datetime.datetime) -> datetime.date:
    notice = settings.INACTIVE_ACCOUNT_DELETE_DAYS - settings.INACTIVE_ACCOUNT_WARN_DAYS
    return timezone.localdate(warned + datetime.timedelta(days=notice))


@task()
def send_inactivity_warning(user_id: int) -> None:
    """Tells the member when their unused account will be erased, and that logging in keeps it."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return
    with translation.override(user.language):
        when = formats.date_format(deletion_date(timezone.now()), "DATE_FORMAT")
    links = {
        "login_link": absolute_url(reverse("accounts:login")),
        "export_link": absolute_url(reverse("accounts:export")),
        "delete_link": absolute_url(reverse("accounts:delete")),
    }
    send_member_mail(user, "inactive_warning", {"deletion_date": when, **links})


register(
    AppData(
        "accounts",
        exports=EXPORTS,
        erase=erase,
        chores=(Chore("inactive_accounts_warned", warn_inactive), Chore("inactive_accounts_erased", erase_inactive)),
        last_seen=last_logins,
    )
)
