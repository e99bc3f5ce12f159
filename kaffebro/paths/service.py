"""Ways in for a member: the engine's paths, explained in the viewer's language under the privacy rules.

`find_paths` is what pages, the command line and the API call. The engine
returns person ids; this module decides what of each person may be shown
(docs/paths.md, "What is shown") and says why each path ranks where it does. It
reads the database in a fixed number of queries, however many paths or targets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaffebro.accounts.models import User
from kaffebro.network.members import member_person
from kaffebro.network.models import Block, ContactCard, HowKnown, Person, Position, Target
from kaffebro.paths import scoring
from kaffebro.paths.engine import PathEngine, RawPath, TieFacts, node_facts, tie_facts
from kaffebro.paths.index import SHOWS_NAME
from kaffebro.paths.results import Factor, Step, WayIn, WaysIn
from kaffebro.paths.targets import TargetSpec

DEFAULT_K = 10


def find_paths(viewer: User, spec: TargetSpec, k: int = DEFAULT_K) -> WaysIn:
    """The viewer's k best ways in to a target, explained, with how many first persons lead there."""
    return ways_in(viewer, {None: spec}, k)[None]


def ways_in_for_targets(viewer: User, targets: list[Target], k: int = 1) -> dict[int, WaysIn]:
    """The best ways in to each of the viewer's targets (load them with posting, unit and organisation)."""
    return ways_in(viewer, {target.pk: TargetSpec.for_target(target) for target in targets}, k)


def ways_in(viewer: User, specs: dict, k: int) -> dict:
    engine = PathEngine.current()
    seeker = member_person(viewer)
    blocked_people, blocked_organisations = _blocks(viewer)
    found = {
        key: engine.search(
            seeker.pk,
            spec,
            k,
            blocked_person_ids=blocked_people,
            blocked_organisation_ids=blocked_organisations,
        )
        for key, spec in specs.items()
    }
    facts = _Facts.load(viewer, [path for paths, _count in found.values() for path in paths], specs.values())
    explainer = _Explainer(engine, facts, seeker.pk)
    return {
        key: WaysIn(tuple(explainer.way_in(path, specs[key]) for path in paths), count)
        for key, (paths, count) in found.items()
    }


def _blocks(viewer: User) -> tuple[list[int], list[int]]:
    people, organisations = [], []
    for person_id, organisation_id in Block.objects.filter(owner=viewer).values_list("person_id", "organisation_id"):
        if person_id:
            people.append(person_id)
        if organisation_id:
            organisations.append(organisation_id)
    return people, organisations


@dataclass
class _Facts:
    """Everything the explanations need, read in four queries."""

    cards: dict[int, ContactCard]
    how_known: dict[int, str]
    names: dict[int, str]
    positions: dict[int, list[Position]]

    @classmethod
    def load(cls, viewer: User, paths: list[RawPath], specs) -> _Facts:
        people = {person for path in paths for person in path.person_ids}
        firsts = {path.person_ids[0] for path in paths}
        places = {person for path in paths for person in path.person_ids[1:]} | {
            path.person_ids[0] for path in paths if path.hops == 1
        }
        if not people:
            return cls({}, {}, {}, {})
        cards = {
            card.person_id: card
            for card in ContactCard.objects.filter(owner=viewer, person_id__in=people).only(
                "code", "person_id", "full_name"
            )
        }
        how_known = dict(
            viewer.ties.filter(person_b_id__in=firsts).exclude(how_known="").values_list("person_b_id", "how_known")
        )
        names = dict(Person.objects.filter(pk__in=people, member__isnull=False).values_list("pk", "name"))
        positions: dict[int, list[Position]] = defaultdict(list)
        for position in (
            Position.objects.filter(person_id__in=places, end_date__isnull=True)
            .select_related("organisation", "unit")
            .order_by("-is_decision_maker", "id")
        ):
            positions[position.person_id].append(position)
        return cls(cards, how_known, names, positions)


def strength_words(strength: int, rated: bool) -> str:
    words = {
        1: pgettext("tie strength", "weak tie"),
        2: pgettext("tie strength", "moderately weak tie"),
        3: pgettext("tie strength", "medium tie"),
        4: pgettext("tie strength", "strong tie"),
        5: pgettext("tie strength", "very strong tie"),
    }.get(strength, "")
    return words if rated else _("%(strength)s, not rated yet") % {"strength": words}


class _Explainer:
    def __init__(self, engine: PathEngine, facts: _Facts, seeker_id: int):
        self.engine = engine
        self.facts = facts
        self.seeker_id = seeker_id
        self.today = scoring.day_number(timezone.localdate())

    def way_in(self, path: RawPath, spec: TargetSpec) -> WayIn:
        steps = self._steps(path, spec)
        factors = self._factors(path, steps)
        return WayIn(
            score=round(path.score, 1),
            hops=path.hops,
            steps=tuple(steps),
            factors=tuple(factors),
            explanation=self._explanation(path, steps),
            person_ids=path.person_ids,
        )

    # Who is shown how

    def _steps(self, path: RawPath, spec: TargetSpec) -> list[Step]:
        ids = path.person_ids
        steps = []
        for number, person in enumerate(ids):
            is_target = number == len(ids) - 1
            position = "target" if is_target else ("first" if number == 0 else "middle")
            steps.append(self._step(person, position, path, spec, previous=None if number == 0 else ids[number - 1]))
        return steps

    def _step(self, person: int, position: str, path: RawPath, spec: TargetSpec, previous: int | None) -> Step:
        facts = self.facts
        card = facts.cards.get(person)
        flags, _capacity = node_facts(self.engine.view, person)
        shows_name = bool(flags & SHOWS_NAME)
        name = card.full_name if card else (facts.names.get(person) if shows_name else None)
        seeker_tie = previous is None
        tie = tie_facts(self.engine.view, previous or self.seeker_id, person, own=previous is None)
        where = self._position(person, spec)
        if position == "target":
            role, role_label = path.role, self._target_label(path.role, where)
        else:
            role, role_label = "connector", self._connector_label(where, seeker_tie)
        return Step(
            position=position,
            name=name,
            organisation=where.organisation.name if where else "",
            unit=where.unit.name if where and where.unit else "",
            role=role,
            role_label=role_label,
            how_known=str(HowKnown(facts.how_known[person]).label) if person in facts.how_known else "",
            strength_label=strength_words(tie.strength, tie.rated) if tie and tie.strength else "",
            contact_code=card.code if card else "",
            is_member=person in facts.names,
        )

    def _position(self, person: int, spec: TargetSpec) -> Position | None:
        positions = self.facts.positions.get(person, [])
        for position in positions:
            if spec.unit_id and position.unit_id == spec.unit_id:
                return position
        for position in positions:
            if spec.organisation_id and position.organisation_id == spec.organisation_id:
                return position
        return positions[0] if positions else None

    def _target_label(self, role: str, where: Position | None) -> str:
        decides = role.endswith("decision_maker")
        if where is None:
            return _("a decision-maker") if decides else _("someone in the right place")
        values = {"unit": where.unit.name if where.unit else "", "organisation": where.organisation.name}
        if decides and where.unit:
            return _("a decision-maker in %(unit)s at %(organisation)s") % values
        if decides:
            return _("a decision-maker at %(organisation)s") % values
        if where.unit:
            return _("someone in %(unit)s at %(organisation)s") % values
        return _("someone at %(organisation)s") % values

    def _connector_label(self, where: Position | None, knows_seeker: bool) -> str:
        if knows_seeker:
            return _("a connector who knows you")
        if where is None:
            return _("a connector")
        return _("a connector at %(organisation)s") % {"organisation": where.organisation.name}

    # Why

    def _explanation(self, path: RawPath, steps: list[Step]) -> str:
        first, target = steps[0], steps[-1]
        about = self._about(first)
        if path.hops == 1:
            if about:
                return _("You know %(target)s yourself (%(about)s).") % {"target": target.shown_as, "about": about}
            return _("You know %(target)s yourself.") % {"target": target.shown_as}
        values = {"first": first.shown_as, "about": about, "target": target.shown_as}
        if path.hops == 2:
            if about:
                return _("%(first)s (%(about)s) knows %(target)s.") % values
            return _("%(first)s knows %(target)s.") % values
        values["middle"] = steps[1].shown_as
        if about:
            return _("%(first)s (%(about)s) knows %(middle)s, who knows %(target)s.") % values
        return _("%(first)s knows %(middle)s, who knows %(target)s.") % values

    @staticmethod
    def _about(first: Step) -> str:
        parts = [part for part in (first.how_known.lower(), first.strength_label) if part]
        return ", ".join(parts)

    def _factors(self, path: RawPath, steps: list[Step]) -> list[Factor]:
        w = scoring.weights()
        ids = path.person_ids
        seeker_chain = [self.seeker_id, *ids]
        positions = {1: ["first"], 2: ["first", "last"], 3: ["first", "middle", "last"]}[path.hops]
        factors = [Factor(_("Who they are"), steps[-1].role_label, w.role[path.role])]
        for number, hop_position in enumerate(positions):
            left, right = seeker_chain[number], ids[number]
            tie = tie_facts(self.engine.view, left, right, own=number == 0)
            value = scoring.tie_weight(hop_position, tie.strength, tie.rated, tie.day, self.today)
            factors.append(Factor(self._tie_label(hop_position, steps, number), self._tie_detail(tie), value))
        for step, person in zip(steps[:-1], ids[:-1], strict=True):
            _flags, capacity = node_facts(self.engine.view, person)
            factors.append(
                Factor(
                    _("%(person)s has time to help") % {"person": step.shown_as},
                    _("open to introductions") if capacity >= 1.0 else _("paused or near their monthly limit"),
                    capacity,
                )
            )
        factors.append(Factor(_("Path length"), _("%(count)s steps") % {"count": path.hops}, w.hop[path.hops - 1]))
        return factors

    def _tie_label(self, hop_position: str, steps: list[Step], number: int) -> str:
        if number == 0:
            return _("Your tie to %(person)s") % {"person": steps[0].shown_as}
        return _("%(one)s's tie to %(other)s") % {
            "one": steps[number - 1].shown_as,
            "other": steps[number].shown_as,
        }

    def _tie_detail(self, tie: TieFacts) -> str:
        words = strength_words(tie.strength, tie.rated)
        if tie.day == 0:
            return _("%(strength)s; last contact unknown") % {"strength": words}
        age = self.today - tie.day
        w = scoring.weights()
        if age <= w.recency_days[0]:
            return _("%(strength)s; in contact within the last six months") % {"strength": words}
        if age <= w.recency_days[1]:
            return _("%(strength)s; in contact within the last two years") % {"strength": words}
        return _("%(strength)s; no contact for over two years") % {"strength": words}
