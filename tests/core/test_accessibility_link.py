"""The footer's accessibility link: the built-in statement, or the operator's official one when configured."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

OFFICIAL = "https://www.was.digst.dk/app-kaffebro-example-org"


def footer_of(response) -> str:
    content = response.content.decode()
    return content[content.index('<footer class="site-footer">') :]


@pytest.mark.parametrize(("language", "text"), [("da", "Tilgængelighedserklæring"), ("en", "Accessibility statement")])
def test_the_footer_links_to_the_built_in_statement(client, language, text):
    response = client.get(reverse("core:privacy"), headers={"accept-language": language})
    assert f'<a href="{reverse("core:accessibility")}">{text}</a>' in footer_of(response)


def test_the_footer_links_to_the_official_statement_when_one_is_set(mette_client, settings):
    settings.ACCESSIBILITY_STATEMENT_URL = OFFICIAL
    for response in (Client().get(reverse("core:landing")), mette_client.get(reverse("accounts:settings"))):
        footer = footer_of(response)
        assert f'<a href="{OFFICIAL}">Tilgængelighedserklæring</a>' in footer
        assert f'href="{reverse("core:accessibility")}"' not in footer


def test_the_built_in_statement_stays_reachable(client, settings):
    settings.ACCESSIBILITY_STATEMENT_URL = OFFICIAL
    assert client.get(reverse("core:accessibility")).status_code == 200
