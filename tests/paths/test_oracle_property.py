"""The engine against the networkx oracle on random small networks (docs/paths.md is the contract).

Each example writes a random network into the test database inside a savepoint that
is rolled back afterwards, picks a seeker with contacts of her own and a target, and
asks both implementations. The privacy property is checked a third way: every hop of
every returned path is re-checked against the tie, block and connector rows directly.
"""

from __future__ import annotations

import datetime
import itertools
import os

import pytest
from django.db import transaction
from hypothesis import HealthCheck, Phase, given, settings

from kaffebro.network.members import member_person
from kaffebro.network.models import Block, ConnectorSettings, Organisation, Person, Position, Strength, Tie
from kaffebro.paths import scoring
from kaffebro.paths.engine import PathEngine
from kaffebro.paths.targets import TargetSpec
from tests.conftest import know
from tests.paths import oracle
from tests.paths.random_networks import build, networks

# Fixed examples, about 15 s a test. Shrinking a failure can take minutes: KAFFEBRO_SHRINK=1 turns it on;
# KAFFEBRO_EXAMPLES=500 runs that many random (not fixed) examples.
PROPERTY = settings(
    max_examples=int(os.environ.get("KAFFEBRO_EXAMPLES", "60")),
    deadline=None,
    derandomize=not os.environ.get("KAFFEBRO_EXAMPLES"),
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
    phases=[Phase.explicit, Phase.generate, *([Phase.shrink] if os.environ.get("KAFFEBRO_SHRINK") else [])],
)
TOLERANCE = 1e-9


class Rollback(Exception):
    """Leaves the example's savepoint, so the next example starts from an empty network."""


def in_fresh_network(network: dict, check) -> None:
    try:
        with transaction.atomic():
            check(build(network))
            raise Rollback
    except Rollback:
        pass


def blocks_of(user) -> tuple[list[int], list[int]]:
    rows = Block.objects.filter(owner=user).values_list("person_id", "organisation_id")
    return [p for p, _o in rows if p], [o for _p, o in rows if o]


def describe(paths) -> list[tuple]:
    return [(round(p.score, 12), p.person_ids, p.role) for p in paths]


def assert_engine_agrees_with_oracle(built) -> None:
    seeker = built.seeker_person.pk
    people, organisations = blocks_of(built.seeker)
    options = {"blocked_person_ids": people, "blocked_organisation_ids": organisations}
    engine = PathEngine.from_database()
    got = engine.top_paths(seeker, built.spec, built.k, today=built.today, **options)
    want = oracle.find(seeker, built.spec, built.k, today=built.today, **options)
    context = f"spec={built.spec}\nengine={describe(got)}\noracle={describe(want.paths)}"

    assert [p.score for p in got] == pytest.approx(want.scores, abs=TOLERANCE, rel=0), context
    # Every path the engine returns is a valid path of the contract, with the contract's score and role.
    valid = {p.person_ids: p for p in want.all_paths}
    for path in got:
        assert path.person_ids in valid, f"not a valid path: {path.person_ids}\n{context}"
        assert path.score == pytest.approx(valid[path.person_ids].score, abs=TOLERANCE, rel=0), context
        assert path.role == valid[path.person_ids].role, context

    reachable = engine.reachable_targets(seeker, built.spec, **options)
    assert reachable == want.reachable, context
    firsts = {p.person_ids[0] for p in want.all_paths}
    assert engine.count_ways(seeker, built.spec, today=built.today, **options) == len(firsts), context


@pytest.mark.django_db
@PROPERTY
@given(network=networks())
def test_engine_finds_the_oracles_top_paths_to_persons_units_organisations_and_postings(network):
    in_fresh_network(network, assert_engine_agrees_with_oracle)


@pytest.mark.django_db
@PROPERTY
@given(network=networks(target_kinds=("field",)))
def test_engine_finds_the_oracles_top_paths_to_job_fields(network):
    in_fresh_network(network, assert_engine_agrees_with_oracle)


# Privacy, checked hop by hop against the rows themselves (not through the oracle's graph).


def is_connector(person_id: int) -> bool:
    person = Person.objects.select_related("member").get(pk=person_id)
    if person.member is None or not person.member.is_active:
        return False
    return ConnectorSettings.objects.filter(user=person.member, open_to_introductions=True).exists()


def works_at(person_id: int) -> set[int]:
    return set(
        Position.objects.filter(person_id=person_id, end_date__isnull=True).values_list("organisation_id", flat=True)
    )


def record_is_shareable(record: Tie, other: int) -> bool:
    if record.is_private:
        return False
    if Block.objects.filter(owner_id=record.owner_id, person_id=other).exists():
        return False
    return not Block.objects.filter(owner_id=record.owner_id, organisation_id__in=works_at(other)).exists()


def hop_is_allowed(seeker: int, u: int, v: int) -> bool:
    for owner_end, other_end in ((u, v), (v, u)):
        for record in Tie.objects.filter(person_a_id=owner_end, person_b_id=other_end).select_related("owner"):
            if u == seeker and owner_end == seeker:
                return True  # the seeker's own record, private or not
            if is_connector(owner_end) and record_is_shareable(record, other_end):
                return True
    return False


def assert_paths_keep_the_privacy_rules(built) -> None:
    seeker = built.seeker_person.pk
    people, organisations = blocks_of(built.seeker)
    hidden_by_blocks = set(people) | set(
        Position.objects.filter(organisation_id__in=organisations, end_date__isnull=True).values_list(
            "person_id", flat=True
        )
    )
    suppressed = set(Person.objects.filter(suppressed=True).values_list("pk", flat=True))
    engine = PathEngine.from_database()
    for path in engine.top_paths(
        seeker, built.spec, 50, blocked_person_ids=people, blocked_organisation_ids=organisations, today=built.today
    ):
        chain = [seeker, *path.person_ids]
        assert len(set(chain)) == len(chain), f"not simple: {chain}"
        assert not set(path.person_ids) & suppressed, f"suppressed person on {chain}"
        assert not set(path.person_ids) & hidden_by_blocks, f"blocked person on {chain}"
        for middle in path.person_ids[:-1]:
            assert is_connector(middle), f"{middle} passed through but is no active opted-in connector: {chain}"
        for u, v in itertools.pairwise(chain):
            assert hop_is_allowed(seeker, u, v), f"hop {u}->{v} uses no traversable tie record: {chain}"


@pytest.mark.django_db
@PROPERTY
@given(network=networks(target_kinds=("person", "unit", "organisation", "posting", "field")))
def test_no_returned_path_uses_a_hidden_tie_or_passes_through_a_non_connector(network):
    in_fresh_network(network, assert_paths_keep_the_privacy_rules)


# Minimal reproductions of what the random networks found, with the cast.


def test_a_paused_connectors_path_has_the_contracts_exact_score(mette, jonas, sofie, digitalisering):
    """Capacity 0.2 must enter the score as 0.2, not as its float32 neighbour 0.20000000298."""
    ConnectorSettings.objects.filter(user=jonas).update(monthly_limit=0)
    today = datetime.date(2026, 11, 29)
    [path] = PathEngine.from_database().top_paths(
        member_person(mette).pk, TargetSpec.for_unit(digitalisering), today=today
    )
    expected = scoring.path_score(
        "unit_decision_maker",
        [(Strength.CLOSE, True, 0), (Strength.GOOD_CONTACT, True, 0)],
        [scoring.capacity(False, 0, 0)],
        scoring.day_number(today),
    )
    assert path.score == pytest.approx(expected, abs=TOLERANCE, rel=0)


@pytest.mark.parametrize(("field", "found"), [("energi", True), ("IT", True), ("forsikring", False)])
def test_an_industry_is_matched_by_its_code_or_a_word_of_its_name(field, found, mette, jonas):
    """docs/paths.md: an industry matches its code ("it") or a field word in its name ("Energi og forsyning")."""
    industry = {"energi": "energy", "IT": "it", "forsikring": "energy"}[field]
    company = Organisation.objects.create(name="Ørsted", industry=industry)
    engineer = Person.objects.create(name="Ida Ingeniør")
    Position.objects.create(person=engineer, organisation=company, title="Projektleder")
    know(jonas, engineer)
    engine = PathEngine.from_database()
    spec = TargetSpec.for_field(field)
    expected = {engineer.pk} if found else set()
    assert oracle.find(member_person(mette).pk, spec).reachable == expected
    assert engine.reachable_targets(member_person(mette).pk, spec) == expected
