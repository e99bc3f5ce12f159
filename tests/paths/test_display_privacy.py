"""What a member is shown of a path never names a person the rules hide (docs/paths.md, "What is shown").

A name may be shown only for the seeker's own contacts (her own name for them) and
for opted-in connectors who let their name be shown. Everyone else appears as a role
and a place ("a decision-maker in Digitalisering at Region Hovedstaden") until an
introduction is approved. Plus the cast's concrete cases: opt-in, private ties,
blocks and suppression.
"""

from __future__ import annotations

import os

import pytest
from django.db import transaction
from django.utils import translation
from hypothesis import HealthCheck, Phase, given, settings

from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import Block, ConnectorSettings, Organisation, Person, Position, Strength, Tie
from kaffebro.paths import snapshot
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from tests.conftest import know, make_member
from tests.paths.random_networks import build, networks

PROPERTY = settings(
    max_examples=int(os.environ.get("KAFFEBRO_EXAMPLES", "40")),
    deadline=None,
    derandomize=not os.environ.get("KAFFEBRO_EXAMPLES"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if os.environ.get("KAFFEBRO_SHRINK") else [])],
)


class Rollback(Exception):
    pass


def displayed_texts(ways) -> list[str]:
    """Every string a page, the command line or the API could show of the answer."""
    texts = []
    for way in ways.paths:
        texts.append(way.explanation)
        for step in way.steps:
            texts += [
                step.name or "",
                step.organisation,
                step.unit,
                step.role,
                step.role_label,
                step.how_known,
                step.strength_label,
                step.contact_code,
                step.shown_as,
            ]
        for factor in way.factors:
            texts += [factor.label, factor.detail]
    return texts


def may_be_named(viewer) -> set[int]:
    """Persons whose name the viewer may see: her own contacts, and opted-in connectors who show their name."""
    own = set(Tie.objects.filter(owner=viewer).values_list("person_b_id", flat=True))
    showing = set(
        Person.objects.filter(
            member__is_active=True,
            member__connector_settings__open_to_introductions=True,
            member__connector_settings__show_name_in_paths=True,
        ).values_list("pk", flat=True)
    )
    return own | showing


def assert_no_hidden_name_is_shown(built) -> None:
    snapshot.rebuild()  # this example's network, not the previous one's
    viewer = built.seeker
    allowed = may_be_named(viewer) | {member_person(viewer).pk}
    hidden = {person.pk: person.name for person in built.persons if person.pk not in allowed}
    for language in ("da", "en"):
        with translation.override(language):
            ways = find_paths(viewer, built.spec, k=10)
        shown = "\n".join(displayed_texts(ways))
        for person_id, name in hidden.items():
            assert name not in shown, f"hidden person {person_id} ({name}) is shown:\n{shown}"
        for way in ways.paths:
            for person_id, step in zip(way.person_ids, way.steps, strict=True):
                if person_id in hidden:
                    assert step.name is None, f"{person_id} should be unnamed: {step}"


@pytest.mark.django_db
@PROPERTY
@given(network=networks(target_kinds=("person", "unit", "organisation", "posting", "field")))
def test_no_displayed_text_names_a_hidden_person(network):
    try:
        with transaction.atomic():
            assert_no_hidden_name_is_shown(build(network))
            raise Rollback
    except Rollback:
        pass


# The cast


def everything_shown(ways) -> str:
    return "\n".join(displayed_texts(ways))


def test_mette_sees_jonas_and_a_decision_maker_in_digitalisering_but_not_sofies_name(mette, digitalisering):
    with translation.override("en"):
        ways = find_paths(mette, TargetSpec.for_unit(digitalisering))
    assert ways.paths, "Mette has a way in through Jonas"
    best = ways.best
    assert best.hops == 2
    assert best.first.name == "Jonas Berg"
    assert best.target.name is None
    assert best.target.role == "unit_decision_maker"
    assert best.target.role_label == "a decision-maker in Digitalisering at Region Hovedstaden"
    assert "Jonas" in best.explanation
    shown = everything_shown(ways)
    assert "Sofie" not in shown
    assert "Holm" not in shown


def test_a_hidden_connector_in_the_middle_is_shown_as_a_connector_at_their_organisation(
    mette, jonas, sofie, region_h, digitalisering
):
    """Mette → Jonas → Anna (opted in, name hidden) → Pia, a non-member in Digitalisering."""
    elsewhere = Organisation.objects.create(name="Novo Nordisk")
    anna = make_member("anna@example.org", "Anna Hemmelig")
    Position.objects.create(person=member_person(anna), organisation=elsewhere, title="Projektleder")
    row = connector_settings(anna)
    row.open_to_introductions, row.show_name_in_paths, row.contacts_private_by_default = True, False, False
    row.save()
    pia = Person.objects.create(name="Pia Ukendt")
    Position.objects.create(person=pia, organisation=region_h, unit=digitalisering, title="Konsulent")
    know(jonas, member_person(anna), strength=Strength.GOOD_CONTACT)
    know(anna, pia, strength=Strength.ACQUAINTANCE)
    with translation.override("en"):
        ways = find_paths(mette, TargetSpec.for_person(pia))
    assert [way.hops for way in ways.paths] == [3]
    first, middle, target = ways.best.steps
    assert first.name == "Jonas Berg"
    assert middle.name is None
    assert middle.role_label == "a connector at Novo Nordisk"
    assert target.name is None
    shown = everything_shown(ways)
    assert "Anna" not in shown and "Hemmelig" not in shown
    assert "Pia" not in shown and "Ukendt" not in shown


def test_lars_sees_no_path_through_jonas_when_jonas_has_not_opted_in(lars, jonas, digitalisering):
    know(lars, member_person(jonas), strength=Strength.CLOSE)
    row = connector_settings(jonas)
    row.open_to_introductions = False
    row.save()
    ways = find_paths(lars, TargetSpec.for_unit(digitalisering))
    assert ways.paths == ()
    assert ways.count == 0
    assert "Sofie" not in everything_shown(ways)


def test_lars_finds_the_path_through_jonas_once_jonas_has_opted_in(lars, jonas, digitalisering):
    """The control for the test above: the same network with Jonas opted in."""
    know(lars, member_person(jonas), strength=Strength.CLOSE)
    ways = find_paths(lars, TargetSpec.for_unit(digitalisering))
    assert [way.person_ids[0] for way in ways.paths] == [member_person(jonas).pk]


def test_a_private_tie_of_jonas_is_never_used_for_mette(mette, jonas, sofie, digitalisering):
    Tie.objects.filter(owner=jonas, person_b=member_person(sofie)).update(is_private=True)
    for spec in (TargetSpec.for_unit(digitalisering), TargetSpec.for_person(member_person(sofie))):
        ways = find_paths(mette, spec)
        assert ways.paths == ()
        assert ways.count == 0


def test_mettes_own_private_tie_is_hers_to_use(mette, jonas, digitalisering):
    Tie.objects.filter(owner=mette, person_b=member_person(jonas)).update(is_private=True)
    ways = find_paths(mette, TargetSpec.for_unit(digitalisering))
    assert [way.person_ids for way in ways.paths] == [
        (member_person(jonas).pk, Person.objects.get(member__email="sofie@example.org").pk)
    ]


def test_a_blocked_organisation_removes_the_paths_into_it(mette, region_h, digitalisering):
    Block.objects.create(owner=mette, organisation=region_h)
    ways = find_paths(mette, TargetSpec.for_unit(digitalisering))
    assert ways.paths == ()
    assert ways.count == 0


def test_a_connector_who_blocked_the_organisation_does_not_pass_mette_on_into_it(
    mette, jonas, region_h, digitalisering
):
    Block.objects.create(owner=jonas, organisation=region_h)
    ways = find_paths(mette, TargetSpec.for_unit(digitalisering))
    assert ways.paths == ()


def test_a_blocked_connector_is_never_passed_through(mette, jonas, digitalisering):
    Block.objects.create(owner=mette, person=member_person(jonas))
    ways = find_paths(mette, TargetSpec.for_unit(digitalisering))
    assert ways.paths == ()
    assert "Jonas" not in everything_shown(ways)


@pytest.mark.parametrize("who", ["sofie", "jonas"])
def test_a_suppressed_person_never_appears(who, mette, jonas, sofie, digitalisering):
    person = member_person({"sofie": sofie, "jonas": jonas}[who])
    Person.objects.filter(pk=person.pk).update(suppressed=True)
    for spec in (TargetSpec.for_unit(digitalisering), TargetSpec.for_person(person)):
        ways = find_paths(mette, spec)
        assert all(person.pk not in way.person_ids for way in ways.paths)
        assert person.name not in everything_shown(ways)
    assert find_paths(mette, TargetSpec.for_unit(digitalisering)).paths == ()


def test_a_paused_connector_is_still_a_way_in_but_ranks_lower(mette, jonas, digitalisering):
    ConnectorSettings.objects.filter(user=jonas).update(paused_until=jonas.date_joined.date().replace(year=2099))
    ways = find_paths(mette, TargetSpec.for_unit(digitalisering))
    assert len(ways.paths) == 1
    # 100 x unit decision-maker .9 x hop .9 x first tie (5, rated) 1 x unknown recency .85
    # x last tie (4, rated) .9 x .85 x paused .2
    assert ways.best.score == round(100 * 0.9 * 0.9 * 0.85 * 0.9 * 0.85 * 0.2, 1)
