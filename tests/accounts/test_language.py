"""The language switch: a cookie for everyone, a saved choice for members, no open redirect."""

import pytest
from django.conf import settings
from django.urls import reverse

from kaffebro.core.models import Event

pytestmark = pytest.mark.django_db

URL = reverse("accounts:set_language")
PRIVACY = reverse("core:privacy")


def html_lang(response) -> str:
    content = response.content.decode()
    start = content.index('<html lang="') + len('<html lang="')
    return content[start : content.index('"', start)]


def test_anonymous_gets_a_language_cookie_and_is_sent_back(client):
    response = client.post(URL, {"language": "en", "next": PRIVACY})

    assert response.status_code == 302
    assert response.url == PRIVACY
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert html_lang(client.get(PRIVACY, headers={"accept-language": "da"})) == "en"


def test_a_members_choice_is_saved_and_wins_over_the_browser(mette_client, mette):
    assert html_lang(mette_client.get(PRIVACY, headers={"accept-language": "en"})) == "da"

    mette_client.post(URL, {"language": "en", "next": PRIVACY})

    mette.refresh_from_db()
    assert mette.language == "en"
    assert Event.objects.filter(kind="accounts.language_set", subject=mette.code).count() == 1
    mette_client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    assert html_lang(mette_client.get(PRIVACY, headers={"accept-language": "da"})) == "en"


@pytest.mark.parametrize("language", ["de", "", "en-US"])
def test_an_unknown_language_is_refused_and_changes_nothing(mette_client, mette, language):
    response = mette_client.post(URL, {"language": language, "next": PRIVACY})
    assert response.status_code == 400
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
    mette.refresh_from_db()
    assert mette.language == "da"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/path", "http:/\\evil.example", ""])
def test_an_unsafe_next_goes_to_the_start_page(client, target):
    response = client.post(URL, {"language": "en", "next": target})
    assert response.status_code == 302
    assert response.url == reverse("core:landing")


def test_get_is_not_allowed(client):
    assert client.get(URL).status_code == 405
