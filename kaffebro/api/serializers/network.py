"""Targets, contacts and organisations as the API shows them, and what it accepts to change them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.api.serializers.common import (
    OrganisationRefSerializer,
    PostingRefSerializer,
    UnitRefSerializer,
    model_field,
)
from kaffebro.network.forms import SEARCH_MAX_LENGTH
from kaffebro.network.models import (
    ContactCard,
    HowKnown,
    Industry,
    PublicLevel,
    Region,
    Sector,
    Strength,
    Target,
    TargetKind,
    TieSource,
)


class TargetSerializer(serializers.Serializer):
    """A target with the place it points at (a `PlacedTarget`): a posting, a unit, an organisation or a job field."""

    code = serializers.CharField(source="target.code")
    kind = serializers.ChoiceField(TargetKind.choices, source="target.kind")
    priority = serializers.IntegerField(source="target.priority", help_text=model_field(Target, "priority").help_text)
    organisation = OrganisationRefSerializer(allow_null=True)
    unit = UnitRefSerializer(allow_null=True)
    posting = PostingRefSerializer(source="target.posting", allow_null=True)
    job_field = serializers.CharField(source="target.job_field")
    region = serializers.ChoiceField(Region.choices, source="target.region", allow_blank=True)
    created = serializers.DateTimeField(source="target.created")


class TargetCreateSerializer(serializers.Serializer):
    """As on the profile page: the organisation by code or name, and its unit or posting by code or name."""

    kind = serializers.ChoiceField(TargetKind.choices)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=200, required=False, allow_blank=True)
    posting = serializers.CharField(max_length=200, required=False, allow_blank=True)
    job_field = serializers.CharField(
        max_length=model_field(Target, "job_field").max_length, required=False, allow_blank=True
    )
    region = serializers.ChoiceField(Region.choices, required=False, allow_blank=True)


class TargetMoveSerializer(serializers.Serializer):
    direction = serializers.ChoiceField([("up", "up"), ("down", "down")])


class TargetMovedSerializer(serializers.Serializer):
    moved = serializers.BooleanField(help_text=gettext_lazy("False when the target was already first (up) or last."))
    target = TargetSerializer()


class ContactSerializer(serializers.Serializer):
    """One of the member's own contact cards, with their tie; nobody else ever sees these fields."""

    code = serializers.CharField()
    full_name = serializers.CharField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    organisation_name = serializers.CharField()
    unit_name = serializers.CharField()
    title = serializers.CharField()
    profile_url = serializers.CharField()
    email = serializers.CharField()
    phone = serializers.CharField()
    notes = serializers.CharField()
    source = serializers.ChoiceField(TieSource.choices)
    strength = serializers.IntegerField(source="tie_strength", allow_null=True, min_value=1, max_value=5)
    strength_rated = serializers.BooleanField(source="tie_rated", allow_null=True)
    how_known = serializers.CharField(source="tie_how_known", allow_null=True)
    since = serializers.DateField(source="tie_since", allow_null=True)
    is_private = serializers.BooleanField(source="tie_private", allow_null=True)
    decides_on_hiring = serializers.BooleanField(
        allow_null=True, help_text=gettext_lazy("What you recorded; null when you have not said where they work.")
    )
    decision_maker_hint = serializers.BooleanField(help_text=model_field(ContactCard, "decision_maker_hint").help_text)
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()


def _length(model, name: str) -> int | None:
    return model_field(model, name).max_length


def _card_text(name: str) -> serializers.CharField:
    """An optional text field of the contact card, as long as the card keeps it."""
    return serializers.CharField(max_length=_length(ContactCard, name), required=False, allow_blank=True)


class ContactWriteSerializer(serializers.Serializer):
    """A contact as the contact form takes it; the same form checks the rules (a name, a date not in the future…)."""

    full_name = _card_text("full_name")
    first_name = _card_text("first_name")
    last_name = _card_text("last_name")
    organisation_name = _card_text("organisation_name")
    unit_name = _card_text("unit_name")
    title = _card_text("title")
    how_known = serializers.ChoiceField(HowKnown.choices, required=False, allow_blank=True)
    since = serializers.DateField(required=False, allow_null=True)
    strength = serializers.ChoiceField(Strength.choices, required=False, default=Strength.KNOW_WELL)
    is_private = serializers.BooleanField(
        required=False, allow_null=True, help_text=gettext_lazy("Omitted: your connector setting decides.")
    )
    email = serializers.EmailField(
        max_length=model_field(ContactCard, "email").max_length, required=False, allow_blank=True
    )
    phone = _card_text("phone")
    notes = _card_text("notes")


class ContactFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Words in the name, organisation or title."),
    )
    organisation = serializers.CharField(
        max_length=16,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("The code of an organisation where the contact works now."),
    )


class OrganisationFilterSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy("Words in the name or another name."),
    )
    sector = serializers.ChoiceField(Sector.choices, required=False, allow_blank=True)
    industry = serializers.ChoiceField(Industry.choices, required=False, allow_blank=True)
    region = serializers.ChoiceField(Region.choices, required=False, allow_blank=True)


class OrganisationSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    aliases = serializers.ListField(child=serializers.CharField())
    sector = serializers.ChoiceField(Sector.choices)
    public_level = serializers.ChoiceField(PublicLevel.choices, allow_blank=True)
    industry = serializers.ChoiceField(Industry.choices)
    region = serializers.ChoiceField(Region.choices, allow_blank=True)
    website = serializers.CharField()
    verified = serializers.BooleanField()
    first_degree = serializers.IntegerField(
        help_text=gettext_lazy("How many of your own contacts work there now."), min_value=0
    )


class UnitSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    parent = serializers.CharField(allow_null=True, help_text=gettext_lazy("The code of the unit it is part of."))


class PostingSerializer(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()
    unit = serializers.CharField(allow_null=True, help_text=gettext_lazy("The code of its unit."))
    deadline = serializers.DateField(allow_null=True)
    is_public = serializers.BooleanField()
    url = serializers.CharField()


class ContactHereSerializer(serializers.Serializer):
    code = serializers.CharField()
    full_name = serializers.CharField()
    title = serializers.CharField()


class OrganisationDetailSerializer(OrganisationSerializer):
    units = UnitSerializer(many=True)
    postings = PostingSerializer(many=True, help_text=gettext_lazy("Open postings: no deadline, or not passed."))
    contacts_here = ContactHereSerializer(
        many=True, help_text=gettext_lazy("Some of your own contacts who work there now.")
    )
    blocked = serializers.BooleanField(help_text=gettext_lazy("You blocked paths through or into it."))
