"""The log-in cool-off: it grows and ends, never locks anyone out for good, and touches no one else."""

import datetime
import io
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from kaffebro.accounts.backends import EmailBackend
from kaffebro.accounts.clients import client_address
from kaffebro.accounts.models import LoginThrottle, ThrottleScope
from kaffebro.core.models import Event
from tests.accounts.conftest import log_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG = "not-the-password"


def fail(client, email: str, times: int, **extra):
    """`times` wrong passwords for `email`; the last answer."""
    responses = [log_in(client, email, WRONG, **extra) for _attempt in range(times)]
    assert "_auth_user_id" not in client.session
    return responses[-1]


def errors(response) -> list:
    return response.context["form"].non_field_errors().as_data()


def cooling_off(response) -> bool:
    return any(error.code == "cooling_off" for error in errors(response))


def blocked_for(scope: str) -> datetime.timedelta:
    row = LoginThrottle.objects.get(scope=scope)
    return row.blocked_until - row.last_failure


def test_five_failures_start_a_cool_off_and_even_the_right_password_is_refused(client, clock, mette):
    response = fail(client, "mette@example.org", 4)
    assert not cooling_off(response)
    response = log_in(client, "mette@example.org", WRONG)
    assert cooling_off(response), "the fifth failure starts the cool-off and says so at once"

    with mock.patch.object(EmailBackend, "authenticate", side_effect=AssertionError("password checked")):
        response = log_in(client, "mette@example.org", PASSWORD)
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert cooling_off(response)


def test_the_cool_off_ends_and_grows_each_time_up_to_the_maximum(client, clock, mette):
    expected = [1, 2, 4, 8, 15, 15]
    for minutes in expected:
        fail(client, "mette@example.org", 5)
        assert blocked_for(ThrottleScope.EMAIL) == datetime.timedelta(minutes=minutes)
        clock.advance(minutes=minutes, seconds=-1)
        assert cooling_off(log_in(client, "mette@example.org", PASSWORD)), "still cooling off a second before the end"
        clock.advance(seconds=1)

    response = log_in(client, "mette@example.org", PASSWORD)
    assert response.status_code == 302, "after every cool-off the right password works again: no lock-out"


def test_the_message_is_in_the_visitors_language(client, clock, mette):
    fail(client, "mette@example.org", 5)
    response = log_in(client, "mette@example.org", PASSWORD, HTTP_ACCEPT_LANGUAGE="en")
    assert "Try again in 1 minute, at " in response.content.decode()


def test_other_addresses_are_not_affected(client, clock, mette, lars):
    fail(client, "mette@example.org", 5)
    response = log_in(client, "lars@example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(lars.pk)


def test_a_successful_log_in_forgets_the_failures(client, clock, mette):
    fail(client, "mette@example.org", 4)
    assert log_in(client, "mette@example.org").status_code == 302
    client.post(reverse("accounts:logout"))
    response = fail(client, "mette@example.org", 4)
    assert not cooling_off(response), "the count started afresh after the log-in"


def test_failures_outside_the_window_do_not_add_up(client, clock, mette, settings):
    fail(client, "mette@example.org", 4)
    clock.advance(seconds=settings.LOGIN_FAILURE_WINDOW + 1)
    response = fail(client, "mette@example.org", 4)
    assert not cooling_off(response)
    assert log_in(client, "mette@example.org").status_code == 302


def test_after_a_quiet_day_the_cool_offs_start_short_again(client, clock, mette):
    for _round in range(3):
        fail(client, "mette@example.org", 5)
        clock.advance(minutes=15)
    assert blocked_for(ThrottleScope.EMAIL) == datetime.timedelta(minutes=4)
    clock.advance(days=1)
    fail(client, "mette@example.org", 5)
    assert blocked_for(ThrottleScope.EMAIL) == datetime.timedelta(minutes=1)


def test_an_unknown_address_cools_off_the_same_way(client, clock):
    """Otherwise the cool-off would tell a stranger which addresses have an account."""
    response = fail(client, "nobody@example.org", 5)
    assert cooling_off(response)


def test_one_client_trying_many_addresses_cools_off(client, clock, settings, mette):
    settings.LOGIN_FAILURE_LIMIT_PER_CLIENT = 6
    for number in range(6):
        response = log_in(client, f"guess{number}@example.org", WRONG)
    assert cooling_off(response)
    assert "your network" in log_in(client, "mette@example.org", PASSWORD, HTTP_ACCEPT_LANGUAGE="en").content.decode()

    elsewhere = log_in(client, "mette@example.org", PASSWORD, REMOTE_ADDR="192.0.2.44")
    assert elsewhere.status_code == 302, "another client logs in as usual"


def test_the_table_holds_no_address_and_the_event_names_only_the_member(client, clock, mette):
    fail(client, "Mette@Example.org", 5)
    for row in LoginThrottle.objects.all():
        assert "mette" not in row.key and "127.0.0.1" not in row.key
    event = Event.objects.get(kind="accounts.login_cooled_off")
    assert event.subject == mette.code
    assert event.data == {"scope": "email", "seconds": 60}


def test_the_letter_case_of_the_address_does_not_matter(client, clock, mette):
    fail(client, "METTE@example.org", 3)
    response = fail(client, "mette@EXAMPLE.org", 2)
    assert cooling_off(response)


class TestClientAddress:
    factory = RequestFactory()

    def address(self, settings, proxies: int, remote: str, forwarded: str | None = None) -> str:
        settings.TRUSTED_PROXY_COUNT = proxies
        headers = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            headers["HTTP_X_FORWARDED_FOR"] = forwarded
        return client_address(self.factory.get("/", **headers))

    def test_without_proxies_the_header_is_ignored(self, settings):
        assert self.address(settings, 0, "198.51.100.7", "203.0.113.9") == "198.51.100.7"

    def test_behind_one_proxy_the_last_entry_is_the_client(self, settings):
        assert self.address(settings, 1, "10.0.0.2", "6.6.6.6, 203.0.113.9") == "203.0.113.9"

    def test_behind_two_proxies_the_second_from_the_right(self, settings):
        assert self.address(settings, 2, "10.0.0.3", "6.6.6.6, 203.0.113.9, 10.0.0.2") == "203.0.113.9"

    def test_a_header_shorter_than_the_proxy_chain_falls_back_to_the_connection(self, settings):
        assert self.address(settings, 2, "10.0.0.3", "203.0.113.9") == "10.0.0.3"
        assert self.address(settings, 1, "10.0.0.3") == "10.0.0.3"

    def test_garbage_is_one_unknown_client(self, settings):
        assert self.address(settings, 1, "10.0.0.2", "not-an-address") == "unknown"

    def test_ipv6_counts_by_its_64(self, settings):
        assert self.address(settings, 0, "2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
        assert self.address(settings, 0, "2001:db8:1:2:bbbb::9") == "2001:db8:1:2::/64"


def test_the_chore_deletes_counts_a_day_old_but_keeps_recent_ones_and_cool_offs(client, clock, mette, lars):
    fail(client, "lars@example.org", 1)
    clock.advance(days=1, seconds=1)
    fail(client, "mette@example.org", 1, REMOTE_ADDR="192.0.2.8")
    out = io.StringIO()
    call_command("accounts_chores", stdout=out)
    assert "Deleted 2 old log-in count(s)" in out.getvalue(), "Lars's address and the first client's"
    assert LoginThrottle.objects.count() == 2


def test_the_admin_log_in_form_hands_over_to_the_member_log_in(client, olga):
    admin_login = reverse("admin:login")
    response = client.get(admin_login, {"next": "/operator/"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:login") + "?next=%2Foperator%2F"
    client.post(admin_login, {"username": "olga@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session, "the admin form never checks a password"


def test_a_member_who_is_no_operator_is_refused_the_admin_log_in(mette_client):
    assert mette_client.get(reverse("admin:login")).status_code == 403


class TestPasswordResetRequests:
    url = reverse("accounts:password_reset")

    def test_are_rate_limited_per_client(self, client, clock, settings, mette, mailoutbox):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "account_mail": 2}
        for _attempt in range(2):
            assert client.post(self.url, {"email": "mette@example.org"}).status_code == 302
        refused = client.post(self.url, {"email": "mette@example.org"}, HTTP_ACCEPT_LANGUAGE="en")
        assert refused.status_code == 429
        assert refused["Retry-After"] == "59"
        assert "Please wait a moment" in refused.content.decode()
        assert client.post(self.url, {"email": "x@example.org"}, REMOTE_ADDR="192.0.2.5").status_code == 302

        clock.advance(seconds=59)
        assert client.post(self.url, {"email": "mette@example.org"}).status_code == 302

    def test_the_form_itself_is_not_counted(self, client, settings):
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, "account_mail": 1}
        for _attempt in range(3):
            assert client.get(self.url).status_code == 200
