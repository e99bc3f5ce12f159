"""The member's own settings: name, language and time zone; bad input changes nothing."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from kaffebro.accounts import actions
from kaffebro.core.models import Event

pytestmark = pytest.mark.django_db

URL = reverse("accounts:settings")


def preferences(**overrides) -> dict:
    return {"display_name": "Mette K.", "language": "en", "time_zone": "America/New_York"} | overrides


def test_settings_page_shows_the_address_and_the_settings_navigation(mette_client):
    response = mette_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "mette@example.org" in content
    for name in ("accounts:settings", "accounts:password_change", "network:connector_settings"):
        assert f'href="{reverse(name)}"' in content
    assert f'href="{URL}" aria-current="page"' in content
    assert 'value="Europe/Copenhagen" selected' in content


def test_saving_settings(mette_client, mette):
    response = mette_client.post(URL, preferences())

    assert response.status_code == 302
    assert response.url == URL
    mette.refresh_from_db()
    assert (mette.display_name, mette.language, mette.time_zone) == ("Mette K.", "en", "America/New_York")
    event = Event.objects.get(kind="accounts.preferences_updated", subject=mette.code)
    assert sorted(event.data["fields"]) == ["display_name", "language", "time_zone"]
    assert '<html lang="en">' in mette_client.get(URL).content.decode()


def test_saving_unchanged_settings_writes_no_event(mette_client, mette):
    mette_client.post(URL, preferences(display_name=mette.display_name, language="da", time_zone="Europe/Copenhagen"))
    assert not Event.objects.filter(kind="accounts.preferences_updated").exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"time_zone": "Mars/Olympus_Mons"},
        {"language": "de"},
        {"display_name": ""},
        {"display_name": "   "},
        {"display_name": "x" * 121},
    ],
)
def test_refused_input_changes_nothing(mette_client, mette, bad):
    response = mette_client.post(URL, preferences(**bad))
    assert response.status_code == 200
    assert b'aria-invalid="true"' in response.content
    mette.refresh_from_db()
    assert (mette.display_name, mette.language, mette.time_zone) == ("Mette Kristensen", "da", "Europe/Copenhagen")
    assert not Event.objects.filter(kind="accounts.preferences_updated").exists()


def test_the_action_checks_its_input_itself(mette):
    with pytest.raises(ValidationError):
        actions.update_preferences(mette, display_name="Mette", language="da", time_zone="Nowhere/Special")
    with pytest.raises(ValidationError):
        actions.update_preferences(mette, display_name="Mette", language="sv", time_zone="Europe/Copenhagen")
    mette.refresh_from_db()
    assert mette.display_name == "Mette Kristensen"


def test_anonymous_is_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))
