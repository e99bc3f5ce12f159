"""Changing one's e-mail address: re-authentication first, a link to the new address, a notice to the old one.

Mette moves to a new address. Nothing changes until she opens the link sent there, logged in as herself; her
current address is told a change was asked for. Lars's address is taken: asking for it looks exactly like asking
for a free one, so the page never tells anyone which addresses have an account.
"""

import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from kaffebro.accounts import actions
from kaffebro.accounts.models import User
from kaffebro.accounts.tokens import EMAIL_CHANGE_MAX_AGE, InvalidToken, email_change_token
from kaffebro.core.models import Event
from tests.accounts.conftest import (
    assert_mail_language,
    html_part,
    links_in,
    log_in,
    password_just_confirmed,
)
from tests.concurrency import POSTGRES_ONLY, THREADS, race
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

CHANGE = reverse("accounts:email_change")
CONFIRM_PASSWORD = reverse("accounts:confirm_password")
SETTINGS = reverse("accounts:settings")
NEW = "mette.k@example.net"
LINK_SUBJECT = "Confirm your new e-mail address for Kaffebro"
NOTICE_SUBJECT = "A change of your e-mail address for Kaffebro was asked for"


@pytest.fixture
def mette_confirmed(client, mette):
    """Mette, logged in, reading English, who typed her password a moment ago."""
    mette.language = "en"
    mette.save(update_fields=["language"])
    client.force_login(mette)
    password_just_confirmed(client)
    return client


def ask(client, capture, email: str = NEW):
    with capture(execute=True):
        return client.post(CHANGE, {"email": email})


def confirm_link(mail) -> str:
    (path,) = [link for link in links_in(mail) if "/email/confirm/" in link]
    return path


def last_message(response) -> str:
    """The message this request added (earlier ones wait in the session until a page shows them)."""
    return [str(message) for message in response.wsgi_request._messages][-1]


class TestReAuthentication:
    def test_the_page_asks_for_the_password_first(self, mette_client, clock, settings):
        clock.advance(seconds=settings.REAUTH_SECONDS + 1)
        response = mette_client.get(CHANGE)
        assert response.url == f"{CONFIRM_PASSWORD}?next=%2Faccount%2Femail%2F"

    def test_a_form_sent_without_a_fresh_password_changes_and_mails_nothing(self, mette_client, mette, mailoutbox):
        response = mette_client.post(CHANGE, {"email": NEW}, HTTP_REFERER=f"http://testserver{CHANGE}")
        assert response.url == f"{CONFIRM_PASSWORD}?next=%2Faccount%2Femail%2F"
        assert mailoutbox == [] and not Event.objects.filter(kind=actions.EMAIL_CHANGE_REQUESTED).exists()

    def test_after_typing_the_password_the_page_opens(self, client, mette):
        log_in(client, mette.email)  # a log-in with the password counts as a fresh confirmation
        assert client.get(CHANGE).status_code == 200

    def test_anonymous_is_sent_to_log_in(self, client):
        assert client.get(CHANGE).url.startswith(reverse("accounts:login"))

    def test_settings_link_to_the_page(self, mette_confirmed):
        assert f'href="{CHANGE}"' in mette_confirmed.get(SETTINGS).content.decode()


class TestRequest:
    def test_a_link_goes_to_the_new_address_and_a_notice_to_the_old_nothing_changes_yet(
        self, mette_confirmed, mette, mailoutbox, django_capture_on_commit_callbacks
    ):
        response = ask(mette_confirmed, django_capture_on_commit_callbacks, email=" Mette.K@Example.NET ")

        assert response.url == SETTINGS
        assert last_message(response) == (
            f"We sent a link to {NEW}. Open it to change your address; until then you log in with mette@example.org."
        )
        link, notice = sorted(mailoutbox, key=lambda mail: mail.to != [NEW])
        assert link.to == [NEW] and notice.to == ["mette@example.org"]
        assert_mail_language(link, "en", LINK_SUBJECT)
        assert_mail_language(notice, "en", NOTICE_SUBJECT)
        assert confirm_link(link) in html_part(link)
        assert NEW in notice.body and reverse("accounts:password_reset") in notice.body
        assert "/email/confirm/" not in notice.body  # only the new address can confirm
        mette.refresh_from_db()
        assert mette.email == "mette@example.org"
        event = Event.objects.get(kind=actions.EMAIL_CHANGE_REQUESTED)
        assert event.actor == mette and NEW not in str(event.data)  # the log keeps no addresses

    def test_mail_is_in_the_members_language(
        self, mette_confirmed, mette, mailoutbox, django_capture_on_commit_callbacks
    ):
        mette.language = "da"
        mette.save(update_fields=["language"])
        ask(mette_confirmed, django_capture_on_commit_callbacks)
        link, notice = sorted(mailoutbox, key=lambda mail: mail.to != [NEW])
        assert_mail_language(link, "da", LINK_SUBJECT)
        assert_mail_language(notice, "da", NOTICE_SUBJECT)

    def test_lars_s_address_gets_the_same_answer_and_no_mail(
        self, mette_confirmed, mette, lars, mailoutbox, django_capture_on_commit_callbacks
    ):
        free = ask(mette_confirmed, django_capture_on_commit_callbacks, email=NEW)
        Event.objects.filter(kind=actions.EMAIL_CHANGE_REQUESTED).delete()  # past the once-a-minute limit
        mailoutbox.clear()

        taken = ask(mette_confirmed, django_capture_on_commit_callbacks, email="LARS@example.org")

        assert taken.status_code == free.status_code and taken.url == free.url
        assert last_message(taken) == last_message(free).replace(NEW, "lars@example.org")
        assert [mail.to for mail in mailoutbox] == [["mette@example.org"]]  # the same notice; nothing to Lars
        mette.refresh_from_db()
        lars.refresh_from_db()
        assert (mette.email, lars.email) == ("mette@example.org", "lars@example.org")

    def test_her_own_address_is_refused_with_a_reason(self, mette_confirmed, mailoutbox):
        response = mette_confirmed.post(CHANGE, {"email": "METTE@example.org"})
        assert response.status_code == 200
        assert response.context["form"].has_error("email", "same_address")
        assert mailoutbox == []

    def test_not_an_address_is_refused(self, mette_confirmed, mailoutbox):
        response = mette_confirmed.post(CHANGE, {"email": "mette at example"})
        assert response.context["form"].has_error("email") and mailoutbox == []

    def test_at_most_one_request_a_minute_is_mailed(
        self, mette_confirmed, mailoutbox, clock, django_capture_on_commit_callbacks
    ):
        ask(mette_confirmed, django_capture_on_commit_callbacks)
        again = ask(mette_confirmed, django_capture_on_commit_callbacks, email="mette.other@example.net")
        assert last_message(again) == "We sent a link less than a minute ago. Wait a minute and ask again."
        assert len(mailoutbox) == 2
        clock.advance(seconds=61)
        ask(mette_confirmed, django_capture_on_commit_callbacks, email="mette.other@example.net")
        assert len(mailoutbox) == 4


class TestConfirm:
    @pytest.fixture
    def link(self, mette_confirmed, mailoutbox, django_capture_on_commit_callbacks) -> str:
        ask(mette_confirmed, django_capture_on_commit_callbacks)
        (mail,) = [mail for mail in mailoutbox if mail.to == [NEW]]
        return confirm_link(mail)

    def test_opening_the_link_shows_a_button_and_changes_nothing(self, mette_confirmed, mette, link):
        response = mette_confirmed.get(link)
        assert response.status_code == 200 and NEW in response.content.decode()
        mette.refresh_from_db()
        assert mette.email == "mette@example.org"

    def test_the_button_switches_the_address_and_she_logs_in_with_it(self, mette_confirmed, mette, link):
        response = mette_confirmed.post(link)

        assert response.url == SETTINGS
        assert last_message(response) == f"Your e-mail address is now {NEW}. Log in with it from now on."
        mette.refresh_from_db()
        assert mette.email == NEW and mette.email_verified_at is not None
        assert Event.objects.filter(kind="accounts.email_changed", actor=mette).exists()
        mette_confirmed.logout()
        assert log_in(mette_confirmed, NEW).url != reverse("accounts:login")
        assert "_auth_user_id" in mette_confirmed.session

    def test_a_link_works_once(self, mette_confirmed, mette, link):
        mette_confirmed.post(link)
        again = mette_confirmed.post(link)
        assert again.status_code == 400 and "The link does not work" in again.content.decode()
        assert mette_confirmed.get(link).status_code == 400

    def test_an_expired_link_is_refused(self, mette_confirmed, mette, link):
        a_day_later = time.time() + EMAIL_CHANGE_MAX_AGE + 1
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(signing.time, "time", lambda: a_day_later)  # the clock the signature's age is read by
            response = mette_confirmed.post(link)
        assert response.status_code == 400
        mette.refresh_from_db()
        assert mette.email == "mette@example.org"

    def test_a_forged_link_is_refused(self, mette_confirmed, mette, lars):
        forged = email_change_token(mette, NEW)[:-3] + "abc"
        assert mette_confirmed.post(reverse("accounts:email_change_confirm", args=[forged])).status_code == 400
        made_with_another_key = signing.TimestampSigner(key="x" * 50, salt="kaffebro.accounts.change-email")
        token = made_with_another_key.sign_object({"member": mette.code, "old": mette.email, "new": NEW})
        assert mette_confirmed.post(reverse("accounts:email_change_confirm", args=[token])).status_code == 400
        mette.refresh_from_db()
        assert mette.email == "mette@example.org"

    def test_lars_cannot_use_mettes_link(self, mette, lars, link):
        client = Client()
        client.force_login(lars)
        assert client.get(link).status_code == 400
        assert client.post(link).status_code == 400
        mette.refresh_from_db()
        lars.refresh_from_db()
        assert (mette.email, lars.email) == ("mette@example.org", "lars@example.org")

    def test_the_link_needs_her_to_be_logged_in(self, mette, link):
        response = Client().post(link)
        assert response.url.startswith(reverse("accounts:login"))
        mette.refresh_from_db()
        assert mette.email == "mette@example.org"

    def test_an_address_taken_since_the_request_is_refused_and_hers_kept(self, mette_confirmed, mette, link):
        User.objects.create_user(NEW, PASSWORD, display_name="Someone Else")
        response = mette_confirmed.post(link)
        assert response.status_code == 400
        assert "This address now belongs to another Kaffebro account" in response.content.decode()
        mette.refresh_from_db()
        assert mette.email == "mette@example.org"


class TestConditionalUpdate:
    """Two links (or two clicks) for one address: the update is conditional on the address it changes from."""

    def test_of_two_links_only_the_first_opened_wins(self, mette):
        first = email_change_token(mette, "first@example.net")
        second = email_change_token(mette, "second@example.net")
        assert actions.confirm_email_change(mette, first) == "first@example.net"
        with pytest.raises(InvalidToken):
            actions.confirm_email_change(User.objects.get(pk=mette.pk), second)
        assert User.objects.get(pk=mette.pk).email == "first@example.net"
        assert Event.objects.filter(kind="accounts.email_changed").count() == 1

    def test_a_stale_copy_of_the_member_changes_nothing(self, mette):
        """The request that reads Mette before another one switched her address must not switch it again."""
        stale = User.objects.get(pk=mette.pk)
        token = email_change_token(mette, "first@example.net")
        actions.confirm_email_change(mette, token)
        with pytest.raises(InvalidToken):
            actions.confirm_email_change(stale, token)
        assert Event.objects.filter(kind="accounts.email_changed").count() == 1

    def test_the_mail_task_skips_a_change_overtaken_by_another(self, mette, mailoutbox):
        from kaffebro.accounts import tasks

        token = email_change_token(mette, "first@example.net")
        actions.confirm_email_change(mette, email_change_token(mette, "second@example.net"))
        tasks.send_email_change_link.call(mette.pk, token)
        tasks.send_email_change_notice.call(mette.pk, token)
        assert mailoutbox == []


@POSTGRES_ONLY[0]  # a transactional database
@POSTGRES_ONLY[1]  # real row locks: PostgreSQL only
def test_sixteen_concurrent_confirmations_switch_the_address_once(mette):
    tokens = [email_change_token(mette, f"new{number % 2}@example.net") for number in range(THREADS)]
    remaining = iter(tokens)

    def confirm_one() -> str:
        return actions.confirm_email_change(User.objects.get(pk=mette.pk), next(remaining))

    switched, refused = race(confirm_one, refusals=(InvalidToken,))

    assert len(switched) == 1 and len(refused) == THREADS - 1
    assert User.objects.get(pk=mette.pk).email == switched[0]
    assert Event.objects.filter(kind="accounts.email_changed").count() == 1
