"""The public pages: landing, privacy notice, accessibility statement, and the error pages."""

import re

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from kaffebro.core import views

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ["core:landing", "core:privacy", "core:accessibility"]


def title_of(response) -> str:
    return re.search(r"<title>(.*?)</title>", response.content.decode(), re.S).group(1).strip()


def html_lang(response) -> str:
    return re.search(r'<html lang="([^"]*)"', response.content.decode()).group(1)


def test_public_pages_render_for_anonymous_with_unique_titles(client, django_assert_max_num_queries):
    titles = set()
    for name in PUBLIC_PAGES:
        with django_assert_max_num_queries(2):
            response = client.get(reverse(name))
        assert response.status_code == 200
        assert response.content.decode().count("<h1") == 1
        titles.add(title_of(response))
    assert len(titles) == len(PUBLIC_PAGES)


@pytest.mark.parametrize("name", PUBLIC_PAGES)
@pytest.mark.parametrize("language", ["da", "en"])
def test_html_lang_follows_the_language(client, name, language):
    by_header = client.get(reverse(name), headers={"accept-language": language})
    assert html_lang(by_header) == language
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    other = "en" if language == "da" else "da"
    by_cookie = client.get(reverse(name), headers={"accept-language": other})
    assert html_lang(by_cookie) == language


def test_landing_offers_sign_up_and_log_in(client):
    content = client.get(reverse("core:landing")).content.decode()
    assert reverse("accounts:signup") in content
    assert reverse("accounts:login") in content


def test_a_logged_in_member_goes_from_the_landing_page_to_the_dashboard(mette_client):
    response = mette_client.get(reverse("core:landing"))
    assert response.status_code == 302
    assert response.url == reverse("network:dashboard")


@pytest.mark.parametrize("name", ["core:privacy", "core:accessibility"])
def test_members_can_read_the_notices_too(mette_client, name):
    assert mette_client.get(reverse(name)).status_code == 200


def test_public_pages_refuse_post(client):
    for name in PUBLIC_PAGES:
        assert client.post(reverse(name)).status_code == 405


def not_found_title(language: str) -> str:
    with translation.override(language):
        return f"{translation.gettext('Page not found')} · Kaffebro"


def test_anonymous_gets_the_not_found_page(client):
    response = client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert title_of(response) == not_found_title("en")
    assert f'href="{reverse("core:landing")}"' in response.content.decode()


def test_a_member_gets_the_not_found_page_in_their_language(mette_client):
    response = mette_client.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404
    assert title_of(response) == not_found_title("da")
    assert f'href="{reverse("network:dashboard")}"' in response.content.decode()


def test_the_error_page_renders_without_a_request_context():
    request = RequestFactory().get("/")
    response = views.server_error(request)
    assert response.status_code == 500
    content = response.content.decode()
    assert re.search(r'<html lang="(da|en)">', content)
    assert "<title>" in content
    assert "<h1>" in content
