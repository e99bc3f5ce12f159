"""Every model that holds a member's data is in the export, with every field: checked by introspection.

A model holds a member's data when it has a foreign key to the member (the user model) or to a person (a member's
own node, or a contact of theirs). A new model or field fails this test until its app registers it in its
`personal_data.py`, or until it is put on the reviewed lists below, with the reason it is not exported.
"""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from kaffebro.core.personal_data import Export, exports
from kaffebro.network.models import Person

# Reviewed: models holding personal data that are not exported, and why.
NOT_EXPORTED_MODELS = {
    "network.PersonKey": "one-way digests other members' imports left on a node; they say nothing readable",
}
# Reviewed: fields of exported models that are left out, and why. Every primary key is left out too (records are
# named by their codes).
NOT_EXPORTED_FIELDS = {
    "accounts.User.password": "a one-way hash: it only helps whoever reads the file to guess the password",
    "accounts.User.groups": "Django permission groups; Kaffebro uses none",
    "accounts.User.user_permissions": "Django permissions; Kaffebro grants roles by flags, which are exported",
    "accounts.Authenticator.secret": "the shared secret would let whoever reads the file make log-in codes",
    "accounts.RecoveryCode.code_hash": "one-way hashes of codes the member was shown once",
    "admin.LogEntry.object_id": "which record an operator changed: another person's record",
    "admin.LogEntry.object_repr": "the name of the record an operator changed: another person's name",
    "api.ApiToken.hash": "the digest that finds the token: whoever has it can test guesses of the secret",
    "network.MergeRecord.kept_id": "ids of the persons an operator merged: other people's records",
    "network.MergeRecord.merged_id": "ids of the persons an operator merged: other people's records",
    "network.MergeRecord.merged_name": "the name of the person an operator merged: another person's name",
    "network.MergeRecord.moved": "ids of other people's rows a merge moved",
}


def personal_models() -> list[type[models.Model]]:
    """The user model, and every model with a foreign key or one-to-one field to it or to a person."""
    user_model = get_user_model()
    holding = []
    for model in apps.get_models():
        relations = [field for field in model._meta.concrete_fields if field.is_relation]
        if model is user_model or any(field.related_model in (user_model, Person) for field in relations):
            holding.append(model)
    return holding


def all_fields(model: type[models.Model]) -> list[str]:
    fields = [field.name for field in model._meta.concrete_fields if not field.primary_key]
    return fields + [field.name for field in model._meta.many_to_many]


def gaps(registered: list[Export]) -> list[str]:
    """What the export misses: models, and fields of exported models, neither exported nor on a reviewed list."""
    covered: dict[type[models.Model], set[str]] = {}
    for export in registered:
        covered.setdefault(export.model, set()).update(name.split("__")[0] for name in export.fields)
    missing = []
    for model in personal_models():
        label = model._meta.label
        if label in NOT_EXPORTED_MODELS:
            continue
        if model not in covered:
            missing.append(label)
            continue
        missing += [
            f"{label}.{name}"
            for name in all_fields(model)
            if name not in covered[model] and f"{label}.{name}" not in NOT_EXPORTED_FIELDS
        ]
    return missing


def test_every_model_and_field_holding_a_members_data_is_exported():
    assert gaps(exports()) == []


def test_the_check_finds_a_missing_model_and_a_missing_field():
    without_cards = [export for export in exports() if export.name != "network.contact_cards"]
    assert "network.ContactCard" in gaps(without_cards)
    notes_left_out = [
        Export(export.name, export.model, export.rows, tuple(name for name in export.fields if name != "notes"))
        if export.name == "network.contact_cards"
        else export
        for export in exports()
    ]
    assert gaps(notes_left_out) == ["network.ContactCard.notes"]


def test_the_check_covers_every_app_that_holds_personal_data():
    labels = {model._meta.app_label for model in personal_models()}
    assert labels >= {"accounts", "core", "network", "meetings", "jobs", "notifications", "api"}


def test_the_reviewed_lists_name_only_what_exists():
    """A renamed or removed field must not leave a stale excuse behind."""
    for label in NOT_EXPORTED_MODELS:
        assert apps.get_model(label) in personal_models(), label
    for dotted in NOT_EXPORTED_FIELDS:
        label, name = dotted.rsplit(".", 1)
        assert name in all_fields(apps.get_model(label)), dotted


def test_every_exported_field_exists_and_every_section_is_named_once():
    names = [export.name for export in exports()]
    assert len(names) == len(set(names))
    for export in exports():
        for name in export.fields:
            model = export.model
            for part in name.split("__")[:-1]:
                model = model._meta.get_field(part).related_model
            model._meta.get_field(name.split("__")[-1])
