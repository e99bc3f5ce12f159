"""Refusals are pages in the member's language, not Django's bare English one-liners.

A missing role (Lars opening the coaches' caseload) answers 403 with a page saying so; a request the server will
not take (a form body over the size limit) answers 400 with a page that says nothing was saved and quotes the
request's reference, like the error page.
"""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def visitor():
    return Client(raise_request_exception=False)


def test_a_member_without_the_role_gets_a_page_in_his_language(lars, visitor):
    visitor.force_login(lars)  # Lars reads English
    response = visitor.get(reverse("jobs:coaching_caseload"))
    assert response.status_code == 403
    content = response.content.decode()
    assert "Not for your role" in content
    assert "Go to your next steps" in content


def test_the_role_page_is_danish_for_a_danish_member(lars, visitor):
    lars.language = "da"
    lars.save()
    visitor.force_login(lars)
    response = visitor.get(reverse("jobs:coaching_caseload"))
    assert response.status_code == 403
    assert "Ikke for din rolle" in response.content.decode()
    assert '<html lang="da">' in response.content.decode()


def test_a_form_body_over_the_limit_gets_a_page_and_changes_nothing(mette, visitor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    mette.language = "en"
    mette.save()
    visitor.force_login(mette)
    response = visitor.post(reverse("network:profile"), {"headline": "x" * 5_000})
    assert response.status_code == 400
    content = response.content.decode()
    assert "The request could not be taken" in content
    assert "Nothing was saved" in content
    assert response["X-Request-ID"] in content
    assert "<script" not in content and "style=" not in content
    mette.seeker_profile.refresh_from_db()
    assert mette.seeker_profile.headline != "x" * 5_000


def test_a_visitor_gets_the_page_in_the_language_her_browser_asks_for(visitor, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2_000
    response = visitor.post(
        reverse("accounts:login"), {"username": "a" * 5_000, "password": "x"}, headers={"accept-language": "en"}
    )
    assert response.status_code == 400
    assert "The request could not be taken" in response.content.decode()
