"""Sessions end when idle or old, and changing how one logs in needs the password typed just now."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from kaffebro.accounts import sessions
from kaffebro.core.models import Event
from tests.accounts.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

SETTINGS = reverse("accounts:settings")
CONFIRM = reverse("accounts:confirm_password")
PASSWORD_CHANGE = reverse("accounts:password_change")


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


class TestIdleTimeout:
    def test_a_member_idle_too_long_is_logged_out_and_told_why(self, client, mette, clock, settings):
        in_english(mette)
        log_in(client, mette.email)
        clock.advance(seconds=settings.SESSION_IDLE_SECONDS + 1)
        response = client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:login')}?next={SETTINGS}"
        assert not logged_in(client)
        login_page = client.get(response.url)
        assert "inactive for a while" in login_page.content.decode()

    def test_activity_keeps_the_session_alive(self, client, mette, clock, settings):
        log_in(client, mette.email)
        for _hour in range(3):
            clock.advance(seconds=settings.SESSION_IDLE_SECONDS - 60)
            assert client.get(SETTINGS).status_code == 200
        assert logged_in(client)

    def test_last_seen_is_written_at_most_once_a_minute(self, clock, mette_client):
        mette_client.get(SETTINGS)
        seen = mette_client.session[sessions.SEEN_AT]
        clock.advance(seconds=30)
        mette_client.get(SETTINGS)
        assert mette_client.session[sessions.SEEN_AT] == seen
        clock.advance(seconds=31)
        mette_client.get(SETTINGS)
        assert mette_client.session[sessions.SEEN_AT] == seen + 61

    def test_a_request_within_the_minute_writes_no_session(self, clock, mette_client, django_assert_max_num_queries):
        mette_client.get(SETTINGS)
        with django_assert_max_num_queries(10) as captured:
            mette_client.get(SETTINGS)
        on_session = [query["sql"] for query in captured.captured_queries if "django_session" in query["sql"]]
        assert len(on_session) == 1 and on_session[0].startswith("SELECT"), "the session is read, never written"


class TestAbsoluteTimeout:
    def test_even_an_active_session_ends_after_the_absolute_limit(self, client, mette, clock, settings):
        in_english(mette)
        log_in(client, mette.email)
        hours = settings.SESSION_ABSOLUTE_SECONDS // 3600
        for _hour in range(hours):
            clock.advance(hours=1)
            assert client.get(SETTINGS).status_code == 200
        clock.advance(seconds=1)
        response = client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 302 and not logged_in(client)
        assert "many hours old" in client.get(response.url).content.decode()

    def test_a_new_log_in_starts_the_clocks_again(self, client, mette, clock, settings):
        log_in(client, mette.email)
        clock.advance(seconds=settings.SESSION_ABSOLUTE_SECONDS + 1)
        client.get(SETTINGS)
        log_in(client, mette.email)
        assert client.get(SETTINGS).status_code == 200

    def test_the_cookie_lives_no_longer_than_the_session_may(self, client, mette, clock, settings):
        """A cookie that outlived the absolute limit would carry a session id the server refuses anyway."""
        assert settings.SESSION_COOKIE_AGE == settings.SESSION_ABSOLUTE_SECONDS == 12 * 60 * 60
        response = log_in(client, mette.email)
        cookie = response.cookies[settings.SESSION_COOKIE_NAME]
        assert int(cookie["max-age"]) == settings.SESSION_ABSOLUTE_SECONDS
        session = client.session
        assert session.get_expiry_age() == settings.SESSION_ABSOLUTE_SECONDS

    def test_a_public_page_still_opens_after_the_timeout(self, client, mette, clock, settings):
        log_in(client, mette.email)
        clock.advance(seconds=settings.SESSION_IDLE_SECONDS + 1)
        assert client.get(reverse("core:privacy")).status_code == 200
        assert not logged_in(client)


class TestReAuthentication:
    def test_the_password_log_in_counts_as_a_fresh_confirmation(self, client, mette, clock):
        log_in(client, mette.email)
        assert client.get(PASSWORD_CHANGE).status_code == 200

    def test_the_confirmation_expires_after_five_minutes(self, client, mette, clock, settings):
        log_in(client, mette.email)
        clock.advance(seconds=settings.REAUTH_SECONDS + 1)
        response = client.get(PASSWORD_CHANGE)
        assert response.url == f"{CONFIRM}?next=%2Faccount%2Fpassword%2F"

        confirmed = client.post(CONFIRM, {"password": PASSWORD, "next": PASSWORD_CHANGE})
        assert confirmed.url == PASSWORD_CHANGE
        assert client.get(PASSWORD_CHANGE).status_code == 200
        clock.advance(seconds=settings.REAUTH_SECONDS - 1)
        assert client.get(PASSWORD_CHANGE).status_code == 200
        clock.advance(seconds=2)
        assert client.get(PASSWORD_CHANGE).status_code == 302

    def test_a_wrong_password_confirms_nothing_and_counts_towards_the_cool_off(self, clock, mette_client):
        for _attempt in range(4):
            response = mette_client.post(CONFIRM, {"password": "wrong", "next": PASSWORD_CHANGE})
            assert response.context["form"].has_error("password", "wrong_password")
        response = mette_client.post(CONFIRM, {"password": "wrong"})
        assert response.context["form"].has_error("password", "cooling_off")
        refused = mette_client.post(CONFIRM, {"password": PASSWORD})
        assert refused.status_code == 200 and refused.context["form"].has_error("password", "cooling_off")
        assert sessions.PASSWORD_CONFIRMED_AT not in mette_client.session
        assert Event.objects.filter(kind="accounts.login_cooled_off").exists()

    @pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
    def test_the_way_back_stays_on_this_site(self, mette_client, target):
        response = mette_client.post(CONFIRM, {"password": PASSWORD, "next": target})
        assert response.url == reverse("core:landing")

    def test_without_a_way_back_it_returns_to_the_settings(self, mette_client):
        assert mette_client.post(CONFIRM, {"password": PASSWORD}).url == SETTINGS

    def test_a_form_sent_too_late_returns_to_its_page_after_confirming(self, mette_client, mette):
        response = mette_client.post(
            PASSWORD_CHANGE,
            {"old_password": PASSWORD, "new_password1": "x", "new_password2": "x"},
            HTTP_REFERER=f"http://testserver{PASSWORD_CHANGE}",
        )
        assert response.url == f"{CONFIRM}?next=%2Faccount%2Fpassword%2F"
        mette.refresh_from_db()
        assert mette.check_password(PASSWORD)

    def test_anonymous_is_sent_to_log_in(self, client):
        response = client.get(CONFIRM)
        assert response.url.startswith(reverse("accounts:login"))


def test_the_timeout_message_is_a_message_for_the_log_in_page(client, mette, clock, settings):
    in_english(mette)
    log_in(client, mette.email)
    clock.advance(seconds=settings.SESSION_IDLE_SECONDS + 1)
    response = client.get(SETTINGS, HTTP_ACCEPT_LANGUAGE="en")
    assert messages_of(response) == [
        "You were logged out because you were inactive for a while. Log in again to go on."
    ]


def in_english(member) -> None:
    """The message is written in the member's language when she is logged out; these tests read English."""
    member.language = "en"
    member.save(update_fields=["language"])
