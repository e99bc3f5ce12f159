"""The network app's personal data: the member's node, contacts, ties, profile, targets, imports and settings.

Registered with `kaffebro.core.personal_data` from `NetworkConfig.ready()`; see docs/privacy.md.

- Export: what the member recorded (never what other members recorded about them: their contact cards and ties
  are private to them), and the member's own node with the positions it holds by the member's own account.
- Erasure: everything the member recorded goes; so do the persons it pointed at once nothing else refers to them.
  The member's own node goes too, unless other members still point at it (their address books are their own
  data): then it stays without its name, without the member and without the member's own positions.
- Objection: the person's identity keys go on the suppression list, every member's contact cards and ties for
  them go, and their node goes (or stays suppressed and nameless where someone still refers to it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.db import models
from django.db.models import ForeignObjectRel, Q

from kaffebro.core.personal_data import NEUTRAL_NAME, AppData, Erasure, Export, Objection, register
from kaffebro.network.actions import _PART_OF_THE_PERSON
from kaffebro.network.changes import note_graph_change, with_tie_partners
from kaffebro.network.importing.normalise import key_digest, normalise_email, normalise_profile_url
from kaffebro.network.importing.resolve import EMAIL_KEY, URL_KEY, chunks
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    ImportBatch,
    ImportRow,
    MergeRecord,
    MergeSuggestion,
    Organisation,
    Person,
    PersonKey,
    Position,
    Posting,
    SeekerProfile,
    Suppression,
    Target,
    Tie,
)

EXPORTS = (
    Export(
        "network.own_person",
        Person,
        lambda user: Person.objects.filter(member=user),
        ("code", "name", "member", "suppressed", "created"),
    ),
    Export(
        "network.positions",
        Position,
        # Where the member works by their own account, and what they recorded about their contacts; not what other
        # members recorded about the member (that says who has them as a contact).
        lambda user: Position.objects.filter(Q(person__member=user, recorded_by__isnull=True) | Q(recorded_by=user)),
        (
            "person",
            "organisation",
            "organisation__name",
            "unit",
            "unit__name",
            "title",
            "is_decision_maker",
            "start_date",
            "end_date",
            "recorded_by",
        ),
    ),
    Export(
        "network.contact_cards",
        ContactCard,
        lambda user: ContactCard.objects.filter(owner=user),
        (
            "code",
            "owner",
            "person",
            "first_name",
            "last_name",
            "full_name",
            "organisation_name",
            "unit_name",
            "title",
            "profile_url",
            "email",
            "phone",
            "notes",
            "source",
            "decision_maker_hint",
            "created",
            "updated",
        ),
    ),
    Export(
        "network.ties",
        Tie,
        lambda user: Tie.objects.filter(owner=user),
        (
            "owner",
            "person_a",
            "person_b",
            "strength",
            "strength_rated",
            "how_known",
            "since",
            "last_contact",
            "source",
            "is_private",
            "created",
            "updated",
        ),
    ),
    Export(
        "network.seeker_profile",
        SeekerProfile,
        lambda user: SeekerProfile.objects.filter(user=user),
        (
            "code",
            "user",
            "headline",
            "offer",
            "competencies",
            "job_fields",
            "regions",
            "looking_visibility",
            "industry",
            "sector_background",
            "employment_form",
            "gender",
            "created",
            "updated",
        ),
    ),
    Export(
        "network.targets",
        Target,
        lambda user: Target.objects.filter(seeker=user),
        (
            "code",
            "seeker",
            "kind",
            "posting",
            "posting__title",
            "unit",
            "unit__name",
            "organisation",
            "organisation__name",
            "job_field",
            "region",
            "priority",
            "notes",
            "created",
        ),
    ),
    Export(
        "network.connector_settings",
        ConnectorSettings,
        lambda user: ConnectorSettings.objects.filter(user=user),
        (
            "user",
            "open_to_introductions",
            "monthly_limit",
            "paused_until",
            "introductions_month",
            "introductions_used",
            "show_name_in_paths",
            "contacts_private_by_default",
            "updated",
        ),
    ),
    Export(
        "network.blocks",
        Block,
        lambda user: Block.objects.filter(owner=user),
        ("code", "owner", "person", "organisation", "organisation__name", "created"),
    ),
    Export(
        "network.private_organisations",
        Organisation,
        lambda user: Organisation.objects.filter(private_to=user),
        (
            "code",
            "name",
            "aliases",
            "sector",
            "public_level",
            "industry",
            "region",
            "website",
            "cvr",
            "private_to",
            "verified",
            "created",
        ),
    ),
    Export(
        "network.postings_created",
        Posting,
        lambda user: Posting.objects.filter(created_by=user),
        (
            "code",
            "organisation",
            "organisation__name",
            "unit",
            "unit__name",
            "title",
            "description",
            "job_field",
            "decision_maker",
            "url",
            "deadline",
            "contact_person",
            "is_public",
            "employment_type",
            "location",
            "identifier",
            "source",
            "created_by",
            "closed",
            "created",
            "updated",
        ),
    ),
    Export(
        "network.imports",
        ImportBatch,
        lambda user: ImportBatch.objects.filter(owner=user),
        (
            "code",
            "owner",
            "status",
            "format",
            "filename",
            "content",
            "mapping",
            "keep_contact_details",
            "remove_missing",
            "total_rows",
            "processed_rows",
            "counts",
            "error",
            "created",
            "started",
            "finished",
            "updated",
        ),
    ),
    Export(
        "network.import_rows",
        ImportRow,
        lambda user: ImportRow.objects.filter(batch__owner=user),
        ("batch", "row_number", "outcome", "reason", "details", "name", "card"),
    ),
    Export(
        "network.merge_suggestions",
        MergeSuggestion,
        lambda user: MergeSuggestion.objects.filter(owner=user),
        ("code", "owner", "person", "candidate", "score", "reason", "details", "status", "created", "decided"),
    ),
    Export(
        "network.merges_made",
        MergeRecord,
        lambda user: MergeRecord.objects.filter(actor=user),
        ("code", "kind", "reason", "actor", "created", "undone"),
    ),
)


def referenced_persons(person_ids: Iterable[int]) -> set[int]:
    """Which of these persons anything anywhere still points at: `actions._still_referenced`, for many at once."""
    relations = [
        relation
        for relation in Person._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel)
        and (relation.one_to_many or relation.one_to_one)
        and cast(type[models.Model], relation.related_model)._meta.label not in _PART_OF_THE_PERSON
    ]
    found: set[int] = set()
    for chunk in chunks(sorted(set(person_ids))):
        found.update(Person.objects.filter(pk__in=chunk, member__isnull=False).values_list("pk", flat=True))
        for relation in relations:
            related = cast(type[models.Model], relation.related_model)._default_manager
            found.update(
                related.filter(**{f"{relation.field.name}__in": chunk}).values_list(relation.field.attname, flat=True)
            )
    return found


def _remove_unreferenced(person_ids: Iterable[int]) -> None:
    candidates = set(person_ids)
    gone = candidates - referenced_persons(candidates)
    for chunk in chunks(sorted(gone)):
        Person.objects.filter(pk__in=chunk, member__isnull=True).delete()


def forget_person(person_id: int, person_code: str = "") -> bool:
    """A node that lost its member: it goes, or, where others still point at it, stays without a name.

    Never touches a node that has a member (a restored id given to someone else keeps its member).
    """
    nodes = Person.objects.filter(pk=person_id, member__isnull=True)
    if person_code:
        nodes = nodes.filter(code=person_code)
    if not nodes.exists():
        return False
    partners = with_tie_partners([person_id])
    Position.objects.filter(person_id=person_id, recorded_by__isnull=True).delete()
    Posting.objects.filter(decision_maker_id=person_id).update(decision_maker=None)
    Posting.objects.filter(contact_person_id=person_id).update(contact_person=None)
    if person_id in referenced_persons([person_id]):
        nodes.update(name=NEUTRAL_NAME)
    else:
        nodes.delete()
    note_graph_change(partners, "member.erased")
    return True


def erase(erasure: Erasure) -> None:
    user = erasure.user
    own = (
        ContactCard.objects.filter(owner=user).values_list("person_id", flat=True),
        Tie.objects.filter(owner=user).values_list("person_b_id", flat=True),
        Position.objects.filter(recorded_by=user).values_list("person_id", flat=True),
        Block.objects.filter(owner=user, person__isnull=False).values_list("person_id", flat=True),
    )
    for persons in own:
        erasure.persons.update(persons)
    changed = erasure.persons | with_tie_partners([erasure.person_id])
    ImportBatch.objects.filter(owner=user).delete()
    MergeSuggestion.objects.filter(owner=user).delete()
    ContactCard.objects.filter(owner=user).delete()
    Tie.objects.filter(owner=user).delete()
    Position.objects.filter(recorded_by=user).delete()
    Block.objects.filter(owner=user).delete()
    Target.objects.filter(seeker=user).delete()
    SeekerProfile.objects.filter(user=user).delete()
    ConnectorSettings.objects.filter(user=user).delete()
    Organisation.objects.filter(private_to=user).delete()
    if erasure.person_id is not None:
        Person.objects.filter(pk=erasure.person_id).update(member=None)
        forget_person(erasure.person_id)
    _remove_unreferenced(erasure.persons - {erasure.person_id})
    note_graph_change(changed, "member.erased")


def _identity(objection: Objection) -> tuple[set[tuple[str, str]], Q]:
    """The digests the objection names, and the contact cards it names (matched on the same normalisation)."""
    keys: set[tuple[str, str]] = set()
    cards = Q(pk__in=[])
    if objection.email:
        email = normalise_email(objection.email)
        keys.add((EMAIL_KEY, key_digest(EMAIL_KEY, email)))
        cards |= Q(email__iexact=email)
    if objection.profile_url:
        url = normalise_profile_url(objection.profile_url)
        keys.add((URL_KEY, key_digest(URL_KEY, url)))
        tail = url.rsplit("/", 1)[-1]
        candidates = ContactCard.objects.filter(profile_url__icontains=tail).values_list("pk", "profile_url")
        cards |= Q(pk__in=[pk for pk, address in candidates if normalise_profile_url(address) == url])
    return keys, cards


def object_to(objection: Objection) -> None:
    """Suppress the person and remove them from every member's network.

    Every identity key of a matching node goes on the list (a LinkedIn address imported by one member keeps out
    the same person imported by e-mail by another). A member's own node stays theirs: only what others recorded
    about them goes.
    """
    keys, card_match = _identity(objection)
    key_match = Q(pk__in=[])
    for kind, digest in keys:
        key_match |= Q(kind=kind, digest=digest)
    persons = set(PersonKey.objects.filter(key_match).values_list("person_id", flat=True))
    persons |= set(ContactCard.objects.filter(card_match).values_list("person_id", flat=True))
    keys |= set(PersonKey.objects.filter(person_id__in=persons).values_list("kind", "digest"))
    Suppression.objects.bulk_create(
        [Suppression(kind=kind, digest=digest) for kind, digest in sorted(keys)], ignore_conflicts=True
    )
    members = set(Person.objects.filter(pk__in=persons, member__isnull=False).values_list("pk", flat=True))
    others = persons - members
    changed = with_tie_partners(persons)
    ContactCard.objects.filter(card_match | Q(person_id__in=persons)).delete()
    Tie.objects.filter(person_b_id__in=persons).delete()
    Position.objects.filter(Q(person_id__in=others) | Q(person_id__in=members, recorded_by__isnull=False)).delete()
    Person.objects.filter(pk__in=others).update(suppressed=True, name=NEUTRAL_NAME)
    _remove_unreferenced(others)
    note_graph_change(changed, "person.objected")


register(AppData("network", exports=EXPORTS, erase=erase, forget_person=forget_person, objection=object_to))
