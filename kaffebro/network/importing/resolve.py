"""Entity resolution: decide, for every record of a contact file, who it is and what to do with it.

Resolution only reads. It produces a `Plan`: for each row an outcome, a reason
code, the person (known or new) and the organisation and unit, all as model
instances, saved or not yet. `engine.write_plan` then writes the whole plan in one
transaction, so reading (slow, shown as progress) and writing (all or nothing)
stay apart.

Order of evidence, strongest first:
1. the member's own card for the same person (re-import): by profile address,
   e-mail, or by name when exactly one card has it;
2. an exact identity key another import stored (normalised LinkedIn profile
   address, lower-cased e-mail), compared as digests;
3. the same name (Danish spelling variants folded) at the same organisation;
4. a similar name at the same organisation (rapidfuzz): never merged silently,
   it becomes a suggestion the member, or an operator across members, decides.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, models
from django.db.models import Max, Q
from rapidfuzz import fuzz, process

from kaffebro.accounts.models import User
from kaffebro.network.importing.normalise import (
    fold,
    how_known_from_text,
    is_profile_key,
    key_digest,
    likely_decision_maker,
    name_at_organisation,
    name_key,
    normalise_email,
    normalise_profile_url,
    organisation_key,
    same_name,
)
from kaffebro.network.importing.records import ContactRecord
from kaffebro.network.models import (
    ContactCard,
    IdentityKind,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MergeRecord,
    Organisation,
    Person,
    PersonKey,
    Position,
    RowOutcome,
    Suppression,
    Tie,
    TieSource,
    Unit,
)

# Names at least this similar (rapidfuzz token sort ratio, 0-100, on folded names) at the same
# organisation become a merge suggestion; identical folded names merge without asking.
SUGGESTION_SCORE = 88
# Shared mailboxes say nothing about who a person is.
_ROLE_MAILBOXES = {"info", "kontakt", "contact", "post", "mail", "admin", "hr", "job", "jobs", "noreply", "office"}
_CHUNK = 500
# The identity kinds as plain strings: enum attribute access is slow in a 30,000-row loop.
URL_KEY = IdentityKind.PROFILE_URL.value
EMAIL_KEY = IdentityKind.EMAIL.value
NAME_ORG_KEY = IdentityKind.NAME_AT_ORGANISATION.value
LOOKUP_CHUNK = 5000

T = TypeVar("T")


def chunks(values: Iterable[T], size: int = _CHUNK) -> Iterator[list[T]]:
    """Lists of at most `size`, so `__in` lookups stay under every database's parameter limit."""
    batch: list[T] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def clip(value: str, model: type[models.Model], field_name: str) -> str:
    """Cut a value to its column's length: PostgreSQL refuses longer text, SQLite would keep it."""
    limit = _max_length(model, field_name)
    return value[:limit].strip() if limit and len(value) > limit else value


@lru_cache(maxsize=64)
def _max_length(model: type[models.Model], field_name: str) -> int | None:
    return getattr(model._meta.get_field(field_name), "max_length", None)


@dataclass
class Keys:
    """The identity keys of one record, as digests."""

    url: str = ""
    emails: list[str] = field(default_factory=list)
    name_org: str = ""
    pairs: list[tuple[str, str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.pairs = [(URL_KEY, self.url)] if self.url else []
        self.pairs += [(EMAIL_KEY, digest) for digest in self.emails]

    def exact(self) -> list[tuple[str, str]]:
        """The exact identity keys, strongest (the profile address) first."""
        return self.pairs


def keys_of(record: ContactRecord) -> Keys:
    url = normalise_profile_url(record.profile_url)
    emails = []
    for email in record.emails:
        address = normalise_email(email)
        if "@" in address and address.split("@", 1)[0] not in _ROLE_MAILBOXES:
            emails.append(key_digest(EMAIL_KEY, address))
    name_org = ""
    if record.organisation:
        name_org = key_digest(NAME_ORG_KEY, name_at_organisation(record.full_name, record.organisation))
    return Keys(
        url=key_digest(URL_KEY, url) if is_profile_key(url) else "",
        emails=emails,
        name_org=name_org,
    )


def clean_email(record: ContactRecord) -> str:
    for email in record.emails:
        try:
            validate_email(email.strip())
        except ValidationError:
            continue
        return email.strip()[:254]
    return ""


def clean_phone(record: ContactRecord) -> str:
    return next((phone.strip() for phone in record.phones if 0 < len(phone.strip()) <= 40), "")


def clean_profile_url(record: ContactRecord) -> str:
    url = record.profile_url.strip()
    if not url or len(url) > 500 or " " in url:
        return ""
    return url if "://" in url else f"https://{url}"


@dataclass(eq=False, slots=True)
class Node:
    """An organisation, unit or person a plan points at: known (`id` set) or to be created (`id` None until written).

    Plain objects, not model instances: a 30,000-row file would spend seconds just
    constructing models it never saves.
    """

    id: int | None
    name: str
    verified: bool = True  # organisations: shared reference data, or made by an import and not yet checked
    organisation: Node | None = None  # units: the organisation they belong to


CARD_FIELDS = (
    "id",
    "person_id",
    "full_name",
    "first_name",
    "last_name",
    "organisation_name",
    "unit_name",
    "title",
    "profile_url",
    "email",
    "phone",
    "source",
    "decision_maker_hint",
)


@dataclass
class RowPlan:
    """What to do with one record."""

    record: ContactRecord
    outcome: str
    reason: str
    details: dict = field(default_factory=dict)
    person: Node | None = None
    card: dict | None = None  # the member's existing card (CARD_FIELDS), when the row updates it
    organisation: Node | None = None
    unit: Node | None = None
    keys: Keys = field(default_factory=Keys)
    new_position: bool = False  # the member's record of where the person works changes
    suggest_with: Node | None = None  # a similar person to suggest merging with
    suggestion_for_member: bool = True  # False: an operator decides (the other person is not the member's)
    hidden_reason: str = ""  # how the row was really resolved, for the operators' log only

    @property
    def writes_card(self) -> bool:
        return self.outcome in (
            RowOutcome.CREATED,
            RowOutcome.MERGED,
            RowOutcome.NEEDS_CONFIRMATION,
            RowOutcome.UPDATED,
        )


@dataclass
class Plan:
    rows: list[RowPlan]
    new_organisations: list[Node]
    new_units: list[Node]
    new_persons: list[Node]
    removed_cards: list[dict]
    snapshot: tuple

    def counts(self) -> dict[str, int]:
        counts = {outcome.value: 0 for outcome in RowOutcome}
        for row in self.rows:
            counts[str(row.outcome)] += 1
        counts[RowOutcome.REMOVED.value] = len(self.removed_cards)
        counts["changed_job"] = sum(1 for row in self.rows if row.reason == "changed_job")
        return counts

    def hidden_counts(self) -> dict[str, int]:
        """How many rows were linked to persons outside the member's network, by reason: for the event log."""
        counts: dict[str, int] = defaultdict(int)
        for row in self.rows:
            if row.hidden_reason:
                counts[row.hidden_reason] += 1
        return dict(counts)


def snapshot(owner: User) -> tuple:
    """What resolution depended on; if it moved before the write, the plan is made again."""
    return (
        Person.objects.aggregate(Max("id"))["id__max"],
        PersonKey.objects.aggregate(Max("id"))["id__max"],
        Organisation.objects.aggregate(Max("id"))["id__max"],
        Unit.objects.aggregate(Max("id"))["id__max"],
        Position.objects.aggregate(Max("id"))["id__max"],
        MergeRecord.objects.aggregate(Max("id"))["id__max"],
        Suppression.objects.aggregate(Max("id"))["id__max"],
        ContactCard.objects.filter(owner=owner).aggregate(Max("updated"))["updated__max"],
        ContactCard.objects.filter(owner=owner).count(),
    )


def _shared_verified_first(row: tuple) -> tuple:
    pk, _name, _aliases, private_to, verified = row
    return (private_to is not None, not verified, pk)


class OrganisationIndex:
    """The organisations a member may see, by folded name and alias; new ones are planned here."""

    def __init__(self, owner: User):
        self.by_key: dict[str, Node] = {}
        self.new: list[Node] = []
        visible = Organisation.objects.filter(Q(private_to__isnull=True) | Q(private_to=owner)).values_list(
            "id", "name", "aliases", "private_to_id", "verified"
        )
        # Shared verified data wins over unverified and over what the member typed in privately.
        for pk, name, aliases, _private_to, verified in sorted(visible, key=_shared_verified_first):
            node = Node(pk, name, verified=verified)
            for spelling in [name, *[str(alias) for alias in aliases or []]]:
                self.by_key.setdefault(organisation_key(spelling), node)

    def resolve(self, name: str) -> Node | None:
        key = organisation_key(name)
        if not key:
            return None
        if key not in self.by_key:
            node = Node(None, clip(name.strip(), Organisation, "name"), verified=False)
            self.by_key[key] = node
            self.new.append(node)
        return self.by_key[key]


class UnitIndex:
    """Units by organisation and folded name. New units only inside organisations nobody has verified."""

    def __init__(self, organisations: list[Node]):
        by_id = {node.id: node for node in organisations}
        self.by_key: dict[tuple[int, str], Node] = {}
        self.new: list[Node] = []
        for chunk in chunks(list(by_id)):
            units = Unit.objects.filter(organisation_id__in=chunk).order_by("parent_id", "id")
            for pk, organisation_id, name in units.values_list("id", "organisation_id", "name"):
                node = Node(pk, name, organisation=by_id[organisation_id])
                self.by_key.setdefault((id(by_id[organisation_id]), fold(name)), node)

    def resolve(self, organisation: Node | None, name: str) -> Node | None:
        key = (id(organisation), fold(name))
        if organisation is None or not key[1]:
            return None
        if key in self.by_key:
            return self.by_key[key]
        if organisation.verified:
            return None  # shared reference data is not changed by what one member's file says
        node = Node(None, clip(name.strip(), Unit, "name"), organisation=organisation)
        self.by_key[key] = node
        self.new.append(node)
        return node


@dataclass(slots=True)
class Candidate:
    person: Node
    name_key: str
    own: bool  # the member has a card for this person


class PeopleAtOrganisations:
    """Who works where, for matching names at the same organisation; rows of this file join as they come.

    Candidates are grouped by organisation and by the initials of their names, so a
    fuzzy comparison only looks at names that share a first letter with the row's.
    """

    def __init__(self, organisations: list[Node], own_person_ids: set[int], me_id: int | None):
        self.exact_names: dict[tuple[int, str], Candidate] = {}
        self.by_initial: dict[tuple[int, str], tuple[list[str], list[Candidate]]] = {}
        by_id = {node.id: node for node in organisations}
        seen: set[tuple[int, int]] = set()
        for chunk in chunks(list(by_id)):
            positions = (
                Position.objects.filter(end_date__isnull=True, organisation_id__in=chunk, person__suppressed=False)
                .exclude(person_id=me_id or 0)
                .values_list("organisation_id", "person_id", "person__name")
            )
            for organisation_id, person_id, name in positions:
                if (organisation_id, person_id) not in seen:
                    seen.add((organisation_id, person_id))
                    self.add(by_id[organisation_id], Node(person_id, name), own=person_id in own_person_ids)

    def add(self, organisation: Node, person: Node, own: bool) -> None:
        candidate = Candidate(person, name_key(person.name), own)
        self.exact_names.setdefault((id(organisation), candidate.name_key), candidate)
        for initial in {word[0] for word in candidate.name_key.split()}:
            names, candidates = self.by_initial.setdefault((id(organisation), initial), ([], []))
            names.append(candidate.name_key)
            candidates.append(candidate)

    def exact(self, organisation: Node, key: str) -> Candidate | None:
        return self.exact_names.get((id(organisation), key))

    def similar(self, organisation: Node, key: str) -> tuple[Candidate, float] | None:
        """The most similar other name at the organisation, among names sharing an initial with it."""
        best: tuple[Candidate, float] | None = None
        for initial in {word[0] for word in key.split()}:
            bucket = self.by_initial.get((id(organisation), initial))
            if bucket is None:
                continue
            cutoff = best[1] if best else SUGGESTION_SCORE
            found = process.extractOne(key, bucket[0], scorer=fuzz.token_sort_ratio, score_cutoff=cutoff)
            if found is not None and (best is None or found[1] > best[1]):
                best = (bucket[1][found[2]], found[1])
        return best


class OwnCards:
    """The member's existing cards, findable the ways a re-imported row can name them."""

    def __init__(self, owner: User):
        cards = list(ContactCard.objects.filter(owner=owner).order_by("id").values(*CARD_FIELDS, "person__suppressed"))
        self.by_person = {card["person_id"]: card for card in cards}
        self.by_url: dict[str, dict] = {}
        self.by_name: dict[str, list[dict]] = defaultdict(list)
        self.claimed: set[int] = set()
        for card in cards:
            url = normalise_profile_url(card["profile_url"])
            if is_profile_key(url):
                self.by_url.setdefault(key_digest(URL_KEY, url), card)
            self.by_name[name_key(card["full_name"])].append(card)

    def claim(self, records: list[ContactRecord], keys: list[Keys], person_by_key: dict) -> None:
        """First pass: the cards rows name unambiguously, so that a namesake elsewhere in the file cannot take them."""
        for record, record_keys in zip(records, keys, strict=True):
            card = self._by_key(record_keys, person_by_key) or self._at_same_organisation(record, record_keys)
            if card is not None:
                self.claimed.add(card["id"])

    def find(self, record: ContactRecord, keys: Keys, person_by_key: dict) -> dict | None:
        return (
            self._by_key(keys, person_by_key)
            or self._at_same_organisation(record, keys)
            or self._moved_on(record, keys)
        )

    def _by_key(self, keys: Keys, person_by_key: dict) -> dict | None:
        if keys.url and keys.url in self.by_url:
            return self.by_url[keys.url]
        for pair in keys.exact():
            person_id = person_by_key.get(pair)
            if person_id in self.by_person:
                return self.by_person[person_id]
        return None

    def _namesakes(self, record: ContactRecord, keys: Keys) -> list[dict]:
        return [
            card
            for card in self.by_name.get(name_key(record.full_name), [])
            if same_name(card["full_name"], record.full_name) and not _other_profile(card, keys.url)
        ]

    def _at_same_organisation(self, record: ContactRecord, keys: Keys) -> dict | None:
        wanted = organisation_key(record.organisation)
        cards = [c for c in self._namesakes(record, keys) if organisation_key(c["organisation_name"]) == wanted]
        return cards[0] if len(cards) == 1 else None

    def _moved_on(self, record: ContactRecord, keys: Keys) -> dict | None:
        """The one card of that name that no row places where it was: the contact changed job."""
        cards = [card for card in self._namesakes(record, keys) if card["id"] not in self.claimed]
        return cards[0] if len(cards) == 1 else None


def _other_profile(card: dict, url_digest: str) -> bool:
    """Same name but a different LinkedIn profile: two people."""
    card_url = normalise_profile_url(card["profile_url"])
    if not url_digest or not is_profile_key(card_url):
        return False
    return key_digest(URL_KEY, card_url) != url_digest


def lookup_digests(model: type[models.Model], pairs: set[tuple[str, str]], value: str) -> dict[tuple[str, str], int]:
    """Stored digests among `pairs` → the row's `value` column (the person, or the suppression's id).

    Plain SQL in chunks of 5,000: building ORM `__in` lookups costs more than running them at this size.
    """
    found: dict[tuple[str, str], int] = {}
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        for chunk in chunks({digest for _kind, digest in pairs}, LOOKUP_CHUNK):
            if connection.vendor == "postgresql":  # one array parameter: far cheaper than thousands of them
                cursor.execute(f"SELECT kind, digest, {value} FROM {table} WHERE digest = ANY(%s)", [chunk])
            else:
                placeholders = ", ".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT kind, digest, {value} FROM {table} WHERE digest IN ({placeholders})", chunk)
            for kind, digest, target in cursor.fetchall():
                if (kind, digest) in pairs:
                    found[(kind, digest)] = target
    return found


@dataclass
class ResolveOptions:
    keep_contact_details: bool = False
    remove_missing: bool = False
    format: str = ""
    filename: str = ""
    batch_id: int | None = None


class Resolver:
    """Makes the plan for one member's records; reads the database, writes nothing."""

    def __init__(self, owner: User, options: ResolveOptions):
        self.owner = owner
        self.options = options

    def plan(
        self, records: list[ContactRecord], progress: Callable[[int], None] | None = None, *, skipped_rows: int = 0
    ) -> Plan:
        state = snapshot(self.owner)
        me_id = Person.objects.filter(member=self.owner).values_list("id", flat=True).first()
        keys = [keys_of(record) for record in records]
        all_pairs = {pair for k in keys for pair in k.exact()}
        self.person_by_key = lookup_digests(PersonKey, all_pairs, "person_id")
        name_org_pairs = {(IdentityKind.NAME_AT_ORGANISATION.value, k.name_org) for k in keys if k.name_org}
        self.suppressed = set(lookup_digests(Suppression, all_pairs | name_org_pairs, "id"))
        self.suppressed_persons = set(
            Person.objects.filter(id__in=set(self.person_by_key.values()), suppressed=True).values_list("id", flat=True)
        )
        self.own = OwnCards(self.owner)
        self.own.claim(records, keys, self.person_by_key)
        self.tied = set(Tie.objects.filter(owner=self.owner).values_list("person_b_id", flat=True))
        self.organisations = OrganisationIndex(self.owner)
        resolved = (self.organisations.resolve(record.organisation) for record in records)
        known_orgs = list({org.id: org for org in resolved if org is not None and org.id}.values())
        self.units = UnitIndex(known_orgs)
        self.people = PeopleAtOrganisations(known_orgs, set(self.own.by_person), me_id)
        self.me_id = me_id
        self.seen_in_file: dict[str, tuple[int, str]] = {}
        self.cards_seen: dict[int, int] = {}
        self.carded: dict[int, int] = {}  # known persons this file already gives a card: person id -> row
        self.new_persons: list[Node] = []
        rows = []
        for index, (record, record_keys) in enumerate(zip(records, keys, strict=True), start=1):
            rows.append(self._plan_row(record, record_keys))
            if progress and index % _CHUNK == 0:
                progress(index)
        return Plan(
            rows=rows,
            new_organisations=self.organisations.new,
            new_units=self.units.new,
            new_persons=self.new_persons,
            removed_cards=self._missing_cards(skipped_rows),
            snapshot=state,
        )

    def _plan_row(self, record: ContactRecord, keys: Keys) -> RowPlan:
        if not record.full_name.strip():
            return RowPlan(record, RowOutcome.SKIPPED, "no_name")
        if self.suppressed and self.suppressed.intersection({*keys.exact(), (NAME_ORG_KEY, keys.name_org)}):
            return RowPlan(record, RowOutcome.SKIPPED, "suppressed")
        organisation = self.organisations.resolve(record.organisation)
        duplicate_of = self._earlier_row(record, keys, organisation)
        if duplicate_of:
            return RowPlan(record, RowOutcome.SKIPPED, "duplicate_in_file", {"row": duplicate_of})
        unit = self.units.resolve(organisation, record.unit) if record.unit else None
        card = self.own.find(record, keys, self.person_by_key)
        if card is not None:
            return self._update_own(record, keys, card, organisation, unit)
        return self._new_card(record, keys, organisation, unit)

    def _earlier_row(self, record: ContactRecord, keys: Keys, organisation: Node | None) -> int | None:
        """The row of this file that already named the same person (same key, or same name at the same place)."""
        markers = [f"{kind}:{digest}" for kind, digest in keys.exact()]
        if organisation is not None:
            markers.append(f"name_org:{name_key(record.full_name)}@{id(organisation)}")
        earlier = next(
            (
                self.seen_in_file[marker][0]
                for marker in markers
                if marker in self.seen_in_file
                and (not marker.startswith("name_org:") or same_name(self.seen_in_file[marker][1], record.full_name))
            ),
            None,
        )
        for marker in markers:
            self.seen_in_file.setdefault(marker, (record.row_number, record.full_name))
        return earlier

    def _update_own(
        self,
        record: ContactRecord,
        keys: Keys,
        card: dict,
        organisation: Node | None,
        unit: Node | None,
    ) -> RowPlan:
        if card["id"] in self.cards_seen:
            return RowPlan(record, RowOutcome.SKIPPED, "duplicate_in_file", {"row": self.cards_seen[card["id"]]})
        self.cards_seen[card["id"]] = record.row_number
        if card["person__suppressed"]:
            return RowPlan(record, RowOutcome.SKIPPED, "suppressed")
        person = Node(card["person_id"], card["full_name"])
        changed_job = (
            organisation_key(card["organisation_name"]) != organisation_key(record.organisation)
            or fold(card["title"]) != fold(record.title)
        ) and bool(record.organisation or record.title)
        changed = [name for name, value in self._card_values(record).items() if card[name] != value]
        changed += [name for name, value in self._extra_values(record).items() if value and card[name] != value]
        plan = RowPlan(record, RowOutcome.UNCHANGED, "no_change", person=person, card=card, keys=keys)
        plan.organisation, plan.unit = organisation, unit
        if changed_job:
            plan.outcome, plan.reason, plan.new_position = RowOutcome.UPDATED, "changed_job", True
            plan.details = {
                "old_organisation": card["organisation_name"],
                "new_organisation": record.organisation,
                "old_title": card["title"],
                "new_title": record.title,
            }
        elif changed:
            plan.outcome, plan.reason, plan.details = RowOutcome.UPDATED, "details_changed", {"fields": changed}
            plan.new_position = "unit_name" in changed
        return plan

    def _new_card(self, record: ContactRecord, keys: Keys, organisation: Node | None, unit: Node | None) -> RowPlan:
        plan = RowPlan(record, RowOutcome.CREATED, "new_person", keys=keys, organisation=organisation, unit=unit)
        plan.new_position = organisation is not None
        known = self._known_by_key(keys)
        if known is not None:
            person_id, reason = known
            if person_id in self.suppressed_persons:
                return RowPlan(record, RowOutcome.SKIPPED, "suppressed")
            if person_id == self.me_id:
                return RowPlan(record, RowOutcome.SKIPPED, "yourself")
            if person_id in self.own.by_person:
                return self._update_own(record, keys, self.own.by_person[person_id], organisation, unit)
            if person_id in self.carded:
                return RowPlan(record, RowOutcome.SKIPPED, "duplicate_in_file", {"row": self.carded[person_id]})
            self._link(plan, Node(person_id, record.full_name), reason)
            return plan
        if organisation is not None and self._match_at_organisation(plan, record, organisation):
            return plan
        person = Node(None, clip(record.full_name.strip(), Person, "name"))
        self.new_persons.append(person)
        plan.person = person
        if organisation is not None:
            self.people.add(organisation, person, own=True)
        return plan

    def _known_by_key(self, keys: Keys) -> tuple[int, str] | None:
        for kind, digest in keys.exact():
            person_id = self.person_by_key.get((kind, digest))
            if person_id is not None:
                return person_id, "same_profile_url" if kind == URL_KEY else "same_email"
        return None

    def _match_at_organisation(self, plan: RowPlan, record: ContactRecord, organisation: Node) -> bool:
        """Same folded name at the organisation: merge. A similar one: a new person and a suggestion."""
        key = name_key(record.full_name)
        exact = self.people.exact(organisation, key)
        # A known person with the same name at the same place is the same person; the member's own card of that
        # name did not match the row (another profile), so that one is asked about, not merged.
        if (
            exact is not None
            and exact.person.id is not None
            and not exact.own
            and exact.person.id not in self.carded
            and same_name(exact.person.name, record.full_name)
        ):
            self._link(plan, exact.person, "same_name_at_organisation", {"organisation": organisation.name})
            return True
        similar = self.people.similar(organisation, key)
        if similar is not None:
            candidate, score = similar
            plan.suggest_with, plan.suggestion_for_member = candidate.person, candidate.own
            plan.details = {"organisation": organisation.name, "score": round(score)}
            if candidate.own:  # between two of the member's own contacts: hers to decide
                plan.outcome, plan.reason = RowOutcome.NEEDS_CONFIRMATION, "similar_name_at_organisation"
            else:  # an operator decides; the member must not learn that someone else knows a similar name
                plan.hidden_reason = "similar_name_at_organisation"
        return False

    def _link(self, plan: RowPlan, person: Node, reason: str, details: dict | None = None) -> None:
        """The row is a person Kaffebro already knows.

        The member sees "merged" only when that person is already in their own network; otherwise the row reads
        as new to them, because anything else would tell them who is in other members' networks. The real reason
        is kept for the operators' log.
        """
        plan.person = person
        assert person.id is not None
        self.carded[person.id] = plan.record.row_number
        if person.id in self.tied:
            plan.outcome, plan.reason, plan.details = RowOutcome.MERGED, reason, details or {}
        else:
            plan.hidden_reason = reason

    @staticmethod
    def _card_values(record: ContactRecord) -> dict[str, str]:
        return {
            "full_name": clip(record.full_name.strip(), ContactCard, "full_name"),
            "first_name": clip(record.first_name.strip(), ContactCard, "first_name"),
            "last_name": clip(record.last_name.strip(), ContactCard, "last_name"),
            "organisation_name": clip(record.organisation.strip(), ContactCard, "organisation_name"),
            "unit_name": clip(record.unit.strip(), ContactCard, "unit_name"),
            "title": clip(record.title.strip(), ContactCard, "title"),
        }

    def _extra_values(self, record: ContactRecord) -> dict[str, str]:
        """Profile address, and contact details when the member keeps them: a file without them clears nothing."""
        values = {"profile_url": clean_profile_url(record)}
        if self.options.keep_contact_details:
            values["email"] = clean_email(record)
            values["phone"] = clean_phone(record)
        return values

    def card_values(self, record: ContactRecord) -> dict[str, object]:
        """The card's fields from a record; contact details only when the member keeps them."""
        values: dict[str, object] = dict(self._card_values(record))
        values.update((name, value) for name, value in self._extra_values(record).items() if value)
        values["decision_maker_hint"] = likely_decision_maker(record.title)
        return values

    def _missing_cards(self, skipped_rows: int) -> list[dict]:
        """Cards earlier imports of the same export made that this file no longer has, if the member asked.

        "The same export" is the member's LinkedIn connections, or a vCard or spreadsheet file of the same name.
        When the reader could not read some rows, nothing is removed: a card may stand behind one of them.
        """
        if not self.options.remove_missing or skipped_rows:
            return []
        earlier = ImportRow.objects.filter(
            batch__owner=self.owner,
            batch__format=self.options.format,
            batch__status=ImportStatus.DONE,
            card__isnull=False,
        ).exclude(batch_id=self.options.batch_id)
        if self.options.format != "linkedin":
            earlier = earlier.filter(batch__filename=self.options.filename)
        missing = set(earlier.values_list("card_id", flat=True)) - set(self.cards_seen)
        return [
            card for card in self.own.by_person.values() if card["id"] in missing and card["source"] == TieSource.IMPORT
        ]


def tie_since(record: ContactRecord, today: datetime.date) -> datetime.date | None:
    """When the member and the contact connected; a date in the future is a broken export, not kept."""
    connected = record.connected_on
    return connected if connected and connected <= today else None


def how_known(record: ContactRecord) -> str:
    return how_known_from_text(record.how_known)


def batch_options(batch: ImportBatch) -> ResolveOptions:
    return ResolveOptions(
        keep_contact_details=batch.keep_contact_details,
        remove_missing=batch.remove_missing,
        format=batch.format,
        filename=batch.filename,
        batch_id=batch.pk,
    )
