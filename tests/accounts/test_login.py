"""Log-in by e-mail in any letter case, refusal of unconfirmed addresses, safe redirects, log-out."""

import pytest
from django.conf import settings
from django.urls import reverse

from kaffebro.accounts.models import User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")


def log_in(client, email, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": email, "password": password, **extra})


def test_login_page_is_public(client):
    response = client.get(LOGIN)
    assert response.status_code == 200
    assert b'autocomplete="email"' in response.content


def test_login_ignores_the_letter_case_of_the_address(client, mette):
    response = log_in(client, "  Mette@EXAMPLE.org ")
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)
    assert int(client.session["_auth_user_id"]) == mette.pk


def test_a_wrong_password_is_refused(client, mette):
    response = log_in(client, "mette@example.org", "not-her-password")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].non_field_errors()


def test_an_unverified_member_is_told_to_confirm_and_offered_a_new_link(client, mette):
    User.objects.filter(pk=mette.pk).update(email_verified_at=None)
    response = log_in(client, "mette@example.org")
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert response.context["form"].has_error("__all__", "unverified")
    assert reverse("accounts:resend_verification").encode() in response.content


def test_an_unverified_address_is_not_revealed_without_the_password(client, mette):
    User.objects.filter(pk=mette.pk).update(email_verified_at=None)
    response = log_in(client, "mette@example.org", "a-guess-that-is-wrong")
    assert not response.context["form"].has_error("__all__", "unverified")
    assert reverse("accounts:resend_verification").encode() not in response.content


def test_a_safe_next_is_honoured(client, mette):
    response = log_in(client, "mette@example.org", next=reverse("accounts:settings"))
    assert response.url == reverse("accounts:settings")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"])
def test_an_open_redirect_is_refused(client, mette, target):
    response = log_in(client, "mette@example.org", next=target)
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


def test_anonymous_is_sent_to_log_in_with_next(client):
    response = client.get(reverse("accounts:settings"))
    assert response.status_code == 302
    assert response.url == f"{LOGIN}?next={reverse('accounts:settings')}"


def test_a_logged_in_member_is_sent_on_from_the_login_page(mette_client):
    response = mette_client.get(LOGIN)
    assert response.status_code == 302


def test_logout_refuses_get(mette_client):
    response = mette_client.get(reverse("accounts:logout"))
    assert response.status_code == 405
    assert "_auth_user_id" in mette_client.session


def test_logout_by_post(mette_client):
    response = mette_client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGOUT_REDIRECT_URL)
    assert "_auth_user_id" not in mette_client.session
