"""Sign-up and e-mail confirmation: a new member proves the address before logging in."""

import time
from unittest import mock

import pytest
from django.conf import settings
from django.urls import reverse

from kaffebro.accounts.models import User
from kaffebro.accounts.tokens import verification_token
from kaffebro.core.models import Event
from tests.accounts.conftest import assert_mail_language, html_part, links_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "filterkaffe-paa-kanden-7"
VERIFY_SUBJECT = "Confirm your e-mail address for Kaffebro"
ATTEMPT_SUBJECT = "Someone tried to sign up to Kaffebro with your address"


def signup_data(**overrides) -> dict:
    data = {
        "display_name": "Ida Sørensen",
        "email": "ida@example.org",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "language": "en",
    }
    return data | overrides


def sign_up(client, capture, **overrides):
    with capture(execute=True):
        return client.post(reverse("accounts:signup"), signup_data(**overrides))


def test_signup_page_preselects_the_current_language(client):
    response = client.get(reverse("accounts:signup"), headers={"accept-language": "en"})
    assert response.status_code == 200
    assert response.context["form"]["language"].value() == "en"
    assert (
        client.get(reverse("accounts:signup"), headers={"accept-language": "da"}).context["form"]["language"].value()
        == "da"
    )


def test_signup_mails_a_link_in_the_chosen_language_that_confirms_and_logs_in(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    response = sign_up(client, django_capture_on_commit_callbacks, email="Ida@Example.org")

    assert response.status_code == 302
    assert response.url == reverse("accounts:signup_done")
    user = User.objects.get(email="ida@example.org")
    assert user.email_verified_at is None
    assert user.language == "en"
    assert Event.objects.filter(kind="accounts.signed_up", subject=user.code).exists()

    (message,) = mailoutbox
    assert message.to == ["ida@example.org"]
    assert_mail_language(message, "en", VERIFY_SUBJECT)
    (link,) = links_in(message)
    assert link.startswith("/account/verify/")
    assert settings.SITE_URL + link in html_part(message)

    page = client.get(link)
    assert page.status_code == 200
    assert b'method="post"' in page.content
    user.refresh_from_db()
    assert user.email_verified_at is None, "opening the link alone (a mail scanner) must not confirm"

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed.url == reverse(settings.LOGIN_REDIRECT_URL)
    user.refresh_from_db()
    assert user.email_verified_at is not None
    assert int(client.session["_auth_user_id"]) == user.pk
    assert Event.objects.filter(kind="accounts.email_verified", subject=user.code).count() == 1


def test_a_danish_signup_gets_a_danish_mail(client, mailoutbox, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks, language="da")
    assert_mail_language(mailoutbox[0], "da", VERIFY_SUBJECT)


def test_a_used_link_does_not_log_in_again(client, mailoutbox, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    (link,) = links_in(mailoutbox[0])
    client.post(link)
    client.post(reverse("accounts:logout"))

    again = client.post(link)

    assert again.status_code == 302
    assert again.url == reverse("accounts:login")
    assert "_auth_user_id" not in client.session
    assert Event.objects.filter(kind="accounts.email_verified").count() == 1


def test_a_tampered_link_is_refused_and_offers_a_new_one(client, mailoutbox, django_capture_on_commit_callbacks):
    sign_up(client, django_capture_on_commit_callbacks)
    (link,) = links_in(mailoutbox[0])
    tampered = link[:-3] + ("a" if link[-3] != "a" else "b") + link[-2:]

    for response in (client.get(tampered), client.post(tampered), client.post("/account/verify/not-a-token/")):
        assert response.status_code == 400
        assert reverse("accounts:resend_verification").encode() in response.content
        assert "_auth_user_id" not in client.session
    assert User.objects.get(email="ida@example.org").email_verified_at is None


def test_an_expired_link_is_refused(client, mette):
    User.objects.filter(pk=mette.pk).update(email_verified_at=None)
    long_ago = time.time() - settings.EMAIL_VERIFICATION_MAX_AGE - 60
    with mock.patch("time.time", return_value=long_ago):
        token = verification_token(mette)

    response = client.post(reverse("accounts:verify", kwargs={"token": token}))

    assert response.status_code == 400
    mette.refresh_from_db()
    assert mette.email_verified_at is None


def test_a_link_stops_working_when_the_address_changes(client, mette):
    token = verification_token(mette)
    User.objects.filter(pk=mette.pk).update(email="mette.k@example.org", email_verified_at=None)
    assert client.post(reverse("accounts:verify", kwargs={"token": token})).status_code == 400


def test_invalid_signup_changes_nothing_and_marks_the_fields(client, mailoutbox, django_capture_on_commit_callbacks):
    cases = [
        signup_data(password2="something-else-entirely"),
        signup_data(password1="kort", password2="kort"),
        signup_data(email="not-an-address"),
        signup_data(display_name="   "),
        signup_data(display_name="x" * 121),
        signup_data(language="de"),
    ]
    for data in cases:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("accounts:signup"), data)
        assert response.status_code == 200
        assert b'aria-invalid="true"' in response.content
        assert b"_error" in response.content  # the error list is linked by aria-describedby
    assert not User.objects.filter(email="ida@example.org").exists()
    assert mailoutbox == []


def test_signing_up_with_a_registered_address_does_not_reveal_it(
    client, mette, mailoutbox, django_capture_on_commit_callbacks
):
    fresh = sign_up(client, django_capture_on_commit_callbacks)
    taken = sign_up(client, django_capture_on_commit_callbacks, email="METTE@example.org", display_name="Imposter")

    assert taken.status_code == fresh.status_code == 302
    assert taken.url == fresh.url
    assert User.objects.filter(email__iexact="mette@example.org").count() == 1
    mette.refresh_from_db()
    assert mette.display_name == "Mette Kristensen"
    assert mette.check_password(PASSWORD)

    attempt = mailoutbox[-1]
    assert attempt.to == ["mette@example.org"]
    assert_mail_language(attempt, "da", ATTEMPT_SUBJECT)
    assert set(links_in(attempt)) == {reverse("accounts:login"), reverse("accounts:password_reset")}


def test_repeated_attempts_mail_the_member_once_a_minute(client, mette, mailoutbox, django_capture_on_commit_callbacks):
    for _attempt in range(3):
        sign_up(client, django_capture_on_commit_callbacks, email="mette@example.org")
    assert len(mailoutbox) == 1


def test_signup_done_page_is_public(client):
    response = client.get(reverse("accounts:signup_done"))
    assert response.status_code == 200
    assert reverse("accounts:resend_verification").encode() in response.content


def test_a_member_who_is_logged_in_is_sent_on_from_signup(mette_client):
    response = mette_client.get(reverse("accounts:signup"))
    assert response.status_code == 302
    assert response.url == reverse(settings.LOGIN_REDIRECT_URL)


class TestResendVerification:
    def resend(self, client, capture, email):
        with capture(execute=True):
            return client.post(reverse("accounts:resend_verification"), {"email": email})

    def test_an_unverified_member_gets_a_new_link_once_a_minute(
        self, client, mailoutbox, django_capture_on_commit_callbacks
    ):
        user = User.objects.create_user("ny@example.org", NEW_PASSWORD, display_name="Ny", language="en")

        first = self.resend(client, django_capture_on_commit_callbacks, "NY@example.org")
        second = self.resend(client, django_capture_on_commit_callbacks, "ny@example.org")

        assert first.status_code == second.status_code == 302
        assert first.url == second.url == reverse("accounts:signup_done")
        (message,) = mailoutbox
        assert_mail_language(message, "en", VERIFY_SUBJECT)
        client.post(links_in(message)[0])
        user.refresh_from_db()
        assert user.email_verified

    def test_the_rate_limit_counts_the_signup_mail(self, client, mailoutbox, django_capture_on_commit_callbacks):
        sign_up(client, django_capture_on_commit_callbacks)
        self.resend(client, django_capture_on_commit_callbacks, "ida@example.org")
        assert len(mailoutbox) == 1

    def test_unknown_and_verified_addresses_get_the_same_answer_and_no_mail(
        self, client, mette, mailoutbox, django_capture_on_commit_callbacks
    ):
        unknown = self.resend(client, django_capture_on_commit_callbacks, "nobody@example.org")
        verified = self.resend(client, django_capture_on_commit_callbacks, "mette@example.org")
        assert unknown.status_code == verified.status_code == 302
        assert unknown.url == verified.url == reverse("accounts:signup_done")
        assert mailoutbox == []

    def test_a_bad_address_is_refused_with_a_message(self, client, django_capture_on_commit_callbacks):
        response = self.resend(client, django_capture_on_commit_callbacks, "not an address")
        assert response.status_code == 200
        assert b'aria-invalid="true"' in response.content
