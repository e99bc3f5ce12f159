"""Merging duplicate persons and organisations into one, and undoing a merge.

Imports and operators find duplicates. A merge makes every row that refers to the
duplicate refer to the kept one instead. Those rows are found through the model's
relations rather than a list written here, so a later app's model that points at a
person or an organisation is merged without changing this module. A row that would
then duplicate another (two ties from one owner to the same person) is folded into
that other row, and a row that would link the kept one to itself is removed.
Everything a merge changed or removed is kept in its `MergeRecord`, serialised with
ids and codes, so undoing it restores exactly what was there.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any, TypeVar, cast

from django.apps import apps
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, models, router, transaction
from django.db.models import F, ForeignObjectRel, Q
from django.db.models.deletion import Collector
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.network.actions import Refused
from kaffebro.network.changes import member_person_ids, note_graph_change
from kaffebro.network.models import (
    Block,
    ContactCard,
    MergeKind,
    MergeRecord,
    Organisation,
    Person,
    Position,
    Tie,
    Unit,
)

MAX_ALIAS_LENGTH = 200
MAX_REASON_LENGTH = 300

M = TypeVar("M", bound=models.Model)

# One row per owner and person although no database constraint says so: a member has one
# address-book entry per person, so after a merge the kept person's card is the one that stays.
ONE_PER: dict[type[models.Model], list[tuple[str, ...]]] = {ContactCard: [("owner", "person")]}


class _ExactEncoder(DjangoJSONEncoder):
    """Keeps the microseconds Django's encoder cuts off, so an un-merge restores timestamps exactly."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class _CollectEverything(Collector):
    """Collects every row a delete would take along as an instance, so each can be kept before it goes."""

    def can_fast_delete(self, *args: Any, **kwargs: Any) -> bool:
        return False


@dataclass
class _Changes:
    """What one merge changed, in order: the record of it, and the recipe for undoing it."""

    repointed: list[dict[str, Any]] = field(default_factory=list)
    deleted: list[dict[str, Any]] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)

    def repoint(self, fk: models.ForeignKey, ids: list[int], old: Any, new: Any) -> None:
        """Point the rows `ids` through `fk` at `new` and note that they pointed at `old`."""
        if not ids:
            return
        fk.model._base_manager.filter(pk__in=ids).update(**{fk.attname: new})
        self.repointed.append({"field": f"{fk.model._meta.label}.{fk.name}", "from": old, "to": new, "ids": ids})

    def remove(self, instances: list[models.Model]) -> None:
        """Delete rows, keeping them and whatever their delete takes along or empties, for undo."""
        if not instances:
            return
        collector = _CollectEverything(using=router.db_for_write(type(instances[0])))
        collector.collect(instances)
        for (emptied, value), batches in collector.field_updates.items():
            for batch in batches:
                self._note_emptied(cast(models.ForeignKey, emptied), value, [row.pk for row in cast(Any, batch)])
        for model, collected in collector.data.items():
            fresh = model._base_manager.filter(pk__in=[row.pk for row in collected]).order_by("pk")
            self.deleted.extend(json.loads(serializers.serialize("json", fresh, cls=_ExactEncoder)))
        collector.delete()

    def _note_emptied(self, fk: models.ForeignKey, value: Any, ids: list[int]) -> None:
        """A delete will set `fk` of these rows to `value` (SET_NULL and the like): note what each held."""
        before: dict[Any, list[int]] = {}
        for pk, old in fk.model._base_manager.filter(pk__in=ids).values_list("pk", fk.attname):
            before.setdefault(old, []).append(pk)
        for old, pks in before.items():
            self.repointed.append({"field": f"{fk.model._meta.label}.{fk.name}", "from": old, "to": value, "ids": pks})

    def as_json(self) -> dict[str, Any]:
        return {"repointed": self.repointed, "deleted": self.deleted, "aliases": self.aliases}


# The rows whose persons a path engine must re-read when a merge or an undo moves, removes or restores them:
# for each model, the fields naming a person, and the fields naming a member (whose own person is meant).
_GRAPH_ROWS: dict[type[models.Model], tuple[tuple[str, ...], tuple[str, ...]]] = {
    Tie: (("person_a", "person_b"), ()),
    Position: (("person",), ()),
    Block: (("person",), ("owner",)),
}


def _graph_persons(record: MergeRecord) -> set[int]:
    """Every person whose ties, positions or blocks the merge (or its undo) changed, as the rows are now.

    Re-pointed rows are read again (the persons they point at now; a person merge adds the
    kept and the merged person, the other end of each moved row); removed rows from the record.
    """
    persons: set[Any] = {record.kept_id, record.merged_id} if record.kind == MergeKind.PERSON else set()
    members: set[Any] = set()
    labels = {model._meta.label: model for model in _GRAPH_ROWS}
    for step in record.moved.get("repointed", []):
        model = labels.get(step["field"].rpartition(".")[0])
        if model is None:
            continue
        person_fields, member_fields = _GRAPH_ROWS[model]
        attnames = [f"{name}_id" for name in (*person_fields, *member_fields)]
        for row in model._base_manager.filter(pk__in=step["ids"]).values_list(*attnames):
            persons.update(row[: len(person_fields)])
            members.update(row[len(person_fields) :])
    lowered = {model._meta.label_lower: model for model in _GRAPH_ROWS}
    for item in record.moved.get("deleted", []):
        model = lowered.get(item["model"])
        if model is None:
            continue
        person_fields, member_fields = _GRAPH_ROWS[model]
        persons.update(item["fields"].get(name) for name in person_fields)
        members.update(item["fields"].get(name) for name in member_fields)
    return {pk for pk in persons if pk is not None} | set(member_person_ids(members))


def _relations(model: type[models.Model]) -> list[models.ForeignKey]:
    """Every foreign key and one-to-one field, in any installed app, that points at `model`."""
    return [
        cast(models.ForeignKey, relation.field)
        for relation in model._meta.get_fields(include_hidden=True)
        if isinstance(relation, ForeignObjectRel) and (relation.one_to_many or relation.one_to_one)
    ]


def _unique_sets(model: type[models.Model]) -> list[tuple[str, ...]]:
    """The sets of fields whose values no two rows of `model` may share."""
    meta = model._meta
    sets = [tuple(meta.get_field(name).name for name in names) for names in meta.unique_together]
    for constraint in meta.constraints:
        if not isinstance(constraint, models.UniqueConstraint) or constraint.condition is not None:
            continue
        names = [*constraint.fields, *(e.name for e in constraint.expressions if isinstance(e, F))]
        if len(names) == len(constraint.fields) + len(constraint.expressions):
            sets.append(tuple(meta.get_field(name).name for name in names))
    sets += [(f.name,) for f in meta.concrete_fields if f.unique and not f.primary_key]
    return sets + ONE_PER.get(model, [])


def _twin(row: models.Model, fk: models.ForeignKey, new: Any) -> models.Model | None:
    """The row `row` would duplicate once `fk` held `new`, if any."""
    model = type(row)
    for names in _unique_sets(model):
        if fk.name not in names:
            continue
        attnames = [cast(models.Field, model._meta.get_field(name)).attname for name in names if name != fk.name]
        values = {attname: getattr(row, attname) for attname in attnames}
        if None in values.values():
            continue  # NULLs never clash
        twin = model._base_manager.filter(**values, **{fk.attname: new}).exclude(pk=row.pk).order_by("pk").first()
        if twin is not None:
            return twin
    return None


def _value(fk: models.ForeignKey, row: models.Model) -> Any:
    """What `fk` holds when it points at `row` (its primary key, unless the key names another field)."""
    return getattr(row, fk.target_field.attname)


def _linking(fk: models.ForeignKey, survivor: models.Model) -> Q | None:
    """Rows that already point at `survivor` through another field; after the merge they would link it to itself."""
    others = [
        cast(models.ForeignKey, other)
        for other in fk.model._meta.concrete_fields
        if other.is_relation and other.related_model is fk.related_model and other.name != fk.name
    ]
    condition = Q()
    for other in others:
        condition |= Q(**{other.attname: _value(other, survivor)})
    return condition if others else None


def _repoint(fk: models.ForeignKey, duplicate: models.Model, survivor: models.Model, changes: _Changes) -> None:
    """Make the rows that point at `duplicate` through `fk` point at `survivor`, removing or folding clashes first."""
    old, new = _value(fk, duplicate), _value(fk, survivor)
    pointing = fk.model._base_manager.select_for_update().filter(**{fk.attname: old}).order_by("pk")
    linking = _linking(fk, survivor)
    if linking is not None:
        changes.remove(list(pointing.filter(linking)))
    if any(fk.name in names for names in _unique_sets(fk.model)):
        for row in list(pointing):
            twin = _twin(row, fk, new)
            if twin is not None:
                _fold(row, twin, changes)
    changes.repoint(fk, list(pointing.values_list("pk", flat=True)), old, new)


def _fold(duplicate: models.Model, survivor: models.Model, changes: _Changes) -> None:
    """Make every row that refers to `duplicate` refer to `survivor`, then remove `duplicate`."""
    for fk in _relations(type(duplicate)):
        _repoint(fk, duplicate, survivor, changes)
    changes.remove([duplicate])


def _lock_pair(model: type[M], kept: M, merged: M, missing: str) -> tuple[M, M]:
    """Both rows, locked in id order (so two merges cannot deadlock) and fresh; refused when one is gone."""
    locked = model._base_manager.select_for_update().filter(pk__in=[kept.pk, merged.pk]).order_by("pk")
    rows = {row.pk: row for row in locked}
    if len(rows) < 2:
        raise Refused(missing)
    return rows[kept.pk], rows[merged.pk]


def _merge(actor: User, kind: str, kept: Any, merged: Any, reason: str, changes: _Changes) -> MergeRecord:
    """Fold `merged` into `kept` and record what that changed."""
    merged_pk = merged.pk  # the delete clears it
    try:
        _fold(merged, kept, changes)
    except (models.ProtectedError, models.RestrictedError):
        raise Refused(_("These two cannot be merged: a row that would be removed is still needed elsewhere.")) from None
    return MergeRecord.objects.create(
        kind=kind,
        kept_id=kept.pk,
        merged_id=merged_pk,
        merged_name=merged.name,
        reason=reason.strip()[:MAX_REASON_LENGTH],
        moved=changes.as_json(),
        actor=actor,
    )


def _known_to_others(actor: User, person: Person) -> bool:
    return (
        ContactCard.objects.filter(person=person).exclude(owner=actor).exists()
        or Tie.objects.filter(person_b=person).exclude(owner=actor).exists()
    )


def may_merge_persons(actor: User, kept: Person, merged: Person) -> bool:
    """Operators may merge any two persons. A member may merge two of their own contacts.

    The merged person must not be in anyone else's address book: merging it would change
    that member's network on another member's word, which only an operator decides.
    """
    if actor.is_staff:
        return True
    own = ContactCard.objects.filter(owner=actor)
    both_own = own.filter(person=kept).exists() and own.filter(person=merged).exists()
    return both_own and not _known_to_others(actor, merged)


def persons_in_merge_order(first: Person, second: Person) -> tuple[Person, Person]:
    """Which person to keep and which to merge into it: a member's own person, else the one created first."""
    kept, merged = sorted([first, second], key=lambda person: (person.member_id is None, person.created, person.pk))
    return kept, merged


def organisations_in_merge_order(first: Organisation, second: Organisation) -> tuple[Organisation, Organisation]:
    """Which organisation to keep: shared reference data before a member's private one, else the older one."""
    kept, merged = sorted([first, second], key=lambda org: (org.private_to_id is not None, org.created, org.pk))
    return kept, merged


def _check_persons(actor: User, kept: Person, merged: Person) -> None:
    if kept.suppressed or merged.suppressed:
        raise Refused(_("A person who objected is never merged."))
    if merged.member_id is not None and kept.member_id is not None:
        raise Refused(_("Two members are never merged: each member is a person of their own."))
    if merged.member_id is not None:
        raise Refused(_("A member's own person is never merged into another; keep the member's person instead."))
    if not may_merge_persons(actor, kept, merged):
        raise Refused(_("Only an operator can merge these two persons."))


def merge_persons(actor: User, kept: Person, merged: Person, *, reason: str) -> MergeRecord:
    """Make `merged` part of `kept`: everything that referred to `merged` refers to `kept`, then `merged` goes.

    Where both persons have a row of the same kind for one owner (a contact card, a tie,
    a block), the kept person's row stays and the merged person's row is removed.
    """
    if kept.pk == merged.pk:
        raise Refused(_("Choose two different persons."))
    with transaction.atomic():
        kept, merged = _lock_pair(
            Person, kept, merged, _("One of the two persons no longer exists; perhaps they were merged already.")
        )
        _check_persons(actor, kept, merged)
        record = _merge(actor, MergeKind.PERSON, kept, merged, reason, _Changes())
        note_graph_change(_graph_persons(record), "person.merged")
        record_event("person.merged", actor=actor, subject=record.code, kept=kept.code, merged=merged.code)
    return record


def _check_organisations(kept: Organisation, merged: Organisation) -> None:
    if kept.private_to_id is not None and merged.private_to_id not in (None, kept.private_to_id):
        raise Refused(_("Two organisations that different members typed in privately are never merged."))
    if kept.private_to_id is not None and merged.private_to_id is None:
        raise Refused(_("Shared reference data is never merged into an organisation a member typed in privately."))


def _top_down(organisation: Organisation) -> list[int]:
    """The organisation's units, each after its parent, so a parent is folded before its children."""
    parents = dict(Unit.objects.filter(organisation=organisation).values_list("pk", "parent_id"))

    def depth(pk: int) -> int:
        parent = parents.get(pk)
        return 0 if parent is None or parent not in parents else 1 + depth(parent)

    return sorted(parents, key=lambda pk: (depth(pk), pk))


def _twin_unit(kept_units: list[Unit], unit: Unit) -> Unit | None:
    """The kept organisation's unit with the same name in any case, preferring one under the same parent."""
    same_name = [kept for kept in kept_units if kept.name.casefold() == unit.name.casefold()]
    same_parent = [kept for kept in same_name if kept.parent_id == unit.parent_id]
    return next(iter(same_parent or same_name), None)


def _fold_units(kept: Organisation, merged: Organisation, changes: _Changes) -> None:
    """Units of the merged organisation that the kept one already has become those units; the rest move over later."""
    kept_units = list(Unit.objects.filter(organisation=kept).order_by(F("parent_id").asc(nulls_first=True), "pk"))
    for pk in _top_down(merged):
        unit = Unit.objects.select_for_update().filter(pk=pk, organisation=merged).first()
        if unit is None:
            continue  # folded already, as the child of a folded unit that clashed
        twin = _twin_unit(kept_units, unit)
        if twin is not None:
            _fold(unit, twin, changes)


def _add_aliases(kept: Organisation, names: list[str]) -> list[str]:
    """Add the names the kept organisation does not yet answer to (ignoring case); the ones added."""
    known = {kept.name.casefold(), *(str(alias).casefold() for alias in kept.aliases)}
    added = []
    for name in (str(name).strip() for name in names):
        if name and name.casefold() not in known:
            known.add(name.casefold())
            added.append(name)
    if added:
        Organisation.objects.filter(pk=kept.pk).update(aliases=[*kept.aliases, *added])
    return added


def merge_organisations(actor: User, kept: Organisation, merged: Organisation, *, reason: str) -> MergeRecord:
    """Make `merged` part of `kept`: its units, positions, postings, targets and blocks move; its names become aliases.

    Only operators merge organisations: they are shared reference data. A unit the kept
    organisation already has (same name, any case) absorbs the merged organisation's one.
    """
    if not actor.is_staff:
        raise Refused(_("Only an operator can merge organisations."))
    if kept.pk == merged.pk:
        raise Refused(_("Choose two different organisations."))
    with transaction.atomic():
        kept, merged = _lock_pair(
            Organisation,
            kept,
            merged,
            _("One of the two organisations no longer exists; perhaps they were merged already."),
        )
        _check_organisations(kept, merged)
        changes = _Changes()
        _fold_units(kept, merged, changes)
        changes.aliases = _add_aliases(kept, [merged.name, *merged.aliases])
        record = _merge(actor, MergeKind.ORGANISATION, kept, merged, reason, changes)
        note_graph_change(_graph_persons(record), "organisation.merged")
        record_event("organisation.merged", actor=actor, subject=record.code, kept=kept.code, merged=merged.code)
    return record


def _references_exist(row: models.Model) -> bool:
    for fk in row._meta.concrete_fields:
        value = getattr(row, fk.attname)
        if fk.is_relation and value is not None:
            target = cast(type[models.Model], fk.related_model)
            target_attname = cast(models.ForeignKey, fk).target_field.attname
            if not target._base_manager.filter(**{target_attname: value}).exists():
                return False
    return True


def _restore(serialised: list[dict[str, Any]]) -> set[tuple[str, Any]]:
    """Recreate removed rows with their ids, each once what it refers to exists; the (model, pk) restored.

    A row whose references were deleted since the merge stays removed.
    """
    pending = list(serializers.deserialize("json", json.dumps(serialised), ignorenonexistent=True))
    restored: set[tuple[str, Any]] = set()
    while pending:
        ready = [item for item in pending if _references_exist(item.object)]
        if not ready:
            break
        for item in ready:
            item.save()
            restored.add((item.object._meta.label_lower, item.object.pk))
        pending = [item for item in pending if (item.object._meta.label_lower, item.object.pk) not in restored]
    return restored


def _revert(step: dict[str, Any]) -> None:
    """Point re-pointed rows back, unless they point elsewhere since or what they pointed at could not come back."""
    label, _dot, name = step["field"].rpartition(".")
    model = apps.get_model(label)
    fk = cast(models.ForeignKey, model._meta.get_field(name))
    target = cast(type[models.Model], fk.related_model)
    if step["from"] is not None and not target._base_manager.filter(**{fk.target_field.attname: step["from"]}).exists():
        return
    model._base_manager.filter(pk__in=step["ids"], **{fk.attname: step["to"]}).update(**{fk.attname: step["from"]})


def _remove_aliases(record: MergeRecord) -> None:
    added = {str(alias).casefold() for alias in record.moved.get("aliases", [])}
    if not added:
        return
    kept = Organisation.objects.select_for_update().get(pk=record.kept_id)
    remaining = [alias for alias in kept.aliases if str(alias).casefold() not in added]
    Organisation.objects.filter(pk=kept.pk).update(aliases=remaining)


def _may_undo(actor: User, record: MergeRecord) -> bool:
    """Operators undo any merge; a member only a merge of persons they made themselves."""
    return actor.is_staff or (record.kind == MergeKind.PERSON and record.actor_id == actor.pk)


def _undo(record: MergeRecord) -> None:
    model: type[models.Model] = Person if record.kind == MergeKind.PERSON else Organisation
    if not MergeRecord.objects.filter(pk=record.pk, undone__isnull=True).update(undone=timezone.now()):
        raise Refused(_("This merge has already been undone."))
    if not model._base_manager.select_for_update().filter(pk=record.kept_id).exists():
        raise Refused(_("The one that was kept no longer exists; undo the later merge into it first."))
    restored = _restore(record.moved.get("deleted", []))
    if (model._meta.label_lower, record.merged_id) not in restored:
        raise Refused(_("This merge can no longer be undone: what it merged referred to something deleted since."))
    for step in reversed(record.moved.get("repointed", [])):
        _revert(step)
    _remove_aliases(record)
    note_graph_change(_graph_persons(record), "merge.undone")


def undo_merge(actor: User, record: MergeRecord) -> None:
    """Bring the merged person or organisation back with its id and code, and everything that was its own.

    Runs once (a conditional update marks the record undone) and entirely or not at all.
    """
    if not _may_undo(actor, record):
        raise Refused(_("Only an operator can undo this merge."))
    try:
        with transaction.atomic():
            _undo(record)
            record_event("merge.undone", actor=actor, subject=record.code, merge_kind=record.kind)
    except IntegrityError:
        raise Refused(_("This merge can no longer be undone: the data has changed too much since.")) from None
    record.refresh_from_db(fields=["undone"])


def _organisation_named(folded: str, *, other_than: Organisation) -> Organisation | None:
    """Another organisation whose name or alias is `folded`, ignoring case in every alphabet (not just ASCII)."""
    rows = Organisation.objects.exclude(pk=other_than.pk).values_list("pk", "name", "aliases").order_by("pk")
    for pk, name, aliases in rows.iterator(chunk_size=2000):
        if folded in {name.casefold(), *(str(alias).casefold() for alias in aliases or [])}:
            return Organisation.objects.get(pk=pk)
    return None


def check_alias(organisation: Organisation, alias: str) -> str:
    """The alias, tidied, if the organisation may take it; refused when it is empty, too long or already taken."""
    alias = alias.strip()
    if not alias:
        raise Refused(_("Write the other name."), field="alias")
    if len(alias) > MAX_ALIAS_LENGTH:
        raise Refused(_("Another name can have at most %(max)d characters.") % {"max": MAX_ALIAS_LENGTH}, field="alias")
    folded = alias.casefold()
    if folded in {organisation.name.casefold(), *(str(a).casefold() for a in organisation.aliases)}:
        raise Refused(_("“%(alias)s” is already a name of this organisation.") % {"alias": alias}, field="alias")
    other = _organisation_named(folded, other_than=organisation)
    if other is not None:
        raise Refused(
            _("“%(alias)s” is already a name of %(organisation)s; merge the two organisations instead.")
            % {"alias": alias, "organisation": other.name},
            field="alias",
        )
    return alias


def add_organisation_alias(actor: User, organisation: Organisation, alias: str) -> None:
    """Let search and import find the organisation by another name ("Region H" for "Region Hovedstaden")."""
    if not actor.is_staff:
        raise Refused(_("Only an operator can add names to an organisation."))
    with transaction.atomic():
        locked = Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
        if locked is None:
            raise Refused(_("This organisation no longer exists."))
        alias = check_alias(locked, alias)
        Organisation.objects.filter(pk=locked.pk).update(aliases=[*locked.aliases, alias])
        record_event("organisation.alias_added", actor=actor, subject=locked.code)
    organisation.aliases = [*locked.aliases, alias]
