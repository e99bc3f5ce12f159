"""Every change to a member's network, targets and connector settings.

Each action checks its precondition (raising `Refused` with a translated message
the view shows), runs in one transaction, makes transitions with conditional
updates, and writes an event naming only codes, never a contact's personal data.
None of these actions sends mail, so none schedules side effects.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import cast

from django.db import IntegrityError, models, transaction
from django.db.models import ForeignObjectRel, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.network import access
from kaffebro.network.changes import note_graph_change
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    Block,
    ConnectorSettings,
    ContactCard,
    HowKnown,
    Organisation,
    Person,
    Position,
    Posting,
    Region,
    SeekerProfile,
    Strength,
    Target,
    TargetKind,
    Tie,
    TieSource,
    Unit,
)

MAX_TARGETS = 25
MAX_MONTHLY_LIMIT = 50


class Refused(Exception):
    """An action's precondition failed; the message is translated and meant for the member."""

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass
class ContactDetails:
    """What a member writes about a contact; only the member ever sees the card fields."""

    full_name: str
    first_name: str = ""
    last_name: str = ""
    organisation_name: str = ""
    unit_name: str = ""
    title: str = ""
    how_known: str = ""
    since: datetime.date | None = None
    strength: int = Strength.KNOW_WELL
    is_private: bool | None = None
    email: str = ""
    phone: str = ""
    notes: str = ""


def _check_contact_details(details: ContactDetails) -> None:
    if not details.full_name.strip():
        raise Refused(_("Write the contact's name."), field="full_name")
    if details.strength not in Strength.values:
        raise Refused(_("Choose how well you know each other."), field="strength")
    if details.how_known and details.how_known not in HowKnown.values:
        raise Refused(_("Choose how you know each other from the list."), field="how_known")
    if details.unit_name.strip() and not details.organisation_name.strip():
        raise Refused(_("Write the organisation the unit belongs to."), field="organisation_name")
    if details.since and details.since > timezone.localdate():
        raise Refused(_("The date you met cannot be in the future."), field="since")


def _organisation_for(owner: User, name: str) -> Organisation:
    """An organisation the member may see with this name or alias, else a new one private to the member."""
    matches = access.organisations_named(owner, name)
    if matches:
        return matches[0]
    return Organisation.objects.create(name=name.strip(), private_to=owner)


def _unit_for(owner: User, organisation: Organisation, name: str) -> Unit | None:
    """The unit of that name in the organisation.

    A new unit is created only inside the member's own private organisation: what a
    member types never becomes part of the shared reference data others see.
    """
    name = name.strip()
    if not name:
        return None
    existing = organisation.units.filter(name__iexact=name).order_by("parent_id", "id").first()
    if existing or organisation.private_to_id != owner.pk:
        return existing
    unit, _created = Unit.objects.get_or_create(organisation=organisation, parent=None, name=name)
    return unit


def _record_position(owner: User, person: Person, details: ContactDetails) -> None:
    """Make the member's own current position record for the person match the card."""
    own = Position.objects.filter(person=person, recorded_by=owner, end_date__isnull=True)
    if not details.organisation_name.strip():
        own.delete()
        return
    organisation = _organisation_for(owner, details.organisation_name)
    unit = _unit_for(owner, organisation, details.unit_name)
    fields = {"organisation": organisation, "unit": unit, "title": details.title.strip()}
    if not own.update(**fields):
        Position.objects.create(person=person, recorded_by=owner, **fields)


def _card_fields(details: ContactDetails) -> dict[str, str]:
    return {
        "full_name": details.full_name.strip(),
        "first_name": details.first_name.strip(),
        "last_name": details.last_name.strip(),
        "organisation_name": details.organisation_name.strip(),
        "unit_name": details.unit_name.strip(),
        "title": details.title.strip(),
        "email": details.email.strip(),
        "phone": details.phone.strip(),
        "notes": details.notes.strip(),
    }


def add_contact(owner: User, details: ContactDetails) -> ContactCard:
    """A new person the member knows, their card, their tie and (if given) where they work."""
    _check_contact_details(details)
    private = details.is_private
    if private is None:
        private = connector_settings(owner).contacts_private_by_default
    with transaction.atomic():
        me = member_person(owner)
        person = Person.objects.create(name=details.full_name.strip())
        _record_position(owner, person, details)
        card = ContactCard.objects.create(owner=owner, person=person, source=TieSource.MANUAL, **_card_fields(details))
        Tie.objects.create(
            owner=owner,
            person_a=me,
            person_b=person,
            strength=details.strength,
            strength_rated=True,
            how_known=details.how_known,
            since=details.since,
            is_private=private,
            source=TieSource.MANUAL,
        )
        note_graph_change([me.pk, person.pk], "contact.added")
        record_event("contact.added", actor=owner, subject=card.code)
    return card


def edit_contact(owner: User, card: ContactCard, details: ContactDetails) -> ContactCard:
    """Update the member's card, their tie and only the positions this member recorded."""
    _check_contact_details(details)
    with transaction.atomic():
        locked = ContactCard.objects.select_for_update().filter(pk=card.pk, owner=owner).first()
        if locked is None:
            raise Refused(_("This contact no longer exists."))
        for field, value in _card_fields(details).items():
            setattr(locked, field, value)
        locked.save()
        tie_fields = {
            "strength": details.strength,
            "strength_rated": True,
            "how_known": details.how_known,
            "since": details.since,
            "updated": timezone.now(),
        }
        if details.is_private is not None:
            tie_fields["is_private"] = details.is_private
        Tie.objects.filter(owner=owner, person_b_id=locked.person_id).update(**tie_fields)
        _record_position(owner, locked.person, details)
        note_graph_change([member_person(owner).pk, locked.person_id], "contact.edited")
        record_event("contact.edited", actor=owner, subject=locked.code)
    return locked


def rate_tie(owner: User, card: ContactCard, strength: int) -> None:
    """The quick 1 to 5 rating from the contacts list; it replaces an import default."""
    if strength not in Strength.values:
        raise Refused(_("Choose a strength from 1 to 5."), field="strength")
    with transaction.atomic():
        changed = Tie.objects.filter(owner=owner, person_b_id=card.person_id).update(
            strength=strength, strength_rated=True, updated=timezone.now()
        )
        if not changed:
            raise Refused(_("This contact no longer exists."))
        note_graph_change([member_person(owner).pk, card.person_id], "contact.rated")
        record_event("contact.rated", actor=owner, subject=card.code, strength=strength)


def confirm_decision_maker(owner: User, card: ContactCard, *, decides: bool) -> None:
    """The member's answer to an import's guess from a title that the contact decides on hiring.

    Only the member's own current position for the person changes: what another member
    recorded stays their word. Either answer settles the guess, so the question goes away.
    """
    with transaction.atomic():
        answered = ContactCard.objects.filter(pk=card.pk, owner=owner).update(
            decision_maker_hint=False, updated=timezone.now()
        )
        if not answered:
            raise Refused(_("This contact no longer exists."))
        positions = Position.objects.filter(person_id=card.person_id, recorded_by=owner, end_date__isnull=True)
        if positions.update(is_decision_maker=decides):
            note_graph_change([card.person_id], "contact.decision_maker_answered")
        elif decides:
            raise Refused(
                _("Add where %(name)s works first: only someone with a workplace can decide on hiring.")
                % {"name": card.full_name}
            )
        record_event("contact.decision_maker_answered", actor=owner, subject=card.code, decides=decides)


def set_contact_private(owner: User, card: ContactCard, private: bool) -> bool:
    """Keep a contact out of (or let it into) other members' paths; False when it already was so."""
    with transaction.atomic():
        changed = Tie.objects.filter(owner=owner, person_b_id=card.person_id, is_private=not private).update(
            is_private=private, updated=timezone.now()
        )
        if changed:
            note_graph_change([member_person(owner).pk, card.person_id], "contact.privacy_changed")
            record_event("contact.privacy_changed", actor=owner, subject=card.code, private=private)
    return bool(changed)


# Rows that only describe the person (identity-key digests, merge suggestions about them): they go with the person.
_PART_OF_THE_PERSON = ("network.PersonKey", "network.MergeSuggestion")


def _still_referenced(person: Person) -> bool:
    """Whether anything anywhere (any app's model) still points at the person."""
    if person.member_id is not None:
        return True
    relations = [
        field
        for field in Person._meta.get_fields(include_hidden=True)
        if isinstance(field, ForeignObjectRel)
        and (field.one_to_many or field.one_to_one)
        and cast(type[models.Model], field.related_model)._meta.label not in _PART_OF_THE_PERSON
    ]
    return any(
        cast(type[models.Model], relation.related_model)
        ._default_manager.filter(**{relation.field.name: person})
        .exists()
        for relation in relations
    )


def delete_contact(owner: User, card: ContactCard, *, note: bool = True) -> None:
    """Remove the card and the member's tie; the person goes too unless someone else still refers to them.

    With `note` False the caller (an import removing many contacts) notes the graph change itself.
    """
    with transaction.atomic():
        deleted, _rows = ContactCard.objects.filter(pk=card.pk, owner=owner).delete()
        if not deleted:
            raise Refused(_("This contact no longer exists."))
        Tie.objects.filter(owner=owner, person_b_id=card.person_id).delete()
        Position.objects.filter(person_id=card.person_id, recorded_by=owner).delete()
        person = Person.objects.select_for_update().filter(pk=card.person_id).first()
        if person is not None and not _still_referenced(person):
            person.delete()
        if note:
            note_graph_change([member_person(owner).pk, card.person_id], "contact.deleted")
        record_event("contact.deleted", actor=owner, subject=card.code)


PROFILE_FIELDS = (
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
)


def save_seeker_profile(user: User, **fields) -> SeekerProfile:
    """Create or update the member's seeker profile; creating it makes the member a job seeker."""
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"Not profile fields: {sorted(unknown)}")
    if any(region not in Region.values for region in fields.get("regions", [])):
        raise Refused(_("Choose regions from the list."), field="regions")
    with transaction.atomic():
        profile, created = SeekerProfile.objects.select_for_update().get_or_create(user=user, defaults=fields)
        if not created:
            for field, value in fields.items():
                setattr(profile, field, value)
            profile.save()
        record_event(
            "seeker.profile_created" if created else "seeker.profile_updated", actor=user, subject=profile.code
        )
    return profile


def _lock_seeker(user: User) -> None:
    """Serialise changes to one seeker's targets, even when they have none yet."""
    User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True).first()


def _renumber(targets: list[Target]) -> None:
    """Priorities 1..n in list order, without gaps."""
    changed = []
    for priority, target in enumerate(targets, start=1):
        if target.priority != priority:
            target.priority = priority
            changed.append(target)
    Target.objects.bulk_update(changed, ["priority"])


def _target_lookup(kind: str, posting, unit, organisation, job_field: str, region: str) -> dict:
    """The fields that identify a target of this kind, after checking that exactly the right one is given."""
    if kind == TargetKind.POSTING and posting is not None and unit is None and organisation is None:
        return {"kind": kind, "posting": posting}
    if kind == TargetKind.UNIT and unit is not None and posting is None and organisation is None:
        return {"kind": kind, "unit": unit}
    if kind == TargetKind.ORGANISATION and organisation is not None and posting is None and unit is None:
        return {"kind": kind, "organisation": organisation}
    if kind == TargetKind.FIELD and not (posting or unit or organisation):
        job_field = job_field.strip()
        if not job_field:
            raise Refused(_("Write the job field you are aiming at."), field="job_field")
        if len(job_field) > 100:
            raise Refused(_("Keep the job field under 100 characters."), field="job_field")
        if region and region not in Region.values:
            raise Refused(_("Choose a region from the list."), field="region")
        return {"kind": kind, "job_field__iexact": job_field, "region": region}
    raise Refused(_("Choose what kind of target this is and what it points at."), field="kind")


def add_target(
    user: User,
    kind: str,
    *,
    posting: Posting | None = None,
    unit: Unit | None = None,
    organisation: Organisation | None = None,
    job_field: str = "",
    region: str = "",
) -> Target:
    """A new target at the end of the seeker's list; a member with no profile yet becomes a seeker."""
    lookup = _target_lookup(kind, posting, unit, organisation, job_field, region)
    with transaction.atomic():
        _lock_seeker(user)
        targets = Target.objects.filter(seeker=user)
        if targets.filter(**lookup).exists():
            raise Refused(_("This is already one of your targets."))
        if targets.count() >= MAX_TARGETS:
            raise Refused(_("You can have at most %(count)d targets. Remove one first.") % {"count": MAX_TARGETS})
        if not SeekerProfile.objects.filter(user=user).exists():
            profile = SeekerProfile.objects.create(user=user)
            record_event("seeker.profile_created", actor=user, subject=profile.code)
        last = targets.aggregate(last=Max("priority"))["last"] or 0
        target = Target.objects.create(
            seeker=user,
            kind=kind,
            posting=posting,
            unit=unit,
            organisation=organisation,
            job_field=job_field.strip() if kind == TargetKind.FIELD else "",
            region=region if kind == TargetKind.FIELD else "",
            priority=last + 1,
        )
        _renumber(list(Target.objects.filter(seeker=user).order_by("priority", "created", "id")))
        record_event("target.added", actor=user, subject=target.code, target_kind=kind)
    return target


def remove_target(user: User, target: Target) -> None:
    with transaction.atomic():
        _lock_seeker(user)
        deleted, _rows = Target.objects.filter(pk=target.pk, seeker=user).delete()
        if not deleted:
            raise Refused(_("This target no longer exists."))
        _renumber(list(Target.objects.filter(seeker=user).order_by("priority", "created", "id")))
        record_event("target.removed", actor=user, subject=target.code)


def move_target(user: User, target: Target, direction: str) -> bool:
    """Swap the target with its neighbour; False when it is already first (up) or last (down)."""
    if direction not in {"up", "down"}:
        raise Refused(_("Move a target up or down."))
    with transaction.atomic():
        _lock_seeker(user)
        targets = list(Target.objects.select_for_update().filter(seeker=user).order_by("priority", "created", "id"))
        position = next((index for index, row in enumerate(targets) if row.pk == target.pk), None)
        if position is None:
            raise Refused(_("This target no longer exists."))
        other = position - 1 if direction == "up" else position + 1
        if not 0 <= other < len(targets):
            return False
        targets[position], targets[other] = targets[other], targets[position]
        _renumber(targets)
        record_event("target.moved", actor=user, subject=target.code, direction=direction)
    return True


def update_connector_settings(
    user: User,
    *,
    open_to_introductions: bool,
    monthly_limit: int,
    paused_until: datetime.date | None,
    contacts_private_by_default: bool = True,
    show_name_in_paths: bool = True,
) -> ConnectorSettings:
    """Opt in or out of helping, and how much; opting in or out is recorded as its own event."""
    if not 0 <= monthly_limit <= MAX_MONTHLY_LIMIT:
        raise Refused(
            _("Choose a monthly limit from 0 to %(max)d.") % {"max": MAX_MONTHLY_LIMIT}, field="monthly_limit"
        )
    if paused_until is not None and paused_until < timezone.localdate():
        raise Refused(_("A pause must end today or later."), field="paused_until")
    row = connector_settings(user)
    with transaction.atomic():
        was_open = ConnectorSettings.objects.select_for_update().get(pk=row.pk).open_to_introductions
        ConnectorSettings.objects.filter(pk=row.pk, open_to_introductions=was_open).update(
            open_to_introductions=open_to_introductions,
            monthly_limit=monthly_limit,
            paused_until=paused_until,
            contacts_private_by_default=contacts_private_by_default,
            show_name_in_paths=show_name_in_paths,
            updated=timezone.now(),
        )
        note_graph_change([member_person(user).pk], "connector.settings_updated")
        if was_open != open_to_introductions:
            record_event("connector.opted_in" if open_to_introductions else "connector.opted_out", actor=user)
        record_event(
            "connector.settings_updated",
            actor=user,
            monthly_limit=monthly_limit,
            paused_until=paused_until.isoformat() if paused_until else None,
            contacts_private_by_default=contacts_private_by_default,
            show_name_in_paths=show_name_in_paths,
        )
    row.refresh_from_db()
    return row


def _create_block(user: User, blocked: str, **target) -> Block:
    try:
        with transaction.atomic():
            block = Block.objects.create(owner=user, **target)
            # An organisation block: the overlay re-reads all the member's ties, so the member's person is enough.
            note_graph_change([member_person(user).pk, block.person_id], "block.added")
            record_event("block.added", actor=user, subject=block.code, blocked=blocked)
    except IntegrityError:
        raise Refused(_("You have already blocked this.")) from None
    return block


def block_organisation(user: User, organisation: Organisation) -> Block:
    """No paths through or into this organisation for the member."""
    if not access.visible_organisations(user).filter(pk=organisation.pk).exists():
        raise Refused(_("Choose an organisation from the list."), field="organisation")
    return _create_block(user, "organisation", organisation=organisation)


def block_person(user: User, card: ContactCard) -> Block:
    """No paths through or to this person; only a person from the member's own contacts."""
    if card.owner_id != user.pk:
        raise Refused(_("Choose one of your own contacts."), field="contact")
    return _create_block(user, "person", person_id=card.person_id)


def unblock(user: User, block: Block) -> None:
    with transaction.atomic():
        rows = Block.objects.select_for_update().filter(pk=block.pk, owner=user)
        blocked = rows.values_list("person_id", flat=True).first()  # as it is now: a merge may have re-pointed it
        deleted, _rows = rows.delete()
        if not deleted:
            raise Refused(_("This block no longer exists."))
        note_graph_change([member_person(user).pk, blocked], "block.removed")
        record_event("block.removed", actor=user, subject=block.code)
