"""GET /digest/: the connector's weekly digest as it is now, from the same `build_digest` as the page.

Jonas (a connector) knows Mette, who lets all members see that she is looking, toward Digitalisering in
Region Hovedstaden, where Jonas knows Sofie and Karen. Lars has a card of his own for Birgit, who works
there too: Jonas must never read her name. Hanne keeps her search to herself. Lars is no connector: his
digest is empty and says so, as the page does (the page is open to every member, so no 403).
"""

import pytest

from kaffebro.jobs.models import ShareAnswer
from kaffebro.meetings.models import RequestState
from kaffebro.network.members import member_person
from kaffebro.network.models import Person, Position, SeekerProfile, Strength, Visibility
from kaffebro.notifications.models import DigestDelivery, NotificationPreferences
from tests.conftest import know, make_member
from tests.jobs.conftest import share_card
from tests.meetings.request_cast import request_in

pytestmark = pytest.mark.django_db


def looking(user, visibility: str) -> None:
    SeekerProfile.objects.filter(user=user).update(looking_visibility=visibility)


@pytest.fixture
def digest_cast(mette, jonas, lars, region_h, digitalisering):
    """Mette is looking, seen by all members; Jonas knows her, and Karen at her target; Lars knows Birgit there."""
    jonas.language = "en"
    jonas.save(update_fields=["language"])
    looking(mette, Visibility.MEMBERS)
    know(jonas, member_person(mette), strength=Strength.KNOW_WELL)
    karen = Person.objects.create(name="Karen Vestergaard")
    Position.objects.create(person=karen, organisation=region_h, unit=digitalisering, title="Dataarkitekt")
    know(jonas, karen, organisation=region_h)
    birgit = Person.objects.get(name="Birgit Lund")
    Position.objects.create(person=birgit, organisation=region_h, title="Jurist", recorded_by=lars)
    hanne = make_member("hanne@example.org", "Hanne Dahl")
    SeekerProfile.objects.create(user=hanne, headline="Hanne headline", looking_visibility=Visibility.PRIVATE)
    know(jonas, member_person(hanne))
    return {"karen": karen}


def test_the_connector_reads_who_is_looking_toward_where_with_his_own_contacts(
    mette, jonas, digest_cast, region_h, as_member
):
    answer = as_member(jonas).get("/api/v1/digest/")
    assert answer.status_code == 200, answer.json()
    digest = answer.json()
    assert digest["is_connector"] is True and digest["delivery"] == DigestDelivery.EMAIL
    assert [seeker["name"] for seeker in digest["looking"]] == ["Mette Kristensen"]
    place = digest["looking"][0]["places"][0]
    assert place["label"] == "Digitalisering, Region Hovedstaden" and place["organisation"] == region_h.code
    assert place["known"] >= 2 and "Karen Vestergaard" in place["names"]
    assert "Birgit" not in str(digest) and "Hanne" not in str(digest)


def test_what_waits_for_him_and_his_delivery_setting(mette, jonas, sofie, brief, digest_cast, as_member):
    meeting = request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
    card = share_card(mette, sofie, member_person(jonas), answer=ShareAnswer.PENDING)
    NotificationPreferences.objects.create(user=jonas, connector_digest=DigestDelivery.INBOX)
    digest = as_member(jonas).get("/api/v1/digest/").json()
    assert [row["code"] for row in digest["introductions"]] == [meeting.code]
    assert digest["introductions"][0]["seeker"] == "Mette Kristensen"
    assert [row["code"] for row in digest["cards"]] == [card.code]
    assert digest["cards"][0] == {**digest["cards"][0], "helper": "Sofie Holm", "seeker": "Mette Kristensen"}
    assert digest["delivery"] == DigestDelivery.INBOX


def test_a_member_who_is_not_a_connector_gets_an_empty_digest_that_says_so(mette, lars, digest_cast, as_member):
    know(lars, member_person(mette))
    digest = as_member(lars).get("/api/v1/digest/").json()
    assert digest["is_connector"] is False
    assert (digest["looking"], digest["introductions"], digest["cards"]) == ([], [], [])


def test_without_a_token_401(anonymous_api):
    assert anonymous_api.get("/api/v1/digest/").status_code == 401


def test_the_queries_do_not_grow_with_the_people_looking(
    mette, jonas, digest_cast, region_h, as_member, django_assert_max_num_queries
):
    client = as_member(jonas)
    with django_assert_max_num_queries(16) as first:
        client.get("/api/v1/digest/")
    for number in range(5):
        seeker = make_member(f"seeker{number}@example.org", f"Seeker {number}")
        SeekerProfile.objects.create(user=seeker, headline="Looking", looking_visibility=Visibility.MEMBERS)
        know(jonas, member_person(seeker))
    with django_assert_max_num_queries(len(first.captured_queries)):
        assert len(client.get("/api/v1/digest/").json()["looking"]) == 6
