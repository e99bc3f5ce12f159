"""Operators grant and revoke the coach role and look after members in the admin."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from kaffebro.accounts import actions
from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from tests.conftest import log_in_with_second_factor, make_member

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:accounts_user_changelist")


def test_an_operator_grants_and_revokes_the_coach_role(olga, mette):
    assert actions.grant_coach(olga, mette) is True
    assert actions.grant_coach(olga, mette) is False, "a second grant is no transition"
    assert User.objects.get(pk=mette.pk).is_coach
    assert Event.objects.filter(kind="accounts.coach_granted", subject=mette.code, actor=olga).count() == 1

    assert actions.revoke_coach(olga, mette) is True
    assert not User.objects.get(pk=mette.pk).is_coach
    assert Event.objects.filter(kind="accounts.coach_revoked", subject=mette.code).count() == 1


def test_a_member_who_is_not_an_operator_cannot_grant(mette, lars):
    with pytest.raises(PermissionDenied):
        actions.grant_coach(mette, lars)
    assert not User.objects.get(pk=lars.pk).is_coach
    assert not Event.objects.filter(kind="accounts.coach_granted").exists()


def test_operator_lists_and_searches_members(client, olga, mette, lars):
    log_in_with_second_factor(client, olga)
    response = client.get(CHANGELIST, {"q": "mette"})
    assert response.status_code == 200
    content = response.content.decode()
    assert "mette@example.org" in content
    assert "lars@example.org" not in content


def test_the_member_list_does_not_grow_in_queries(client, olga, django_assert_max_num_queries):
    log_in_with_second_factor(client, olga)
    for number in range(3):
        make_member(f"member{number}@example.org", f"Member {number}")
    with django_assert_max_num_queries(12) as few:
        client.get(CHANGELIST)
    for number in range(3, 30):
        make_member(f"member{number}@example.org", f"Member {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(CHANGELIST)


def test_admin_actions_call_the_account_actions(client, olga, mette, lars):
    log_in_with_second_factor(client, olga)
    response = client.post(CHANGELIST, {"action": "grant_coach", "_selected_action": [mette.pk, lars.pk]})
    assert response.status_code == 302
    assert set(User.objects.filter(is_coach=True).values_list("email", flat=True)) == {
        "mette@example.org",
        "lars@example.org",
    }
    assert Event.objects.filter(kind="accounts.coach_granted", actor=olga).count() == 2

    client.post(CHANGELIST, {"action": "revoke_coach", "_selected_action": [lars.pk]})
    assert not User.objects.get(pk=lars.pk).is_coach


def test_the_member_page_never_shows_the_password(client, olga, mette):
    log_in_with_second_factor(client, olga)
    response = client.get(reverse("admin:accounts_user_change", args=[mette.pk]))
    assert response.status_code == 200
    assert mette.password.encode() not in response.content
    assert b"md5$" not in response.content


def test_a_member_who_is_not_an_operator_is_refused(mette_client, lars):
    response = mette_client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    mette_client.post(CHANGELIST, {"action": "grant_coach", "_selected_action": [lars.pk]})
    assert not User.objects.get(pk=lars.pk).is_coach


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(CHANGELIST)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
