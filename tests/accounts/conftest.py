"""Helpers for the account tests: mail and its links, a frozen clock, Birthe the coach, logging in by the form."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation

from kaffebro.accounts import sessions
from tests.conftest import PASSWORD, make_member

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


def password_just_confirmed(client) -> None:
    """Mark the client's session as having typed the password a moment ago (see `recent_login_required`)."""
    session = client.session
    session[sessions.PASSWORD_CONFIRMED_AT] = sessions.stamp()
    session.save()


@pytest.fixture
def mette_confirmed(mette_client):
    """Mette, logged in, who typed her password again a moment ago."""
    password_just_confirmed(mette_client)
    return mette_client


class Clock:
    """A frozen `timezone.now()` that a test moves forward by hand."""

    def __init__(self, now: datetime.datetime):
        self.now = now

    def __call__(self) -> datetime.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += datetime.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    """Freezes the clock one second into the next minute: near the real time, so sessions stay valid, never
    before what a fixture stamped already, and at the start of a 30-second step of the authenticator codes."""
    real = timezone.now()
    frozen = Clock(real.replace(second=0, microsecond=0) + datetime.timedelta(minutes=1, seconds=1))
    monkeypatch.setattr(timezone, "now", frozen)
    return frozen


@pytest.fixture
def birthe(db):
    """Birthe is a career coach: like an operator, she must log in with a second factor."""
    return make_member("birthe@example.org", "Birthe Løvgren", is_coach=True)


def log_in(client, email: str, password: str = PASSWORD, **meta):
    """Post the log-in form; `meta` goes into the request's META (REMOTE_ADDR, HTTP_ACCEPT_LANGUAGE …)."""
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **meta)
