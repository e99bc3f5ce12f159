"""The demo network: deterministic, complete, consistent, and safe to run on a production server."""

import contextlib
import datetime
import io
import statistics
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, F, Q
from django.utils import timezone

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.network.demo import DEMO_LOGINS, DEMO_PASSWORD
from kaffebro.network.demo.build import DemoRefused, _Loader, build_demo, default_ties
from kaffebro.network.members import member_person
from kaffebro.network.models import (
    ConnectorSettings,
    ContactCard,
    Organisation,
    Person,
    Position,
    Posting,
    SeekerProfile,
    Target,
    TargetKind,
    Tie,
    Unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def development_server(settings):
    """pytest-django runs tests with DEBUG off; the demo logins are for development servers."""
    settings.DEBUG = True


class _Rollback(Exception):
    pass


def snapshot(seed: int) -> dict:
    """Build the default demo, describe it, and roll it back so the next build starts empty."""
    with contextlib.suppress(_Rollback), transaction.atomic():
        build_demo(seed=seed)
        described = {
            "organisations": list(Organisation.objects.order_by("id").values_list("name", flat=True)),
            "units": list(Unit.objects.order_by("id").values_list("name", flat=True)),
            "first names": [name.split()[0] for name in Person.objects.order_by("id").values_list("name", flat=True)],
            "persons": Person.objects.count(),
            "ties": Tie.objects.count(),
            "strengths": sorted(Counter(Tie.objects.values_list("strength", flat=True)).items()),
        }
        raise _Rollback
    return described


@pytest.fixture
def demo(db):
    build_demo()


def user(short: str) -> User:
    return User.objects.get(email=f"{short}@kaffebro.example")


def test_the_same_seed_builds_the_same_network_and_another_seed_a_different_one():
    first, again, other = snapshot(1), snapshot(1), snapshot(2)

    assert first == again
    assert first["first names"] != other["first names"]
    assert first["strengths"] != other["strengths"]


def test_the_default_demo_has_the_stated_size(demo):
    assert 25 <= Organisation.objects.count() <= 40
    assert Person.objects.count() == 2000
    assert 18_000 <= Tie.objects.count() <= 20_000 == default_ties(2000)
    assert ContactCard.objects.count() == Tie.objects.count()
    assert Unit.objects.count() > Organisation.objects.count()
    assert Unit.objects.filter(parent__isnull=False).exists()
    assert Position.objects.filter(end_date__isnull=False).count() > 400
    assert Position.objects.filter(end_date__isnull=True).values("person").distinct().count() == 2000
    assert 150 <= User.objects.count() <= 250
    assert Event.objects.filter(kind="demo.loaded").count() == 1


def test_every_organisation_is_labelled_as_demo_and_invented(demo):
    for organisation in Organisation.objects.all():
        assert "demo" in organisation.aliases
        assert organisation.website.endswith(".example.org")
        assert len(organisation.cvr) == 8 and organisation.cvr.isdigit()
        assert organisation.region
    assert Organisation.objects.values("cvr").distinct().count() == Organisation.objects.count()
    sectors = set(Organisation.objects.values_list("sector", flat=True))
    levels = set(Organisation.objects.exclude(public_level="").values_list("public_level", flat=True))
    assert sectors == {"public", "private", "nonprofit"}
    assert {"state", "region", "municipality"} <= levels
    assert not User.objects.exclude(email__endswith=".example").exists()
    names = " ".join(Person.objects.values_list("name", flat=True))
    assert {"æ", "ø", "å"} <= set(names.lower())


def test_every_login_authenticates_with_the_demo_password(demo):
    for email, role in DEMO_LOGINS:
        member = authenticate(username=email, password=DEMO_PASSWORD)
        assert member is not None, email
        assert member.email_verified_at is not None
        assert str(role)
        assert member_person(member).member_id == member.pk
    assert authenticate(username="mette@kaffebro.example", password="wrong") is None


def test_synthetic_members_cannot_log_in(demo):
    logins = [email for email, _role in DEMO_LOGINS]
    synthetic = User.objects.exclude(email__in=logins)
    assert synthetic.count() > 100
    assert not any(member.has_usable_password() for member in synthetic)


def test_every_role_is_present(demo):
    mette, henrik = user("mette"), user("henrik")
    assert SeekerProfile.objects.get(user=mette).sector_background == "private"
    assert SeekerProfile.objects.get(user=henrik).sector_background == "public"
    assert 2 <= Target.objects.filter(seeker=mette).count() <= 3
    assert {"unit", "posting", "field"} == set(Target.objects.filter(seeker=mette).values_list("kind", flat=True))
    connectors = ConnectorSettings.objects.filter(open_to_introductions=True, user__email__endswith="@kaffebro.example")
    assert connectors.count() >= 3
    assert user("birthe").is_coach
    assert user("olga").is_staff and user("olga").is_superuser
    assert not user("mette").is_staff
    karin = user("karin")
    assert Tie.objects.filter(owner=karin, is_private=True).exists()
    assert Tie.objects.filter(owner=karin, is_private=False).exists()


def test_two_decision_makers_one_of_them_in_the_seekers_target_unit(demo):
    target_unit = Target.objects.get(seeker=user("mette"), kind=TargetKind.UNIT).unit
    signe_position = Position.objects.get(person__member=user("signe"), end_date__isnull=True)
    peter_position = Position.objects.get(person__member=user("peter"), end_date__isnull=True)
    assert signe_position.is_decision_maker and peter_position.is_decision_maker
    assert signe_position.unit == target_unit
    assert (target_unit.name, target_unit.parent.name) == ("Digitalisering", "Center for IT")


def test_every_unit_has_one_or_two_decision_makers(demo):
    deciders = Unit.objects.annotate(
        deciders=Count("positions", filter=Q(positions__is_decision_maker=True, positions__end_date__isnull=True))
    )
    assert set(deciders.values_list("deciders", flat=True)) <= {1, 2}
    assert deciders.filter(deciders=2).exists()


def test_postings_have_their_units_decision_maker_and_public_deadlines_weeks_ahead(demo):
    today = timezone.localdate()
    postings = Posting.objects.select_related("organisation")
    assert postings.count() >= 5
    for posting in postings:
        assert Position.objects.filter(
            person=posting.decision_maker, unit=posting.unit, is_decision_maker=True, end_date__isnull=True
        ).exists()
    public_deadlines = [p.deadline for p in postings if p.organisation.sector == "public" and p.deadline]
    assert any(
        today + datetime.timedelta(weeks=2) <= d <= today + datetime.timedelta(weeks=6) for d in public_deadlines
    )


def assert_tie_invariants():
    assert not Tie.objects.exclude(person_a=F("owner__person")).exists()
    assert not Tie.objects.filter(person_a=F("person_b")).exists()
    assert not Tie.objects.exclude(strength__gte=1, strength__lte=5).exists()
    assert Tie.objects.values("owner", "person_b").distinct().count() == Tie.objects.count()
    assert not Tie.objects.filter(owner__person__isnull=True).exists()
    rated = set(Tie.objects.values_list("strength_rated", flat=True))
    assert rated == {True, False}
    assert not Tie.objects.filter(strength_rated=False).exclude(strength=2).exists()
    assert not ContactCard.objects.exclude(email="", phone="").exists()
    cards = set(ContactCard.objects.values_list("owner", "person"))
    assert cards == set(Tie.objects.values_list("owner", "person_b"))


def test_ties_keep_their_invariants(demo):
    assert_tie_invariants()
    assert Tie.objects.values("how_known").distinct().count() >= 6
    assert set(Tie.objects.values_list("source", flat=True)) == {"import", "manual", "meeting"}


def test_a_larger_network_keeps_the_invariants_and_has_a_heavy_tail():
    summary = build_demo(people=5000, seed=3)

    assert summary.counts["persons"] == 5000
    assert 60 <= Organisation.objects.count() <= 90
    assert_tie_invariants()
    out_degrees = sorted(Tie.objects.values("owner").annotate(n=Count("id")).values_list("n", flat=True))
    in_degrees = sorted(Tie.objects.values("person_b").annotate(n=Count("id")).values_list("n", flat=True))
    assert out_degrees[-1] >= 4 * statistics.median(out_degrees)
    assert in_degrees[-1] >= 4 * statistics.median(in_degrees)
    same_organisation = Tie.objects.filter(
        person_a__positions__end_date__isnull=True,
        person_b__positions__end_date__isnull=True,
        person_a__positions__organisation=F("person_b__positions__organisation"),
    ).count()
    assert same_organisation > 0.3 * Tie.objects.count()
    both_sides = Tie.objects.filter(
        person_a__ties_in__owner__person=F("person_b"), person_a__ties_in__person_b=F("person_a")
    )
    assert both_sides.exists()


def reachable(seeker: User) -> set[int]:
    """Persons within two hops of the seeker: her own contacts, then theirs when they are opted-in connectors."""
    first = set(Tie.objects.filter(owner=seeker).values_list("person_b", flat=True))
    connectors = User.objects.filter(person__in=first, connector_settings__open_to_introductions=True)
    second = set(Tie.objects.filter(owner__in=connectors, is_private=False).values_list("person_b", flat=True))
    return first | second


def test_the_seekers_targets_are_reachable_within_two_hops_through_connectors(demo):
    mette, henrik = user("mette"), user("henrik")
    mette_reach = reachable(mette)
    for target in Target.objects.filter(seeker=mette, kind__in=[TargetKind.UNIT, TargetKind.POSTING]):
        unit = target.unit or target.posting.unit
        deciders = Position.objects.filter(unit=unit, is_decision_maker=True, end_date__isnull=True)
        assert set(deciders.values_list("person", flat=True)) & mette_reach, unit.name
    organisation = Target.objects.get(seeker=henrik, kind=TargetKind.ORGANISATION).organisation
    working_there = Position.objects.filter(organisation=organisation, end_date__isnull=True)
    assert set(working_there.values_list("person", flat=True)) & reachable(henrik)


def test_if_empty_loads_once_and_then_does_nothing():
    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)
    counts = (Organisation.objects.count(), Person.objects.count(), Tie.objects.count())
    assert "Demo network loaded" in out.getvalue()

    out = io.StringIO()
    call_command("demo", "--if-empty", stdout=out)

    assert (Organisation.objects.count(), Person.objects.count(), Tie.objects.count()) == counts
    assert "already exist" in out.getvalue()


def test_without_if_empty_an_existing_network_is_refused(demo):
    with pytest.raises(CommandError, match="already holds organisations"):
        call_command("demo", stdout=io.StringIO())


def test_the_logins_are_refused_on_a_production_server(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="allow-production-logins"):
        call_command("demo", stdout=io.StringIO())
    assert not Organisation.objects.exists()
    assert not User.objects.exists()

    call_command("demo", "--allow-production-logins", stdout=io.StringIO())
    assert User.objects.filter(email="mette@kaffebro.example").exists()


def test_too_small_a_network_is_refused():
    with pytest.raises(CommandError, match="at least"):
        call_command("demo", "--people", "10", stdout=io.StringIO())


def test_a_failure_half_way_leaves_nothing_behind(monkeypatch):
    def fail(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(_Loader, "_write_ties", fail)
    with pytest.raises(RuntimeError, match="disk full"):
        build_demo()

    assert not Organisation.objects.exists()
    assert not User.objects.exists()
    assert not Person.objects.exists()


def test_demo_logins_lists_every_login_with_the_password_and_address(demo):
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    printed = out.getvalue()
    assert "http://127.0.0.1:8000" in printed
    assert DEMO_PASSWORD in printed
    for email, _role in DEMO_LOGINS:
        assert email in printed


def test_demo_logins_explains_how_to_load_the_demo_when_it_is_missing():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    assert "manage.py demo" in out.getvalue()


def test_demo_refused_is_the_error_for_a_bad_tie_count():
    with pytest.raises(DemoRefused):
        build_demo(ties=-1)
