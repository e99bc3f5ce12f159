"""Helpers for the account tests: reading the mail Kaffebro sent and following its links."""

import re

from django.conf import settings
from django.utils import translation

LINK = re.compile(r"https?://[^\s\"<>]+")


def links_in(message) -> list[str]:
    """The absolute links in a mail's plain-text body, as paths on this site."""
    return [link.removeprefix(settings.SITE_URL) for link in LINK.findall(message.body)]


def html_part(message) -> str:
    (html, mimetype), *_ = message.alternatives
    assert mimetype == "text/html"
    return html


def translated(language: str, text: str) -> str:
    with translation.override(language):
        return translation.gettext(text)


def assert_mail_language(message, language: str, subject: str) -> None:
    """The mail is rendered in `language`: header, subject and the HTML part's lang attribute."""
    assert message.extra_headers["Content-Language"] == language
    assert message.subject == translated(language, subject)
    assert f'<html lang="{language}">' in html_part(message)
