"""GET /shares/seekers/{code}/suggested-recipients/: whom the helper could put Mette in play toward.

The same suggestions as the page for putting her in play (`jobs:share_put`), from `jobs.access.shares`:
Jonas has Mette's standing consent, so her target (Digitalisering) and job field (udvikling) are read and
his own contacts there come first (Sofie, who decides there, then Karin; Peter elsewhere in Region
Hovedstaden; Ulla by job field; never Bo). Birthe coaches her without a standing consent: nothing of her
search is read, only a search of Birthe's own contacts. Lars may not put her in play: 404.
"""

import pytest

from kaffebro.core.models import AccessKind, AccessLog
from kaffebro.network.members import member_person
from tests.conftest import know

pytestmark = pytest.mark.django_db


def url(mette) -> str:
    return f"/api/v1/shares/seekers/{mette.seeker_profile.code}/suggested-recipients/"


def names(response) -> list[str]:
    assert response.status_code == 200, response.json()
    return [row["name"] for row in response.json()]


def test_with_her_standing_consent_the_helper_gets_his_contacts_where_she_wants_to_land(
    mette, jonas, consent, in_play_cast, as_member
):
    jonas.language = "en"
    jonas.save(update_fields=["language"])
    found = as_member(jonas).get(url(mette))
    listed = names(found)
    assert listed.index("Sofie Holm") < listed.index("Karin Vestergaard") < listed.index("Peter Holm")
    assert "Ulla Bach" in listed and "Bo Nørgaard" not in listed
    sofie = found.json()[0]
    assert sofie["is_member"] is True and sofie["card"] == jonas.contact_cards.get(person=in_play_cast["sofie"]).code
    assert any("Mette Kristensen" in reason for reason in sofie["reasons"])
    karin = next(row for row in found.json() if row["name"] == "Karin Vestergaard")
    assert karin["is_member"] is False and karin["title"] == "Dataarkitekt"


def test_a_search_looks_in_his_own_contacts(mette, jonas, consent, in_play_cast, as_member):
    assert names(as_member(jonas).get(url(mette), {"q": "Nørgaard"})) == ["Bo Nørgaard"]
    assert as_member(jonas).get(url(mette), {"q": "x" * 101}).status_code == 400


def test_opening_it_is_noted_in_her_access_log_as_the_page_does(mette, jonas, consent, in_play_cast, as_member):
    as_member(jonas).get(url(mette))
    logged = AccessLog.objects.get(subject=mette)
    assert logged.kind == AccessKind.HELPER_OPENED_SEEKER and logged.viewer == jonas


def test_a_coach_without_her_standing_consent_reads_nothing_of_her_search(mette, sofie, birthe, coached, as_member):
    know(birthe, member_person(sofie), title="Digitaliseringschef")
    assert names(as_member(birthe).get(url(mette))) == []
    assert names(as_member(birthe).get(url(mette), {"q": "Sofie"})) == ["Sofie Holm"]


def test_who_may_not_put_her_in_play_gets_404(mette, jonas, lars, sofie, as_member, anonymous_api):
    assert as_member(lars).get(url(mette)).status_code == 404
    assert as_member(sofie).get(url(mette)).status_code == 404  # she never met Sofie, nor let her
    assert as_member(mette).get(url(mette)).status_code == 404  # her own profile: nobody to ask
    assert as_member(jonas).get("/api/v1/shares/seekers/abcdefgh/suggested-recipients/").status_code == 404
    assert anonymous_api.get(url(mette)).status_code == 401
    assert not AccessLog.objects.exists()


def test_the_queries_do_not_grow_with_his_contacts(
    mette, jonas, consent, in_play_cast, region_h, digitalisering, as_member, django_assert_max_num_queries
):
    client = as_member(jonas)
    with django_assert_max_num_queries(20) as first:
        client.get(url(mette))
    for number in range(15):
        know(jonas, _colleague(f"Kollega {number}", region_h, digitalisering))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(names(client.get(url(mette)))) >= 15


def _colleague(name: str, organisation, unit):
    from kaffebro.network.models import Person, Position

    person = Person.objects.create(name=name)
    Position.objects.create(person=person, organisation=organisation, unit=unit, title="Udvikler")
    return person
