"""The member: account preferences and the seeker profile."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.accounts.actions import DISPLAY_NAME_MAX
from kaffebro.accounts.models import Language, User
from kaffebro.api.serializers.common import model_field
from kaffebro.network.forms import LIST_ITEM_MAX_LENGTH, MAX_LIST_ITEMS
from kaffebro.network.models import (
    EmploymentForm,
    Gender,
    Industry,
    Region,
    SectorBackground,
    SeekerProfile,
    Visibility,
)


class SeekerProfileSerializer(serializers.Serializer):
    """Having a seeker profile makes a member a job seeker; segment fields are used only in statistics."""

    code = serializers.CharField(read_only=True)
    headline = serializers.CharField(max_length=model_field(SeekerProfile, "headline").max_length, allow_blank=True)
    offer = serializers.CharField(max_length=model_field(SeekerProfile, "offer").max_length, allow_blank=True)
    competencies = serializers.ListField(
        child=serializers.CharField(max_length=LIST_ITEM_MAX_LENGTH), max_length=MAX_LIST_ITEMS
    )
    job_fields = serializers.ListField(
        child=serializers.CharField(max_length=LIST_ITEM_MAX_LENGTH), max_length=MAX_LIST_ITEMS
    )
    regions = serializers.ListField(child=serializers.ChoiceField(Region.choices), max_length=len(Region.choices))
    looking_visibility = serializers.ChoiceField(Visibility.choices)
    industry = serializers.ChoiceField(Industry.choices, allow_blank=True)
    sector_background = serializers.ChoiceField(SectorBackground.choices, allow_blank=True)
    employment_form = serializers.ChoiceField(EmploymentForm.choices, allow_blank=True)
    gender = serializers.ChoiceField(
        Gender.choices, allow_blank=True, help_text=model_field(SeekerProfile, "gender").help_text
    )
    created = serializers.DateTimeField(read_only=True)
    updated = serializers.DateTimeField(read_only=True)

    def _no_commas(self, items: list[str]) -> list[str]:
        """The web form takes these lists as comma-separated text, so an item cannot hold a comma."""
        if any("," in item for item in items):
            raise serializers.ValidationError(_("An item cannot contain a comma: give each as its own item."))
        return items

    def validate_competencies(self, items: list[str]) -> list[str]:
        return self._no_commas(items)

    def validate_job_fields(self, items: list[str]) -> list[str]:
        return self._no_commas(items)


class MemberSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    display_name = serializers.CharField(max_length=DISPLAY_NAME_MAX)
    language = serializers.ChoiceField(Language.choices, help_text=model_field(User, "language").help_text)
    time_zone = serializers.CharField(
        max_length=model_field(User, "time_zone").max_length,
        help_text=gettext_lazy("An IANA time zone, e.g. Europe/Copenhagen."),
    )
    is_coach = serializers.BooleanField(read_only=True)
    seeker_profile = SeekerProfileSerializer(read_only=True, allow_null=True)
