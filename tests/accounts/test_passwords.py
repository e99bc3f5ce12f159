"""Password reset by mail in the member's own language, and password change from the settings."""

import pytest
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kaffebro.core.models import Event
from tests.accounts.conftest import assert_mail_language, links_in
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "espresso-med-kardemomme-4"
RESET_SUBJECT = "Choose a new password for Kaffebro"


def ask_for_reset(client, capture, email, **headers):
    with capture(execute=True):
        return client.post(reverse("accounts:password_reset"), {"email": email}, headers=headers)


def test_reset_mail_is_in_the_members_language_and_the_link_works(
    client, lars, mailoutbox, django_capture_on_commit_callbacks
):
    response = ask_for_reset(client, django_capture_on_commit_callbacks, "LARS@example.org", accept_language="da")

    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    (message,) = mailoutbox
    assert message.to == ["lars@example.org"]
    assert_mail_language(message, "en", RESET_SUBJECT)
    (link,) = links_in(message)

    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert form_page.context["validlink"]
    set_password_url = form_page.redirect_chain[-1][0]
    done = client.post(set_password_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert done.status_code == 302
    assert done.url == reverse("accounts:password_reset_complete")
    lars.refresh_from_db()
    assert lars.check_password(NEW_PASSWORD)
    assert Event.objects.filter(kind="accounts.password_reset", subject=lars.code).exists()
    assert client.get(link, follow=True).context["validlink"] is False, "a reset link works only once"


def test_a_danish_member_gets_a_danish_reset_mail(client, mette, mailoutbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, django_capture_on_commit_callbacks, "mette@example.org", accept_language="en")
    assert_mail_language(mailoutbox[0], "da", RESET_SUBJECT)


def test_reset_for_an_unknown_address_looks_the_same_and_sends_nothing(
    client, lars, mailoutbox, django_capture_on_commit_callbacks
):
    known = ask_for_reset(client, django_capture_on_commit_callbacks, "lars@example.org")
    unknown = ask_for_reset(client, django_capture_on_commit_callbacks, "nobody@example.org")
    assert known.url == unknown.url
    assert len(mailoutbox) == 1


def test_reset_mail_is_sent_at_most_once_a_minute(client, lars, mailoutbox, django_capture_on_commit_callbacks):
    for _request in range(3):
        ask_for_reset(client, django_capture_on_commit_callbacks, "lars@example.org")
    assert len(mailoutbox) == 1


def test_a_weak_new_password_is_refused(client, lars, mailoutbox, django_capture_on_commit_callbacks):
    ask_for_reset(client, django_capture_on_commit_callbacks, "lars@example.org")
    form_page = client.get(links_in(mailoutbox[0])[0], follow=True)
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": "12345", "new_password2": "12345"})
    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.content
    lars.refresh_from_db()
    assert lars.check_password(PASSWORD)


def test_a_tampered_reset_link_is_refused(client, lars):
    response = client.get(reverse("accounts:password_reset_confirm", kwargs={"uidb64": "MQ", "token": "abc-def"}))
    assert response.status_code == 200
    assert response.context["validlink"] is False


def test_reset_pages_are_public(client):
    for name in ("accounts:password_reset", "accounts:password_reset_done", "accounts:password_reset_complete"):
        assert client.get(reverse(name)).status_code == 200


class TestPasswordChange:
    url = reverse("accounts:password_change")

    def test_change_keeps_the_member_logged_in(self, mette_confirmed, mette):
        page = mette_confirmed.get(self.url)
        assert page.status_code == 200
        assert reverse("accounts:settings").encode() in page.content

        response = mette_confirmed.post(
            self.url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )

        assert response.status_code == 302
        assert response.url == reverse("accounts:settings")
        mette.refresh_from_db()
        assert mette.check_password(NEW_PASSWORD)
        assert mette_confirmed.get(reverse("accounts:settings")).status_code == 200
        assert Event.objects.filter(kind="accounts.password_changed", subject=mette.code).exists()

    def test_a_wrong_old_password_changes_nothing(self, mette_confirmed, mette):
        response = mette_confirmed.post(
            self.url, {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert response.status_code == 200
        assert b'aria-invalid="true"' in response.content
        mette.refresh_from_db()
        assert mette.check_password(PASSWORD)

    def test_an_overlong_password_is_refused(self, mette_confirmed, mette):
        long_password = "k" * 200
        response = mette_confirmed.post(
            self.url, {"old_password": PASSWORD, "new_password1": long_password, "new_password2": long_password}
        )
        assert response.status_code == 200
        mette.refresh_from_db()
        assert mette.check_password(PASSWORD)

    def test_the_password_must_have_been_typed_recently(self, mette_client, mette):
        response = mette_client.post(
            self.url, {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
        )
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:confirm_password"))
        mette.refresh_from_db()
        assert mette.check_password(PASSWORD)

    def test_anonymous_is_sent_to_log_in(self, client):
        assert client.get(self.url).status_code == 302


def test_the_reset_link_names_the_member_by_code_not_by_id(
    client, lars, mailoutbox, django_capture_on_commit_callbacks
):
    """URLs carry opaque codes only; a link built the Django default way, from the integer id, does not work."""
    ask_for_reset(client, django_capture_on_commit_callbacks, "lars@example.org")
    (link,) = links_in(mailoutbox[0])
    assert f"/{urlsafe_base64_encode(force_bytes(lars.code))}/" in link
    token = link.rstrip("/").rsplit("/", 1)[-1]
    by_id = reverse(
        "accounts:password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(lars.pk)), "token": token},
    )
    assert client.get(by_id, follow=True).context["validlink"] is False


@pytest.mark.parametrize("uidb64", ["AA", "_w", "4pyTwqA"])
def test_a_reset_link_with_garbage_for_the_member_is_simply_invalid(client, uidb64):
    """NUL bytes, bytes that are not UTF-8 and stray characters: an invalid link, never an error."""
    url = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uidb64, "token": "abc-def"})
    response = client.get(url, follow=True)
    assert response.status_code == 200 and response.context["validlink"] is False
