"""Who may manage which job postings, and every read for managing them.

Postings are shared reference data: every member may read one (`network.access.posting_by_code`).
Writing one is for two kinds of people:

- operators (Django staff), for any organisation that is shared reference data;
- decision-makers, for the place where they decide: a member whose own person holds a current
  `Position` with `is_decision_maker` manages the postings of that unit and of the units under it,
  or of the whole organisation when the position names no unit.

Only reference positions count (`recorded_by` empty): what a member wrote on their own contact
card about someone is their word about that person, and never gives anyone a right here. An
organisation a member typed in privately is never a posting's place: a posting there would be
hidden from everyone else.

A posting someone may not manage answers 404, exactly as if it did not exist; a member who
manages nothing at all gets 403 from the pages for managers (`require_manager`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet
from django.shortcuts import get_object_or_404

from kaffebro.accounts.models import User
from kaffebro.jobs.jobad import Employer
from kaffebro.network import access as network_access
from kaffebro.network.importing.normalise import organisation_key
from kaffebro.network.models import Organisation, Person, Position, Posting, Unit

# What a list of postings reads with each posting, in the same query.
POSTING_RELATED = ("organisation", "unit")
ORGANISATIONS_FOUND = 20  # an operator's search for where to post shows at most this many


@dataclass(frozen=True)
class Scope:
    """Where a member may manage postings: whole organisations, and units with the units under them."""

    staff: bool
    organisations: frozenset[int]  # the member decides for the whole organisation
    units: frozenset[int]  # the member decides in these units (the sub-units included)
    unit_organisations: frozenset[int]  # the organisations of those units

    @property
    def manages_any(self) -> bool:
        return self.staff or bool(self.organisations or self.units)

    def covers(self, organisation: Organisation, unit_id: int | None) -> bool:
        """Whether a posting for this organisation and unit (None: the whole organisation) is theirs to manage."""
        if organisation.private_to_id is not None:
            return False
        if self.staff or organisation.pk in self.organisations:
            return True
        return unit_id is not None and unit_id in self.units

    def covers_organisation(self, organisation: Organisation) -> bool:
        """Whether they may manage any posting of the organisation."""
        if organisation.private_to_id is not None:
            return False
        return self.staff or organisation.pk in self.organisations or organisation.pk in self.unit_organisations


NO_SCOPE = Scope(False, frozenset(), frozenset(), frozenset())


def deciding_positions(user: User) -> QuerySet[Position]:
    """The member's own current reference positions in which they decide on hiring, at shared organisations."""
    return Position.objects.filter(
        person__member_id=user.pk,
        is_decision_maker=True,
        end_date__isnull=True,
        recorded_by__isnull=True,
        organisation__private_to__isnull=True,
    )


def scope_of(user: User) -> Scope:
    """The member's scope, read afresh (two queries at most); a page reads it once and passes it on."""
    if not user.is_authenticated:
        return NO_SCOPE
    whole: set[int] = set()
    units: set[int] = set()
    for organisation_id, unit_id in deciding_positions(user).values_list("organisation_id", "unit_id"):
        if unit_id is None:
            whole.add(organisation_id)
        else:
            units.add(unit_id)
    unit_organisations: set[int] = set()
    if units:
        unit_organisations, units = _with_sub_units(units)
    return Scope(bool(user.is_staff), frozenset(whole), frozenset(units), frozenset(unit_organisations))


def _with_sub_units(unit_ids: set[int]) -> tuple[set[int], set[int]]:
    """The organisations of these units, and the units with every unit under them (one query)."""
    organisation_ids = set(Unit.objects.filter(pk__in=unit_ids).values_list("organisation_id", flat=True))
    children: dict[int | None, list[int]] = defaultdict(list)
    for unit_id, parent_id in Unit.objects.filter(organisation_id__in=organisation_ids).values_list("id", "parent_id"):
        children[parent_id].append(unit_id)
    found, stack = set(), list(unit_ids)
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children[current])
    return organisation_ids, found


def may_manage_postings(user: User) -> bool:
    return scope_of(user).manages_any


def require_manager(user: User) -> Scope:
    """The member's scope; 403 for a member who manages no postings at all (they lack the role, not an object)."""
    scope = scope_of(user)
    if not scope.manages_any:
        raise PermissionDenied
    return scope


def managed_postings(user: User, scope: Scope | None = None) -> QuerySet[Posting]:
    """The postings the member manages: open ones first, the nearest deadline first."""
    scope = scope or scope_of(user)
    postings = Posting.objects.filter(organisation__private_to__isnull=True)
    if not scope.staff:
        if not scope.manages_any:
            return Posting.objects.none()
        postings = postings.filter(Q(organisation_id__in=scope.organisations) | Q(unit_id__in=scope.units))
    # Open ones (no `closed`) first and postings without a deadline last, the same on every database.
    return postings.select_related(*POSTING_RELATED).order_by(
        F("closed").desc(nulls_first=True), F("deadline").asc(nulls_last=True), "title", "id"
    )


def may_manage(user: User, posting: Posting, scope: Scope | None = None) -> bool:
    """Whether the member may edit or close this posting (its organisation already loaded)."""
    return (scope or scope_of(user)).covers(posting.organisation, posting.unit_id)


def access_managed_posting(user: User, code: str, scope: Scope | None = None) -> Posting:
    """A posting the member manages, by its code: 403 for a member who manages no postings at all (the role is
    missing, as on the managers' pages without an object), 404 for a posting that is not theirs."""
    scope = scope or scope_of(user)
    if not scope.manages_any:
        raise PermissionDenied
    return get_object_or_404(managed_postings(user, scope), code=code)


def manageable_organisations(user: User, scope: Scope | None = None) -> QuerySet[Organisation]:
    """The organisations the member may manage postings of (for an operator: every shared one)."""
    scope = scope or scope_of(user)
    organisations = Organisation.objects.filter(private_to__isnull=True)
    if not scope.staff:
        organisations = organisations.filter(pk__in=scope.organisations | scope.unit_organisations)
    return organisations.order_by("name", "id")


def organisations_to_post_for(user: User, scope: Scope, query: str) -> list[Organisation]:
    """Where a new posting may go: an operator searches every shared organisation (nothing before they type, at
    most ORGANISATIONS_FOUND); a decision-maker is offered every organisation they decide in, whatever they typed."""
    if not scope.staff:
        return list(manageable_organisations(user, scope))
    if not query:
        return []
    found = network_access.search_organisations(user, query=query).filter(private_to__isnull=True)
    return list(found[:ORGANISATIONS_FOUND])


def access_manageable_organisation(user: User, code: str, scope: Scope | None = None) -> Organisation:
    """An organisation the member may post for, by its code: 403 for a member who manages no postings at all,
    404 for an organisation that is not theirs to post for."""
    scope = scope or scope_of(user)
    if not scope.manages_any:
        raise PermissionDenied
    return get_object_or_404(manageable_organisations(user, scope), code=code)


@dataclass(frozen=True)
class UnitChoice:
    unit: Unit
    label: str  # the unit with the units above it: "Center for IT / Digitalisering"


def units_for(user: User, organisation: Organisation, scope: Scope | None = None) -> list[UnitChoice]:
    """The units of the organisation the member may post for, each named with its place in the tree."""
    return units_for_each(user, [organisation], scope)[organisation.pk]


def units_for_each(
    user: User, organisations: list[Organisation], scope: Scope | None = None
) -> dict[int, list[UnitChoice]]:
    """`units_for` of several organisations in one query, for a list of where to post."""
    scope = scope or scope_of(user)
    by_organisation: dict[int, list[Unit]] = {organisation.pk: [] for organisation in organisations}
    for unit in Unit.objects.filter(organisation_id__in=list(by_organisation)).order_by("name", "id"):
        by_organisation[unit.organisation_id].append(unit)
    return {
        organisation.pk: _choices(scope, organisation, by_organisation[organisation.pk])
        for organisation in organisations
    }


def _choices(scope: Scope, organisation: Organisation, units: list[Unit]) -> list[UnitChoice]:
    by_id = {unit.pk: unit for unit in units}
    everything = scope.staff or organisation.pk in scope.organisations
    choices = [UnitChoice(unit, _unit_label(unit, by_id)) for unit in units if everything or unit.pk in scope.units]
    return sorted(choices, key=lambda choice: choice.label.casefold())


def _unit_label(unit: Unit, by_id: dict[int, Unit]) -> str:
    names, current, seen = [unit.name], unit, {unit.pk}
    while current.parent_id is not None and current.parent_id in by_id and current.parent_id not in seen:
        current = by_id[current.parent_id]
        seen.add(current.pk)
        names.append(current.name)
    return " / ".join(reversed(names))


def may_post_for_whole(user: User, organisation: Organisation, scope: Scope | None = None) -> bool:
    """Whether the member may post for the organisation as a whole (no unit)."""
    scope = scope or scope_of(user)
    return organisation.private_to_id is None and (scope.staff or organisation.pk in scope.organisations)


def _reference_positions(organisation: Organisation) -> QuerySet[Position]:
    return Position.objects.filter(
        organisation=organisation, end_date__isnull=True, recorded_by__isnull=True, person__suppressed=False
    )


def decision_makers_at(organisation: Organisation) -> QuerySet[Person]:
    """Who may be named a posting's decision-maker: persons deciding on hiring there, by reference data.

    Only a manager of the organisation's postings reads this list, and the posting page never names
    the decision-maker: members reach them through their paths.
    """
    people = _reference_positions(organisation).filter(is_decision_maker=True).values("person_id")
    return Person.objects.filter(pk__in=people).order_by("name", "id")


def contacts_at(organisation: Organisation) -> QuerySet[Person]:
    """Who may be a posting's contact person: members working there by reference data; the page names them."""
    people = _reference_positions(organisation).values("person_id")
    return Person.objects.filter(pk__in=people, member__isnull=False, member__is_active=True).order_by("name", "id")


def named_contact(posting: Posting) -> Person | None:
    """The posting's contact person, when they are a member (whom a posting page may name); nobody else is named."""
    if posting.contact_person_id is None:
        return None
    return Person.objects.filter(pk=posting.contact_person_id, member__isnull=False, member__is_active=True).first()


# Which organisation a job ad is for.


def resolve_employer(user: User, employer: Employer) -> tuple[Organisation | None, str]:
    """The shared organisation a job ad's employer is, and how it was found ("cvr", "name", "website", "key").

    The strongest evidence first, as in the contact import: the CVR number, then the name or
    another name (alias), then the web site's host, then the name without case, legal form and
    Danish spelling variants. Organisations a member typed in privately are never matched.
    """
    shared = Organisation.objects.filter(private_to__isnull=True).order_by("-verified", "id")
    if employer.cvr:
        found = shared.filter(cvr=employer.cvr).first()
        if found is not None:
            return found, "cvr"
    named = [org for org in network_access.organisations_named(user, employer.name) if org.private_to_id is None]
    if named:
        return sorted(named, key=lambda org: (not org.verified, org.pk))[0], "name"
    host = _host(employer.website)
    if host:
        for organisation in shared.filter(website__icontains=host)[:20]:
            if _host(organisation.website) == host:
                return organisation, "website"
    return _by_key(employer.name), "key"


def _host(address: str) -> str:
    host = (urlsplit(address).hostname or "") if address else ""
    return host.removeprefix("www.")


def _by_key(name: str) -> Organisation | None:
    """The shared organisation whose name or alias agrees once folded ("Novo Nordisk A/S" = "novo nordisk")."""
    wanted = organisation_key(name)
    if not wanted:
        return None
    # Folded names cannot be compared in SQL, so every shared name is folded here (cached): this runs once per
    # imported ad, and only when neither the CVR number nor the name as written matched.
    candidates = (
        Organisation.objects.filter(private_to__isnull=True)
        .order_by("-verified", "id")
        .values_list("id", "name", "aliases")
        .iterator(chunk_size=2000)
    )
    for pk, candidate_name, aliases in candidates:
        if any(organisation_key(str(spelling)) == wanted for spelling in [candidate_name, *(aliases or [])]):
            return Organisation.objects.get(pk=pk)
    return None
