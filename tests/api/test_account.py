"""/me and /me/seeker-profile/: the member's own account and profile, changed by the pages' forms and actions."""

import pytest

from kaffebro.core.models import Event
from kaffebro.network.models import SeekerProfile

pytestmark = pytest.mark.django_db


def test_me_is_the_member_and_their_seeker_profile(mette_api, mette):
    body = mette_api.get("/api/v1/me/").json()
    assert body["email"] == mette.email and body["language"] == "da"
    assert body["seeker_profile"]["headline"] == "Udviklingskonsulent med sans for data"
    assert "password" not in body


def test_lars_sees_himself_without_a_seeker_profile(lars_api):
    body = lars_api.get("/api/v1/me/").json()
    assert body["email"] == "lars@example.org" and body["seeker_profile"] is None
    assert lars_api.get("/api/v1/me/seeker-profile/").status_code == 404


def test_changing_the_language_answers_in_it_at_once(mette_api, mette):
    response = mette_api.patch("/api/v1/me/", {"language": "en"})
    assert response.status_code == 200 and response.json()["language"] == "en"
    mette.refresh_from_db()
    assert mette.language == "en" and mette.display_name == "Mette Kristensen"
    assert Event.objects.filter(kind="accounts.preferences_updated", actor=mette).exists()
    missing = mette_api.get("/api/v1/contacts/Zq7madeUpX9k/").json()["detail"]
    assert missing == "Nothing here has this code, or it is not yours to see."


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"display_name": "   "}, "display_name"),
        ({"language": "sv"}, "language"),
    ],
)
def test_a_bad_preference_changes_nothing(mette_api, mette, change, field):
    response = mette_api.patch("/api/v1/me/", change)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field
    mette.refresh_from_db()
    assert (mette.language, mette.time_zone) == ("da", "Europe/Copenhagen")


def test_the_profile_changes_only_what_is_sent(mette_api, mette):
    response = mette_api.patch(
        "/api/v1/me/seeker-profile/", {"competencies": ["SQL", "sql", " Python "], "regions": ["hovedstaden"]}
    )
    assert response.status_code == 200
    profile = SeekerProfile.objects.get(user=mette)
    assert profile.competencies == ["SQL", "Python"]  # the page's own rules: trimmed, no repeats
    assert profile.regions == ["hovedstaden"]
    assert profile.headline == "Udviklingskonsulent med sans for data"


def test_the_first_change_makes_lars_a_seeker(lars_api, lars):
    response = lars_api.patch("/api/v1/me/seeker-profile/", {"headline": "Data engineer"})
    assert response.status_code == 200
    assert SeekerProfile.objects.get(user=lars).looking_visibility == "private"
    assert lars_api.get("/api/v1/me/seeker-profile/").json()["headline"] == "Data engineer"


@pytest.mark.parametrize(
    "change",
    [{"competencies": ["a, b"]}, {"regions": ["atlantis"]}, {"competencies": ["x" * 101]}, {"gender": "robot"}],
)
def test_a_bad_profile_changes_nothing(mette_api, mette, change):
    before = SeekerProfile.objects.filter(user=mette).values().get()
    assert mette_api.patch("/api/v1/me/seeker-profile/", change).status_code == 400
    assert SeekerProfile.objects.filter(user=mette).values().get() == before


def test_anonymous_has_no_me(anonymous_api):
    assert anonymous_api.get("/api/v1/me/").status_code == 401
    assert anonymous_api.patch("/api/v1/me/seeker-profile/", {"headline": "x"}).status_code == 401
