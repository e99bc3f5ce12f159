"""Operator screens for the shared reference data.

Operators maintain organisations, units and postings. They see persons only as
names with counts: no field of any member's contact card is shown here.
"""

from collections.abc import Mapping
from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from kaffebro.network.models import Organisation, Person, Posting, Unit

# Web addresses typed without a scheme are taken as https, the only scheme Django 6 will assume.
HTTPS_URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {models.URLField: {"assume_scheme": "https"}}


class UnitInline(admin.TabularInline):
    model = Unit
    fk_name = "organisation"
    fields = ("name", "parent")
    extra = 0
    show_change_link = False

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        """A unit's parent is chosen among the units of the same organisation."""
        if db_field.name == "parent":
            organisation_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Unit.objects.filter(organisation_id=organisation_id) if organisation_id else Unit.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "sector", "public_level", "industry", "region", "cvr", "is_reference_data")
    list_filter = ("sector", "public_level", "industry", "region", ("private_to", admin.EmptyFieldListFilter))
    search_fields = ("name", "cvr")
    readonly_fields = ("code", "created")
    exclude = ("private_to",)
    inlines = [UnitInline]
    formfield_overrides = HTTPS_URL_FIELDS

    @admin.display(boolean=True, description=_("shared reference data"))
    def is_reference_data(self, organisation: Organisation) -> bool:
        return organisation.private_to_id is None


@admin.register(Posting)
class PostingAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "unit", "deadline")
    list_filter = ("deadline",)
    search_fields = ("title", "organisation__name")
    list_select_related = ("organisation", "unit")
    raw_id_fields = ("organisation", "unit", "decision_maker")
    readonly_fields = ("code", "created")
    formfield_overrides = HTTPS_URL_FIELDS


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    """Names and counts only; what members wrote on their contact cards stays with them."""

    list_display = ("name", "is_member", "suppressed", "contact_card_count", "position_count")
    list_filter = ("suppressed",)
    search_fields = ("name",)
    fields = ("code", "name", "suppressed", "created")
    readonly_fields = ("code", "created")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                card_count=Count("contact_cards", distinct=True), positions_count=Count("positions", distinct=True)
            )
        )

    @admin.display(boolean=True, description=_("member"))
    def is_member(self, person: Person) -> bool:
        return person.member_id is not None

    @admin.display(description=_("in address books"), ordering="card_count")
    def contact_card_count(self, person: Person) -> int:
        return getattr(person, "card_count", 0)

    @admin.display(description=_("positions"), ordering="positions_count")
    def position_count(self, person: Person) -> int:
        return getattr(person, "positions_count", 0)

    def has_add_permission(self, request) -> bool:
        return False
