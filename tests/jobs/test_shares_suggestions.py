"""Which of the helper's own contacts fit a seeker: in her target units first (decision-makers first), then in her
target organisations, then by job field; each with why. Her targets are read only with her standing consent."""

import pytest
from django.utils import translation

from kaffebro.jobs.access import shares as access
from kaffebro.jobs.models import CoachAccess
from kaffebro.network.members import member_person
from kaffebro.network.models import (
    Block,
    Organisation,
    Person,
    Position,
    Posting,
    SeekerProfile,
    Target,
    TargetKind,
    Unit,
)
from tests.conftest import know
from tests.jobs.conftest import give_consent

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Messages and reasons in the active language: English, whatever the Danish catalogue says."""
    with translation.override("en"):
        yield


def suggested(helper, seeker, query=""):
    playable = access.playable_seeker(helper, seeker.seeker_profile.code)
    targets = access.targets_for_helper(helper, playable)
    fields = access.job_fields_of(playable, targets)
    return access.suggest(helper, seeker, targets=targets, job_fields=fields, query=query)


def names(suggestions):
    return [suggestion.card.full_name for suggestion in suggestions]


@pytest.fixture
def consented(mette, jonas, in_play_cast):
    give_consent(mette, jonas)
    return in_play_cast


def test_target_unit_first_decision_makers_first_then_organisation_then_job_field(mette, jonas, consented):
    assert names(suggested(jonas, mette)) == ["Sofie Holm", "Karin Vestergaard", "Peter Holm", "Ulla Bach"]


def test_each_suggestion_says_why(mette, jonas, consented):
    reasons = {s.card.full_name: s.reasons for s in suggested(jonas, mette)}
    assert reasons["Sofie Holm"] == (
        "Works in Digitalisering at Region Hovedstaden, where Mette Kristensen wants to land",
        "Decides on hiring there",
    )
    assert reasons["Karin Vestergaard"] == (
        "Works in Digitalisering at Region Hovedstaden, where Mette Kristensen wants to land",
    )
    assert reasons["Peter Holm"] == ("Works at Region Hovedstaden, where Mette Kristensen wants to land",)
    assert reasons["Ulla Bach"] == ("Their title, Udviklingschef, fits the job field udvikling",)


def test_members_are_marked(mette, jonas, consented):
    assert [s.is_member for s in suggested(jonas, mette)] == [True, False, False, False]


def test_a_unit_under_her_target_unit_counts_as_the_unit(mette, jonas, consented, digitalisering, region_h):
    team = Unit.objects.create(organisation=region_h, name="Dataplatform", parent=digitalisering)
    Position.objects.filter(person=consented["peter"]).update(unit=team)
    assert names(suggested(jonas, mette))[:3] == ["Sofie Holm", "Karin Vestergaard", "Peter Holm"]
    assert "Dataplatform" in suggested(jonas, mette)[2].reasons[0]


def test_the_decision_maker_of_a_posting_she_aims_at_comes_first(mette, jonas, consented):
    elsewhere = Organisation.objects.get(name="Aarhus Kommune")
    posting = Posting.objects.create(organisation=elsewhere, title="Pedelchef", decision_maker=consented["bo"])
    Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=posting, priority=2)
    found = suggested(jonas, mette)
    assert names(found)[0] == "Bo Nørgaard"
    assert found[0].reasons[0] == "Decides on hiring for a posting Mette Kristensen aims at"


def test_job_fields_with_danish_letters(mette, jonas, consented):
    SeekerProfile.objects.filter(user=mette).update(job_fields=["økonomi"])
    Position.objects.filter(person=consented["bo"]).update(title="Økonomichef")
    found = suggested(jonas, mette)
    assert names(found)[-1] == "Bo Nørgaard"
    assert found[-1].reasons == ("Their title, Økonomichef, fits the job field økonomi",)


def test_a_job_field_target_counts_too(mette, jonas, consented):
    SeekerProfile.objects.filter(user=mette).update(job_fields=[])
    assert "Ulla Bach" not in names(suggested(jonas, mette))
    Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field="udvikling", priority=3)
    assert names(suggested(jonas, mette))[-1] == "Ulla Bach"


def test_never_herself_a_suppressed_person_or_what_she_blocked(mette, jonas, consented, region_h):
    know(jonas, member_person(mette), organisation=region_h)
    Position.objects.create(person=member_person(mette), organisation=region_h, title="Konsulent")
    Person.objects.filter(pk=consented["karin"].pk).update(suppressed=True)
    Block.objects.create(owner=mette, person=consented["ulla"])
    assert names(suggested(jonas, mette)) == ["Sofie Holm", "Peter Holm"]
    Block.objects.create(owner=mette, organisation=region_h)
    assert names(suggested(jonas, mette)) == []


def test_only_the_helpers_own_contacts(mette, jonas, lars, consented, region_h, digitalisering):
    stranger = Person.objects.create(name="Lars' kollega")
    Position.objects.create(person=stranger, organisation=region_h, unit=digitalisering, title="Udvikler")
    know(lars, stranger, organisation=region_h)
    assert "Lars' kollega" not in names(suggested(jonas, mette))


def test_what_another_member_recorded_about_a_contact_is_not_read(mette, jonas, lars, consented, region_h):
    """Lars says Bo works at Region Hovedstaden; Jonas' suggestions read only Jonas' and reference records."""
    Position.objects.create(person=consented["bo"], organisation=region_h, title="Pedel", recorded_by=lars)
    assert "Bo Nørgaard" not in names(suggested(jonas, mette))


def test_at_most_thirty(mette, jonas, consented, region_h, digitalisering):
    for number in range(40):
        person = Person.objects.create(name=f"Kollega {number:02}")
        Position.objects.create(person=person, organisation=region_h, unit=digitalisering)
        know(jonas, person, organisation=region_h)
    found = suggested(jonas, mette)
    assert len(found) == access.MAX_SUGGESTIONS and names(found)[0] == "Sofie Holm"


def test_the_queries_do_not_grow_with_the_contacts(
    mette, jonas, consented, region_h, digitalisering, django_assert_max_num_queries
):
    for number in range(40):
        person = Person.objects.create(name=f"Udvikler {number:02}")
        Position.objects.create(person=person, organisation=region_h, unit=digitalisering, title="Udvikler")
        know(jonas, person, organisation=region_h, title="Udvikler")
    playable = access.playable_seeker(jonas, mette.seeker_profile.code)
    targets = access.targets_for_helper(jonas, playable)
    with django_assert_max_num_queries(4):
        access.suggest(jonas, mette, targets=targets, job_fields=["udvikling"])


def test_without_a_standing_consent_nothing_of_her_search_is_read(mette, birthe, sofie, jonas):
    CoachAccess.objects.create(seeker=mette, coach=birthe)
    know(birthe, member_person(sofie), title="Digitaliseringschef")
    playable = access.playable_seeker(birthe, mette.seeker_profile.code)
    assert playable.consent is None
    assert access.targets_for_helper(birthe, playable) == [] and access.job_fields_of(playable, []) == []
    assert suggested(birthe, mette) == []
    assert names(suggested(birthe, mette, query="Sofie")) == ["Sofie Holm"]
    assert suggested(birthe, mette, query="Sofie")[0].reasons == ("Matches your search",)


def test_a_search_looks_in_name_organisation_and_title(mette, jonas, consented):
    assert names(suggested(jonas, mette, query="pedel")) == ["Bo Nørgaard"]
    assert names(suggested(jonas, mette, query="aarhus")) == ["Bo Nørgaard", "Ulla Bach"]
