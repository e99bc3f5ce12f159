"""Account mail, sent in the background in the recipient's own language.

Tasks take the member's id, never the object: the row is read fresh when the task
runs, and a member who was erased in the meantime simply gets no mail.
"""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from kaffebro.accounts.models import User
from kaffebro.accounts.tokens import (
    EMAIL_CHANGE_MAX_AGE,
    EmailChange,
    InvalidToken,
    email_change_for_token,
    verification_token,
)


def absolute_url(path: str) -> str:
    return settings.SITE_URL + path


def send_member_mail(user: User, template: str, context: dict, *, to: str = "") -> None:
    """Render `accounts/email/<template>` (subject, plain text and HTML) in the member's language and send it
    to the member's address, or to `to` (a new address, not yet confirmed)."""
    with translation.override(user.language):
        context = {"member": user, "site_url": settings.SITE_URL, "language": user.language, **context}
        subject = " ".join(render_to_string(f"accounts/email/{template}_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string(f"accounts/email/{template}.txt", context),
            to=[to or user.email],
            headers={"Content-Language": user.language},
        )
        message.attach_alternative(render_to_string(f"accounts/email/{template}.html", context), "text/html")
    message.send()


def _active_member(user_id: int) -> User | None:
    return User.objects.filter(pk=user_id, is_active=True).first()


@task()
def send_verification_mail(user_id: int) -> None:
    """The link that confirms a new member's address."""
    user = _active_member(user_id)
    if user is None or user.email_verified:
        return
    link = absolute_url(reverse("accounts:verify", kwargs={"token": verification_token(user)}))
    hours = settings.EMAIL_VERIFICATION_MAX_AGE // 3600
    send_member_mail(user, "verify", {"link": link, "hours": hours})


@task()
def send_signup_attempt_mail(user_id: int) -> None:
    """Tells an existing member that someone signed up with their address, and how to reset the password."""
    user = _active_member(user_id)
    if user is None:
        return
    links = {
        "login_link": absolute_url(reverse("accounts:login")),
        "reset_link": absolute_url(reverse("accounts:password_reset")),
    }
    send_member_mail(user, "signup_attempt", links)


@task()
def send_password_reset_mail(user_id: int) -> None:
    """A one-time link to choose a new password; it stops working once the password changes."""
    user = _active_member(user_id)
    if user is None:
        return
    uidb64 = urlsafe_base64_encode(force_bytes(user.code))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    send_member_mail(user, "password_reset", {"link": absolute_url(path), "hours": hours})


def _change_still_wanted(user_id: int, token: str) -> tuple[User, EmailChange] | None:
    """The member and the change, unless the member is gone or no longer has the address they changed from."""
    user = _active_member(user_id)
    try:
        change = email_change_for_token(token)
    except InvalidToken:
        return None
    if user is None or user.code != change.member or user.email != change.old:
        return None
    return user, change


@task()
def send_email_change_link(user_id: int, token: str) -> None:
    """The link, to the new address, that proves the member reads it; only opening it changes the address."""
    wanted = _change_still_wanted(user_id, token)
    if wanted is None:
        return
    user, change = wanted
    link = absolute_url(reverse("accounts:email_change_confirm", kwargs={"token": token}))
    context = {"link": link, "hours": EMAIL_CHANGE_MAX_AGE // 3600, "new_email": change.new}
    send_member_mail(user, "email_change", context, to=change.new)


@task()
def send_email_change_notice(user_id: int, token: str) -> None:
    """Tells the current address that a change was asked for, so a member whose account was taken over notices."""
    wanted = _change_still_wanted(user_id, token)
    if wanted is None:
        return
    user, change = wanted
    context = {"new_email": change.new, "reset_link": absolute_url(reverse("accounts:password_reset"))}
    send_member_mail(user, "email_change_notice", context)
