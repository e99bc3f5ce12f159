"""Two-factor log-in: RFC 6238 codes, set-up, the code step, replay, recovery codes, who must use it."""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from kaffebro.accounts import actions, sessions, totp
from kaffebro.accounts.models import Authenticator, RecoveryCode
from kaffebro.core.models import Event
from tests.accounts.conftest import log_in, password_just_confirmed
from tests.conftest import PASSWORD, log_in_with_second_factor, make_member

pytestmark = pytest.mark.django_db

SECRET = totp.new_secret()
LOGIN_CODE = reverse("accounts:login_code")
SETUP = reverse("accounts:two_factor_setup")
TWO_FACTOR = reverse("accounts:two_factor")

# RFC 6238, appendix B: the seed for each digest, and the 8-digit codes at each time.
RFC_SEEDS = {
    hashlib.sha1: b"12345678901234567890",
    hashlib.sha256: b"12345678901234567890123456789012",
    hashlib.sha512: b"1234567890123456789012345678901234567890123456789012345678901234",
}
RFC_VECTORS = [
    (59, {hashlib.sha1: "94287082", hashlib.sha256: "46119246", hashlib.sha512: "90693936"}),
    (1111111109, {hashlib.sha1: "07081804", hashlib.sha256: "68084774", hashlib.sha512: "25091201"}),
    (1111111111, {hashlib.sha1: "14050471", hashlib.sha256: "67062674", hashlib.sha512: "99943326"}),
    (1234567890, {hashlib.sha1: "89005924", hashlib.sha256: "91819424", hashlib.sha512: "93441116"}),
    (2000000000, {hashlib.sha1: "69279037", hashlib.sha256: "90698825", hashlib.sha512: "38618901"}),
    (20000000000, {hashlib.sha1: "65353130", hashlib.sha256: "77737706", hashlib.sha512: "47863826"}),
]


@pytest.mark.parametrize(("seconds", "codes"), RFC_VECTORS, ids=[str(seconds) for seconds, _codes in RFC_VECTORS])
@pytest.mark.parametrize("digest", list(RFC_SEEDS), ids=lambda digest: digest().name)
def test_rfc_6238_appendix_b(seconds, codes, digest):
    moment = datetime.datetime.fromtimestamp(seconds, tz=datetime.UTC)
    assert totp.hotp(RFC_SEEDS[digest], totp.step_at(moment), digits=8, digest=digest) == codes[digest]


def test_the_app_secret_reads_as_people_type_it():
    secret = totp.new_secret()
    assert len(secret) == 32
    assert totp.secret_bytes(totp.grouped(secret).lower()) == totp.secret_bytes(secret)
    assert totp.grouped("ABCDEFGHIJKL") == "ABCD EFGH IJKL"


def test_codes_of_the_neighbouring_steps_are_accepted_and_no_further():
    moment = datetime.datetime(2026, 11, 30, 9, 0, 10, tzinfo=datetime.UTC)
    step = totp.step_at(moment)
    for offset, accepted in [(-2, False), (-1, True), (0, True), (1, True), (2, False)]:
        code = totp.hotp(totp.secret_bytes(SECRET), step + offset)
        assert (totp.matching_step(SECRET, code, moment) == step + offset) is accepted, offset
    assert totp.matching_step(SECRET, "12345", moment) is None
    assert totp.matching_step(SECRET, "abcdef", moment) is None


def test_the_qr_code_is_inline_svg_without_style_or_script():
    uri = totp.provisioning_uri(SECRET, "mette@example.org", "Kaffebro")
    assert uri.startswith("otpauth://totp/Kaffebro:mette@example.org?secret=")
    svg = totp.qr_svg(uri, "QR <code>")
    assert svg.startswith('<svg role="img" ')
    assert "<title>QR &lt;code&gt;</title>" in svg
    assert "style" not in svg and "script" not in svg


def turn_on(user, clock) -> list[str]:
    return actions.enable_two_factor(user, secret=SECRET, code=totp.code_at(SECRET, clock.now))


def code_now(clock) -> str:
    return totp.code_at(SECRET, clock.now)


class TestSetUp:
    def test_needs_the_password_typed_recently(self, mette_client):
        response = mette_client.get(SETUP)
        assert response.status_code == 302
        assert response.url == f"{reverse('accounts:confirm_password')}?next=%2Faccount%2Ftwo-factor%2Fset-up%2F"

    def test_is_on_only_once_a_code_confirms_it(self, mette_confirmed, mette, clock):
        page = mette_confirmed.get(SETUP)
        assert page.status_code == 200
        content = page.content.decode()
        secret = mette_confirmed.session[sessions.SETUP_SECRET]
        assert totp.grouped(secret) in content and '<svg role="img"' in content
        assert not Authenticator.objects.exists(), "scanning alone turns nothing on"

        wrong = mette_confirmed.post(SETUP, {"code": "000000"})
        assert wrong.status_code == 200 and wrong.context["form"].has_error("code", "wrong_code")
        assert not Authenticator.objects.exists()

        done = mette_confirmed.post(SETUP, {"code": totp.code_at(secret, clock.now)})
        assert done.url == reverse("accounts:recovery_codes")
        assert Authenticator.objects.get(member=mette).secret == secret
        assert Event.objects.filter(kind="accounts.two_factor_enabled", subject=mette.code).count() == 1

    def test_recovery_codes_are_shown_once_and_stored_hashed(self, mette_confirmed, mette, clock):
        mette_confirmed.get(SETUP)
        secret = mette_confirmed.session[sessions.SETUP_SECRET]
        mette_confirmed.post(SETUP, {"code": totp.code_at(secret, clock.now)})

        page = mette_confirmed.get(reverse("accounts:recovery_codes"))
        codes = page.context["codes"]
        assert len(codes) == 10 and len(set(codes)) == 10
        content = page.content.decode()
        assert all(code in content for code in codes)
        stored = set(RecoveryCode.objects.filter(member=mette).values_list("code_hash", flat=True))
        assert len(stored) == 10 and not stored & set(codes)

        again = mette_confirmed.get(reverse("accounts:recovery_codes"))
        assert again.status_code == 302 and again.url == TWO_FACTOR

    def test_a_second_set_up_is_refused(self, mette, clock):
        turn_on(mette, clock)
        with pytest.raises(ValidationError):
            actions.enable_two_factor(mette, secret=totp.new_secret(), code="123456")
        assert Authenticator.objects.filter(member=mette).count() == 1


class TestLogInWithACode:
    def test_the_password_alone_does_not_log_in(self, client, mette, clock):
        turn_on(mette, clock)
        response = log_in(client, "mette@example.org")
        assert response.url == LOGIN_CODE
        assert "_auth_user_id" not in client.session
        assert client.get(reverse("accounts:settings")).status_code == 302

    def test_the_right_code_logs_in(self, client, mette, clock):
        turn_on(mette, clock)
        log_in(client, "mette@example.org")
        clock.advance(seconds=30)
        response = client.post(LOGIN_CODE, {"code": code_now(clock)})
        assert response.status_code == 302
        assert client.session["_auth_user_id"] == str(mette.pk)
        assert client.get(reverse("accounts:settings")).status_code == 200
        event = Event.objects.filter(kind="accounts.logged_in").get()
        assert event.data == {"second_factor": "authenticator"}

    def test_the_next_page_survives_the_code_step(self, client, mette, clock):
        turn_on(mette, clock)
        clock.advance(seconds=30)
        client.post(reverse("accounts:login"), {"username": mette.email, "password": PASSWORD, "next": TWO_FACTOR})
        assert client.post(LOGIN_CODE, {"code": code_now(clock)}).url == TWO_FACTOR

    def test_a_code_is_never_accepted_twice(self, client, mette, clock):
        turn_on(mette, clock)
        clock.advance(seconds=30)
        code = code_now(clock)
        log_in(client, "mette@example.org")
        assert client.post(LOGIN_CODE, {"code": code}).status_code == 302
        client.post(reverse("accounts:logout"))

        log_in(client, "mette@example.org")
        replay = client.post(LOGIN_CODE, {"code": code})
        assert replay.status_code == 200 and replay.context["form"].has_error("code", "wrong_code")
        assert "_auth_user_id" not in client.session

    def test_an_older_code_after_a_newer_one_is_refused(self, mette, clock):
        turn_on(mette, clock)
        clock.advance(seconds=30)
        older = code_now(clock)
        clock.advance(seconds=30)
        assert actions.pass_second_factor(mette, code_now(clock)) == "authenticator"
        with pytest.raises(ValidationError):
            actions.pass_second_factor(mette, older)

    def test_the_setup_code_itself_cannot_log_in(self, mette, clock):
        turn_on(mette, clock)
        with pytest.raises(ValidationError):
            actions.pass_second_factor(mette, code_now(clock))

    def test_the_code_must_follow_the_password_within_five_minutes(self, client, mette, clock):
        turn_on(mette, clock)
        log_in(client, "mette@example.org")
        clock.advance(minutes=5, seconds=1)
        response = client.post(LOGIN_CODE, {"code": code_now(clock)})
        assert response.status_code == 400
        assert "_auth_user_id" not in client.session

    def test_without_a_password_step_there_is_nothing_to_confirm(self, client):
        assert client.get(LOGIN_CODE).status_code == 400
        assert client.post(LOGIN_CODE, {"code": "123456"}).status_code == 400

    def test_wrong_codes_count_towards_the_cool_off(self, client, mette, clock):
        turn_on(mette, clock)
        log_in(client, "mette@example.org")
        for _attempt in range(5):
            response = client.post(LOGIN_CODE, {"code": "000000"})
        assert response.context["form"].has_error("code", "cooling_off")
        clock.advance(seconds=30)
        refused = client.post(LOGIN_CODE, {"code": code_now(clock)})
        assert refused.context["form"].has_error("code", "cooling_off")
        assert "_auth_user_id" not in client.session


class TestRecoveryCodes:
    def test_each_works_once(self, client, mette, clock):
        codes = turn_on(mette, clock)
        log_in(client, "mette@example.org")
        response = client.post(LOGIN_CODE, {"code": codes[3].upper().replace("-", " ")})
        assert response.status_code == 302
        assert client.session[sessions.SECOND_FACTOR] == sessions.PASSED
        assert Event.objects.get(kind="accounts.recovery_code_used").data == {"left": 9}
        client.post(reverse("accounts:logout"))

        log_in(client, "mette@example.org")
        again = client.post(LOGIN_CODE, {"code": codes[3]})
        assert again.context["form"].has_error("code", "wrong_code")
        assert client.post(LOGIN_CODE, {"code": codes[4]}).status_code == 302

    def test_new_codes_replace_the_old_ones(self, mette_confirmed, mette, clock):
        old = turn_on(mette, clock)
        response = mette_confirmed.post(reverse("accounts:new_recovery_codes"))
        assert response.url == reverse("accounts:recovery_codes")
        new = mette_confirmed.get(response.url).context["codes"]
        assert not set(new) & set(old)
        with pytest.raises(ValidationError):
            actions.pass_second_factor(mette, old[0])
        assert actions.pass_second_factor(mette, new[0]) == "recovery_code"
        assert Event.objects.filter(kind="accounts.recovery_codes_replaced", subject=mette.code).exists()


class TestWhoMustUseIt:
    @pytest.mark.parametrize("who", ["olga", "birthe"])
    def test_operators_and_coaches_are_sent_to_set_up_and_reach_nothing_else(self, client, who, request, clock):
        member = request.getfixturevalue(who)
        response = log_in(client, member.email)
        assert response.status_code == 302
        for page in [reverse("network:dashboard"), reverse("accounts:settings"), reverse("admin:index")]:
            sent = client.get(page)
            assert sent.status_code == 302
            assert sent.url.startswith(SETUP), page
        assert client.get(SETUP).status_code == 200, "the password was typed just now: no re-authentication"
        assert client.get(reverse("core:privacy")).status_code == 200

        secret = client.session[sessions.SETUP_SECRET]
        client.post(f"{SETUP}?next=%2Faccount%2Fsettings%2F", {"code": totp.code_at(secret, clock.now)})
        codes_page = client.get(reverse("accounts:recovery_codes") + "?next=%2Faccount%2Fsettings%2F")
        assert codes_page.context["next"] == reverse("accounts:settings")
        assert client.get(reverse("accounts:settings")).status_code == 200

    def test_an_operator_can_log_out_before_setting_up(self, client, olga):
        log_in(client, olga.email)
        client.post(reverse("accounts:logout"))
        assert "_auth_user_id" not in client.session

    def test_a_member_who_becomes_a_coach_is_sent_to_set_up(self, mette_client, mette, olga):
        assert mette_client.get(reverse("accounts:settings")).status_code == 200
        actions.grant_coach(olga, mette)
        assert mette_client.get(reverse("accounts:settings")).url.startswith(SETUP)

    def test_others_may_but_need_not(self, mette_client):
        assert mette_client.get(reverse("accounts:settings")).status_code == 200
        page = mette_client.get(TWO_FACTOR)
        assert page.status_code == 200
        assert f'href="{SETUP}"' in page.content.decode()

    def test_a_session_that_skipped_the_code_is_logged_out(self, client, mette, clock):
        turn_on(mette, clock)
        client.force_login(mette)
        response = client.get(reverse("accounts:settings"))
        assert response.url.startswith(reverse("accounts:login"))
        assert "_auth_user_id" not in client.session

    def test_a_member_turns_it_off_after_confirming_the_password(self, mette_client, mette, clock):
        turn_on(mette, clock)
        log_in_with_second_factor(mette_client, mette)
        response = mette_client.post(
            reverse("accounts:disable_two_factor"), HTTP_REFERER=f"http://testserver{TWO_FACTOR}"
        )
        assert response.url == f"{reverse('accounts:confirm_password')}?next=%2Faccount%2Ftwo-factor%2F"
        assert Authenticator.objects.filter(member=mette).exists()

        password_just_confirmed(mette_client)
        assert mette_client.post(reverse("accounts:disable_two_factor")).url == TWO_FACTOR
        assert not Authenticator.objects.filter(member=mette).exists()
        assert not RecoveryCode.objects.filter(member=mette).exists()
        assert Event.objects.filter(kind="accounts.two_factor_disabled", subject=mette.code).count() == 1

    def test_an_operator_cannot_turn_it_off(self, client, olga, clock):
        turn_on(olga, clock)
        log_in_with_second_factor(client, olga)
        password_just_confirmed(client)
        response = client.post(reverse("accounts:disable_two_factor"), follow=True)
        assert Authenticator.objects.filter(member=olga).exists()
        assert not Event.objects.filter(kind="accounts.two_factor_disabled").exists()
        assert [message.level_tag for message in response.context["messages"]] == ["error"]

    def test_the_settings_page_shows_the_state_in_few_queries(
        self, mette_client, mette, clock, django_assert_max_num_queries
    ):
        turn_on(mette, clock)
        log_in_with_second_factor(mette_client, mette)
        mette_client.get(TWO_FACTOR)
        with django_assert_max_num_queries(8):
            page = mette_client.get(TWO_FACTOR)
        assert page.context["codes_left"] == 10


class TestOperatorReset:
    def test_an_operator_resets_a_lost_authenticator(self, client, olga, mette, clock):
        turn_on(mette, clock)
        turn_on(olga, clock)
        log_in_with_second_factor(client, olga)
        changelist = reverse("admin:accounts_user_changelist")
        client.post(changelist, {"action": "reset_two_factor", "_selected_action": [mette.pk]})
        assert not Authenticator.objects.filter(member=mette).exists()
        assert Event.objects.get(kind="accounts.two_factor_reset").actor == olga

    def test_only_an_operator_may(self, mette, lars, clock):
        turn_on(lars, clock)
        with pytest.raises(PermissionDenied):
            actions.reset_two_factor(mette, lars)
        assert Authenticator.objects.filter(member=lars).exists()


def test_the_demo_operator_and_coach_have_the_published_key(settings):
    """`make run`: the demo operator and coach log in with the key `demo_logins` prints (docs/security.md)."""
    from kaffebro.network.demo import DEMO_LOGINS, DEMO_TOTP_SECRET
    from kaffebro.network.demo.build import _give_authenticators

    for email, _role in DEMO_LOGINS:
        name = email.split("@")[0]
        make_member(email, name.title(), is_staff=name == "olga", is_coach=name == "birthe")
    _give_authenticators("default")
    keys = Authenticator.objects.values_list("member__email", "secret")
    assert sorted(keys) == [
        ("birthe@kaffebro.example", DEMO_TOTP_SECRET),
        ("olga@kaffebro.example", DEMO_TOTP_SECRET),
    ]
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()
    assert "birthe@kaffebro.example, olga@kaffebro.example log in with a second step" in printed
    assert totp.grouped(DEMO_TOTP_SECRET) in printed
