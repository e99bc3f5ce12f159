"""Objections by people who do not want to be in Kaffebro: the signed link that confirms an e-mail address.

An e-mail address is applied only once its owner opened the link mailed to it, so nobody can remove someone
else by typing their address; the link is signed and expires after OBJECTION_LINK_MAX_AGE. Nothing about the
address is stored before the confirmation: it travels in the signed link only. What applying removes is each
app's business (`kaffebro.core.personal_data.apply_objection`).
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django_tasks import task

OBJECTION_SALT = "kaffebro.core.objection"


class InvalidLink(Exception):
    """The confirmation link expired, was changed, or was not copied in full."""


def confirmation_token(email: str) -> str:
    return signing.TimestampSigner(salt=OBJECTION_SALT).sign_object({"email": email})


def email_for_token(token: str) -> str:
    try:
        payload = signing.TimestampSigner(salt=OBJECTION_SALT).unsign_object(
            token, max_age=settings.OBJECTION_LINK_MAX_AGE
        )
        email = payload["email"]
    except (signing.BadSignature, KeyError, TypeError, ValueError) as error:
        raise InvalidLink from error
    if not isinstance(email, str) or "@" not in email:
        raise InvalidLink
    return email


@task()
def send_confirmation(email: str, language: str) -> None:
    """Mail the link to the address, in the language the form was filled in (the person is no member)."""
    link = settings.SITE_URL + reverse("objection:confirm", kwargs={"token": confirmation_token(email)})
    context = {
        "link": link,
        "hours": settings.OBJECTION_LINK_MAX_AGE // 3600,
        "controller": settings.KAFFEBRO_CONTROLLER_NAME,
        "contact": settings.KAFFEBRO_CONTROLLER_CONTACT,
        "language": language,
    }
    with translation.override(language):
        subject = " ".join(render_to_string("core/privacy_objection_mail_subject.txt", context).split())
        message = EmailMultiAlternatives(
            subject=subject,
            body=render_to_string("core/privacy_objection_mail.txt", context),
            to=[email],
            headers={"Content-Language": language},
        )
        message.attach_alternative(render_to_string("core/privacy_objection_mail.html", context), "text/html")
    message.send()
