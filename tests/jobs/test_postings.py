"""Postings: who may manage which, and the actions that write, edit, close, reopen and import them.

Sofie decides in Digitalisering (under Center for IT), Dorte in Drift, Hanne for the whole of Region
Hovedstaden; Olga is an operator. Mette (a seeker), Jonas (a connector) and Lars (a stranger) decide
nothing, and what a member writes on a contact card about someone gives nobody any right.
"""

import datetime

import pytest
from django.utils import timezone

from kaffebro.core.models import Event
from kaffebro.jobs.access import postings as access
from kaffebro.jobs.actions import postings as actions
from kaffebro.jobs.actions.postings import PostingFields, Refused, StalePosting
from kaffebro.jobs.jobad import Employer
from kaffebro.network.members import member_person
from kaffebro.network.models import (
    GraphChange,
    Organisation,
    Person,
    Position,
    Posting,
    PostingSource,
    Unit,
)
from tests.conftest import make_member

pytestmark = pytest.mark.django_db


def in_days(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def hanne(region_h):
    """Hanne decides on hiring for the whole region (a position without a unit)."""
    user = make_member("hanne@example.org", "Hanne Dahl", language="en")
    Position.objects.create(
        person=member_person(user), organisation=region_h, title="Koncerndirektør", is_decision_maker=True
    )
    return user


@pytest.fixture
def team(digitalisering) -> Unit:
    """A team inside Digitalisering: Sofie decides there too."""
    return Unit.objects.create(organisation=digitalisering.organisation, name="Dataplatform", parent=digitalisering)


@pytest.fixture
def sofies_posting(sofie, digitalisering) -> Posting:
    return actions.create_posting(
        sofie, digitalisering.organisation, PostingFields(title="Dataanalytiker", unit=digitalisering)
    )


def fresh(user):
    """The member as a new request would see them (the scope is read once per request)."""
    return type(user).objects.get(pk=user.pk)


class TestScope:
    def test_a_decision_maker_covers_their_unit_and_the_units_under_it(self, sofie, region_h, digitalisering, team):
        scope = access.scope_of(sofie)
        assert scope.covers(region_h, digitalisering.pk) and scope.covers(region_h, team.pk)
        assert not scope.covers(region_h, None) and scope.covers_organisation(region_h)

    def test_not_the_unit_next_door(self, sofie, region_h, drift, center_for_it):
        scope = access.scope_of(sofie)
        assert not scope.covers(region_h, drift.pk) and not scope.covers(region_h, center_for_it.pk)

    def test_an_organisation_wide_decision_maker_covers_everything_there(self, hanne, region_h, drift):
        scope = access.scope_of(hanne)
        assert scope.covers(region_h, None) and scope.covers(region_h, drift.pk)

    def test_an_operator_covers_every_shared_organisation_but_no_private_one(self, olga, region_h, lars):
        private = Organisation.objects.create(name="Lars' Bageri", private_to=lars)
        scope = access.scope_of(olga)
        assert scope.covers(region_h, None) and not scope.covers(private, None)
        assert not scope.covers_organisation(private)

    @pytest.mark.parametrize("who", ["mette", "jonas", "lars"])
    def test_others_manage_nothing(self, request, who, region_h):
        member = request.getfixturevalue(who)
        assert not access.may_manage_postings(member)
        assert list(access.managed_postings(member)) == []
        assert list(access.manageable_organisations(member)) == []

    def test_a_contact_card_saying_someone_decides_gives_them_nothing(self, jonas, lars, region_h, digitalisering):
        """Jonas writes on his card for Lars that Lars decides in Digitalisering: that is Jonas' word, not a right."""
        Position.objects.create(
            person=member_person(lars),
            organisation=region_h,
            unit=digitalisering,
            is_decision_maker=True,
            recorded_by=jonas,
        )
        assert not access.may_manage_postings(lars)

    def test_an_ended_position_gives_nothing(self, sofie):
        Position.objects.filter(person__member=sofie).update(end_date=timezone.localdate())
        assert not access.may_manage_postings(fresh(sofie))

    def test_the_postings_each_one_manages(self, sofie, dorte, olga, hanne, region_h, drift, sofies_posting):
        dortes = actions.create_posting(dorte, region_h, PostingFields(title="Driftstekniker", unit=drift))
        assert list(access.managed_postings(sofie)) == [sofies_posting]
        assert list(access.managed_postings(dorte)) == [dortes]
        assert set(access.managed_postings(hanne)) == set(access.managed_postings(olga)) == {sofies_posting, dortes}

    def test_units_to_choose_are_named_with_their_place(self, sofie, olga, region_h, digitalisering, team, drift):
        assert [choice.label for choice in access.units_for(sofie, region_h)] == [
            "Center for IT / Digitalisering",
            "Center for IT / Digitalisering / Dataplatform",
        ]
        assert len(access.units_for(olga, region_h)) == 4

    def test_people_to_choose_are_reference_data_only(self, sofie, jonas, lars, region_h, digitalisering):
        hearsay = Person.objects.create(name="Kun Jonas' Kort")
        Position.objects.create(
            person=hearsay, organisation=region_h, unit=digitalisering, is_decision_maker=True, recorded_by=jonas
        )
        karen = Person.objects.create(name="Karen Jensen")
        Position.objects.create(person=karen, organisation=region_h, is_decision_maker=True)
        assert list(access.decision_makers_at(region_h)) == [karen, member_person(sofie)]
        assert list(access.contacts_at(region_h)) == [member_person(sofie)]  # Karen is not a member


class TestCreate:
    def test_sofie_publishes_a_posting_in_her_unit(self, sofie, region_h, digitalisering):
        fields = PostingFields(
            title="  Dataanalytiker  ",
            unit=digitalisering,
            decision_maker=member_person(sofie),
            contact_person=member_person(sofie),
            deadline=in_days(30),
            is_public=True,
            employment_type="full_time",
            location="Hillerød",
            description="Vi søger en dataanalytiker.<script>alert(1)</script>\n\nSøg senest fredag.",
            url="https://www.regionh.dk/job/1",
            identifier="RH-1",
            job_field="dataanalyse",
        )
        changes = GraphChange.objects.count()
        posting = actions.create_posting(sofie, region_h, fields)
        posting.refresh_from_db()
        assert (posting.title, posting.unit, posting.created_by, posting.source) == (
            "Dataanalytiker",
            digitalisering,
            sofie,
            PostingSource.MANUAL,
        )
        assert posting.description == "<p>Vi søger en dataanalytiker.</p><p>Søg senest fredag.</p>"
        assert posting.decision_maker == member_person(sofie) and posting.is_public
        event = Event.objects.get(kind="posting.created")
        assert (event.actor, event.subject, event.data) == (sofie, posting.code, {"posting": posting.pk})
        assert GraphChange.objects.count() == changes  # the path engine reads postings at query time

    def test_for_a_unit_under_hers(self, sofie, region_h, team):
        assert actions.create_posting(sofie, region_h, PostingFields(title="Dataingeniør", unit=team)).unit == team

    def test_not_for_the_unit_next_door(self, sofie, region_h, drift):
        with pytest.raises(Refused, match="Only a decision-maker there or an operator"):
            actions.create_posting(sofie, region_h, PostingFields(title="Driftstekniker", unit=drift))
        assert not Posting.objects.exists()

    def test_not_for_the_whole_organisation(self, sofie, region_h):
        with pytest.raises(Refused) as refused:
            actions.create_posting(sofie, region_h, PostingFields(title="Direktør"))
        assert refused.value.field == "unit"

    def test_not_a_unit_of_another_organisation(self, olga, region_h, other_posting):
        with pytest.raises(Refused, match="one of the organisation's units"):
            actions.create_posting(olga, region_h, PostingFields(title="X", unit=other_posting.unit))

    @pytest.mark.parametrize("who", ["mette", "jonas", "lars", "dorte"])
    def test_refused_to_anyone_who_does_not_decide_there(self, request, who, region_h, digitalisering):
        member = request.getfixturevalue(who)
        with pytest.raises(Refused):
            actions.create_posting(member, region_h, PostingFields(title="Dataanalytiker", unit=digitalisering))
        assert not Posting.objects.exists()

    def test_an_operator_may_post_anywhere_shared(self, olga, region_h, drift):
        assert actions.create_posting(olga, region_h, PostingFields(title="Direktør")).unit is None
        assert actions.create_posting(olga, region_h, PostingFields(title="Tekniker", unit=drift)).unit == drift

    def test_never_in_a_private_organisation(self, olga, lars):
        private = Organisation.objects.create(name="Lars' Bageri", private_to=lars)
        with pytest.raises(Refused):
            actions.create_posting(olga, private, PostingFields(title="Bager"))

    def test_the_decision_maker_must_decide_there(self, sofie, region_h, digitalisering, lars):
        with pytest.raises(Refused) as refused:
            actions.create_posting(
                sofie, region_h, PostingFields(title="X", unit=digitalisering, decision_maker=member_person(lars))
            )
        assert refused.value.field == "decision_maker"

    def test_the_contact_person_must_be_a_member_working_there(self, sofie, region_h, digitalisering):
        karen = Person.objects.create(name="Karen Jensen")
        Position.objects.create(person=karen, organisation=region_h, unit=digitalisering)
        with pytest.raises(Refused) as refused:
            actions.create_posting(sofie, region_h, PostingFields(title="X", unit=digitalisering, contact_person=karen))
        assert refused.value.field == "contact_person"

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"title": "   "}, "title"),
            ({"title": "x" * 201}, "title"),
            ({"title": "Data\x00analytiker"}, "title"),
            ({"location": "x" * 201}, "location"),
            ({"description": "x" * 20_001}, "description"),
            ({"description": "<p>" * 30_000}, "description"),
            ({"url": "javascript:alert(1)"}, "url"),
            ({"url": "ftp://example.org/job"}, "url"),
            ({"deadline": datetime.date(2020, 1, 1)}, "deadline"),
            ({"deadline": datetime.date.today() + datetime.timedelta(days=900)}, "deadline"),
            ({"employment_type": "slave"}, "employment_type"),
        ],
    )
    def test_bad_input_changes_nothing(self, sofie, region_h, digitalisering, changes, field):
        with pytest.raises(Refused) as refused:
            actions.create_posting(sofie, region_h, PostingFields(**{"title": "X", "unit": digitalisering, **changes}))
        assert refused.value.field == field and refused.value.message
        assert not Posting.objects.exists() and not Event.objects.filter(kind__startswith="posting.").exists()


class TestEdit:
    def test_sofie_edits_her_posting(self, sofie, sofies_posting, team):
        fields = PostingFields(title="Senior dataanalytiker", unit=team, description="<h3>Om jobbet</h3><p>Data.</p>")
        edited = actions.edit_posting(sofie, sofies_posting, fields, base_updated=sofies_posting.updated)
        assert (edited.title, edited.unit, edited.description) == (
            "Senior dataanalytiker",
            team,
            "<h3>Om jobbet</h3><p>Data.</p>",
        )
        assert Event.objects.filter(kind="posting.edited", subject=edited.code, actor=sofie).count() == 1

    def test_a_page_opened_before_another_save_is_refused(self, sofie, sofies_posting):
        actions.edit_posting(
            sofie,
            sofies_posting,
            PostingFields(title="Ny titel", unit=sofies_posting.unit),
            base_updated=sofies_posting.updated,
        )
        with pytest.raises(StalePosting):
            actions.edit_posting(
                sofie,
                sofies_posting,
                PostingFields(title="Gammel side", unit=sofies_posting.unit),
                base_updated=sofies_posting.updated,
            )
        assert Posting.objects.get().title == "Ny titel"

    @pytest.mark.parametrize("who", ["dorte", "mette", "lars"])
    def test_refused_to_others(self, request, who, sofies_posting):
        member = request.getfixturevalue(who)
        with pytest.raises(Refused):
            actions.edit_posting(
                member, sofies_posting, PostingFields(title="Overtaget"), base_updated=sofies_posting.updated
            )
        assert Posting.objects.get().title == "Dataanalytiker"

    def test_moving_it_to_a_unit_she_does_not_decide_in_is_refused(self, sofie, sofies_posting, drift):
        with pytest.raises(Refused):
            actions.edit_posting(
                sofie, sofies_posting, PostingFields(title="X", unit=drift), base_updated=sofies_posting.updated
            )

    def test_a_deadline_already_passed_may_stay_but_not_be_set(self, sofie, sofies_posting):
        Posting.objects.filter(pk=sofies_posting.pk).update(deadline=datetime.date(2020, 1, 1))
        sofies_posting.refresh_from_db()
        unchanged = PostingFields(title="X", unit=sofies_posting.unit, deadline=datetime.date(2020, 1, 1))
        edited = actions.edit_posting(sofie, sofies_posting, unchanged, base_updated=sofies_posting.updated)
        with pytest.raises(Refused):
            moved = PostingFields(title="X", unit=sofies_posting.unit, deadline=datetime.date(2020, 2, 1))
            actions.edit_posting(sofie, edited, moved, base_updated=edited.updated)

    def test_a_decision_maker_who_left_may_stay_named(self, olga, region_h, digitalisering):
        karen = Person.objects.create(name="Karen Jensen")
        position = Position.objects.create(person=karen, organisation=region_h, is_decision_maker=True)
        posting = actions.create_posting(
            olga, region_h, PostingFields(title="X", unit=digitalisering, decision_maker=karen)
        )
        position.end_date = timezone.localdate()
        position.save()
        same = PostingFields(title="Y", unit=digitalisering, decision_maker=karen)
        assert actions.edit_posting(olga, posting, same, base_updated=posting.updated).decision_maker == karen


class TestCloseAndReopen:
    """The table `actions.TRANSITIONS`: each row allowed from its source, refused from anywhere else."""

    def test_the_table(self):
        assert actions.TRANSITIONS == {"close": ("open", "closed"), "reopen": ("closed", "open")}

    def test_close_then_reopen(self, sofie, sofies_posting):
        closed = actions.close_posting(sofie, sofies_posting)
        assert closed.closed is not None and actions.state_of(closed) == "closed"
        reopened = actions.reopen_posting(sofie, closed)
        assert reopened.closed is None and actions.state_of(reopened) == "open"
        kinds = list(Event.objects.filter(subject=sofies_posting.code).order_by("id").values_list("kind", flat=True))
        assert kinds == ["posting.created", "posting.closed", "posting.reopened"]

    def test_closing_twice_is_refused(self, sofie, sofies_posting):
        actions.close_posting(sofie, sofies_posting)
        with pytest.raises(Refused, match="already closed"):
            actions.close_posting(sofie, sofies_posting)
        assert Event.objects.filter(kind="posting.closed").count() == 1

    def test_reopening_an_open_posting_is_refused(self, sofie, sofies_posting):
        with pytest.raises(Refused, match="already open"):
            actions.reopen_posting(sofie, sofies_posting)

    @pytest.mark.parametrize("who", ["dorte", "mette", "lars"])
    def test_refused_to_others(self, request, who, sofies_posting):
        with pytest.raises(Refused):
            actions.close_posting(request.getfixturevalue(who), sofies_posting)
        assert Posting.objects.get().closed is None


class TestImport:
    def test_the_confirmed_preview_becomes_a_posting(self, sofie, region_h, digitalisering):
        fields = PostingFields(title="Specialkonsulent", unit=digitalisering, deadline=in_days(20))
        posting = actions.import_job_ad(sofie, region_h, fields, matched_by="cvr")
        assert posting.source == PostingSource.JSONLD and posting.created_by == sofie
        assert Event.objects.get(kind="posting.imported").data == {"posting": posting.pk, "matched_by": "cvr"}

    def test_all_or_nothing(self, sofie, region_h, digitalisering, monkeypatch):
        def fail(*args, **kwargs):
            raise RuntimeError("the event log is down")

        monkeypatch.setattr(actions, "record_event", fail)
        with pytest.raises(RuntimeError):
            actions.import_job_ad(sofie, region_h, PostingFields(title="Specialkonsulent", unit=digitalisering))
        assert not Posting.objects.exists()


class TestResolveEmployer:
    def test_by_cvr_number_first(self, sofie, region_h):
        Organisation.objects.create(name="Region Hovedstaden Ejendomme")
        region_h.cvr = "29190623"
        region_h.save()
        assert access.resolve_employer(sofie, Employer("Et helt andet navn", cvr="29190623")) == (region_h, "cvr")

    def test_by_name_or_alias(self, sofie, region_h):
        assert access.resolve_employer(sofie, Employer("region hovedstaden")) == (region_h, "name")
        assert access.resolve_employer(sofie, Employer("RegionH")) == (region_h, "name")

    def test_by_web_site(self, sofie):
        novo = Organisation.objects.create(name="Novo", website="https://www.novonordisk.com/")
        assert access.resolve_employer(sofie, Employer("NN", website="https://novonordisk.com")) == (novo, "website")

    def test_by_folded_name_without_legal_form(self, sofie):
        novo = Organisation.objects.create(name="Novo Nordisk")
        assert access.resolve_employer(sofie, Employer("NOVO NORDISK A/S")) == (novo, "key")

    def test_never_a_private_organisation(self, mette, lars):
        Organisation.objects.create(name="Bageriet Holm", private_to=mette, cvr="12345678")
        assert access.resolve_employer(mette, Employer("Bageriet Holm", cvr="12345678")) == (None, "key")
