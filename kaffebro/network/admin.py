"""Operator screens for the shared reference data.

Operators maintain organisations, units and postings, merge duplicate persons and
organisations, undo merges and decide merge suggestions across members. They see
persons only as names with counts: no field of any member's contact card is shown
here, not even the copies a merge keeps for undoing it. Every merge, un-merge and
alias goes through the checked, logged actions in `importing.merges`. Edits and deletes
that can alter a warm path note the persons concerned for the path engine, in the
admin's transaction.
"""

from collections.abc import Callable, Mapping
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from kaffebro.network.actions import Refused
from kaffebro.network.changes import member_person_ids, note_graph_change, with_tie_partners
from kaffebro.network.importing import merges
from kaffebro.network.importing.actions import decide_suggestion
from kaffebro.network.models import (
    Block,
    MergeRecord,
    MergeSuggestion,
    Organisation,
    Person,
    Position,
    Posting,
    Unit,
)

# Web addresses typed without a scheme are taken as https, the only scheme Django 6 will assume.
HTTPS_URL_FIELDS: Mapping[type[models.Field], Mapping[str, Any]] = {models.URLField: {"assume_scheme": "https"}}

# The reason a merge made in the admin records: an operator decided.
OPERATOR_REASON = "operator"


def _is_operator(request) -> bool:
    return request.user.is_active and request.user.is_staff


# Organisation fields a target set reads (region and industry for job-field targets).
ORGANISATION_PATH_FIELDS = {"region", "industry"}


def _working_at(organisation_ids: list[int]) -> set[int]:
    """Persons with a current position at these organisations."""
    positions = Position.objects.filter(organisation_id__in=organisation_ids, end_date__isnull=True)
    return set(positions.values_list("person_id", flat=True))


def _blocking(**blocked) -> list[int]:
    """The own persons of the members who blocked these persons or organisations."""
    return member_person_ids(Block.objects.filter(**blocked).values_list("owner_id", flat=True))


def _merge_two(model_admin: admin.ModelAdmin, request, queryset: QuerySet, in_order: Callable, merge: Callable) -> None:
    """Merge the two selected rows, `in_order` choosing the one to keep; a bad selection gets a message."""
    rows = list(queryset[:3])
    if len(rows) != 2:
        model_admin.message_user(request, _("Select exactly two to merge."), messages.ERROR)
        return
    kept, merged = in_order(*rows)
    try:
        merge(request.user, kept, merged, reason=OPERATOR_REASON)
    except Refused as refused:
        model_admin.message_user(request, refused.message, messages.ERROR)
        return
    message = _("“%(merged)s” was merged into “%(kept)s”. Merges can be undone from the list of merges.") % {
        "merged": merged.name,
        "kept": kept.name,
    }
    model_admin.message_user(request, message, messages.SUCCESS)


class OrganisationForm(forms.ModelForm):
    """The admin builds the organisation's fields (with its URL field overrides); this adds one for a new alias."""

    add_alias = forms.CharField(
        label=_("add another name"),
        required=False,
        help_text=_("An abbreviation or former name, such as “Region H”; not a name of another organisation."),
    )

    def clean_add_alias(self) -> str:
        """Check the new name against the saved organisation, so the form shows why it is refused."""
        alias = self.cleaned_data["add_alias"].strip()
        if alias and self.instance.pk:
            try:
                merges.check_alias(self.instance, alias)
            except Refused as refused:
                raise ValidationError(refused.message) from None
        return alias


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


class NotesDeletions(admin.ModelAdmin):
    """Deleting here removes ties, positions or blocks: note who is affected, in the deleting transaction.

    Subclasses say who that is in `_note_deleting(ids)`.
    """

    _note_deleting: Callable[[list[int]], None]

    def delete_model(self, request, obj) -> None:
        with transaction.atomic():
            self._note_deleting([obj.pk])
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset) -> None:
        with transaction.atomic():
            self._note_deleting(list(queryset.values_list("pk", flat=True)))
            super().delete_queryset(request, queryset)


@admin.register(Organisation)
class OrganisationAdmin(NotesDeletions):
    list_display = ("name", "sector", "public_level", "industry", "region", "cvr", "is_reference_data")
    list_filter = ("sector", "public_level", "industry", "region", ("private_to", admin.EmptyFieldListFilter))
    search_fields = ("name", "cvr")
    readonly_fields = ("code", "created")
    exclude = ("private_to",)
    form = OrganisationForm
    inlines = [UnitInline]
    formfield_overrides = HTTPS_URL_FIELDS
    actions = ["merge_selected"]

    @admin.display(boolean=True, description=_("shared reference data"))
    def is_reference_data(self, organisation: Organisation) -> bool:
        return organisation.private_to_id is None

    def save_model(self, request, obj, form, change) -> None:
        """Save the form, then add the new name through the checked and logged action."""
        super().save_model(request, obj, form, change)
        alias = form.cleaned_data.get("add_alias")
        if alias:
            try:
                merges.add_organisation_alias(request.user, obj, alias)
            except Refused as refused:
                self.message_user(request, refused.message, messages.ERROR)

    def save_related(self, request, form, formsets, change) -> None:
        """A changed region, industry or unit changes the target sets the organisation's people are in."""
        super().save_related(request, form, formsets, change)
        changed_units = any(formset.has_changed() for formset in formsets)
        if change and (changed_units or ORGANISATION_PATH_FIELDS.intersection(form.changed_data)):
            note_graph_change(_working_at([form.instance.pk]), "admin.organisation_changed")

    @staticmethod
    def _note_deleting(organisation_ids: list[int]) -> None:
        """The positions and the blocks of the organisations go with them."""
        persons = _working_at(organisation_ids) | set(_blocking(organisation_id__in=organisation_ids))
        note_graph_change(persons, "admin.organisation_deleted")

    def has_merge_permission(self, request) -> bool:
        return _is_operator(request) and self.has_change_permission(request)

    @admin.action(description=_("Merge selected organisations"), permissions=["merge"])
    def merge_selected(self, request, queryset) -> None:
        """The shared (or else the older) organisation is kept; the other's names become its aliases."""
        _merge_two(self, request, queryset, merges.organisations_in_merge_order, merges.merge_organisations)


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
class PersonAdmin(NotesDeletions):
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

    actions = ["merge_selected"]

    def has_add_permission(self, request) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        """Suppressing (or restoring) a person changes every path through them; so does renaming a member."""
        super().save_model(request, obj, form, change)
        if "suppressed" in form.changed_data:
            note_graph_change(with_tie_partners([obj.pk]), "admin.person_suppressed")
        elif "name" in form.changed_data and obj.member_id is not None:
            note_graph_change([obj.pk], "admin.person_renamed")

    @staticmethod
    def _note_deleting(person_ids: list[int]) -> None:
        """The persons' ties, positions and the blocks of them go with them: note both ends, before they go."""
        persons = with_tie_partners(person_ids) | set(_blocking(person_id__in=person_ids))
        note_graph_change(persons, "admin.person_deleted")

    def has_merge_permission(self, request) -> bool:
        return _is_operator(request) and self.has_change_permission(request)

    @admin.action(description=_("Merge selected persons"), permissions=["merge"])
    def merge_selected(self, request, queryset) -> None:
        """A member's own person (or else the older one) is kept."""
        _merge_two(self, request, queryset, merges.persons_in_merge_order, merges.merge_persons)


class OperatorReadOnlyAdmin(admin.ModelAdmin):
    """Operators (active staff, no per-model permissions needed) look; rows change only through the actions."""

    def has_module_permission(self, request) -> bool:
        return _is_operator(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_operator(request)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(MergeRecord)
class MergeRecordAdmin(OperatorReadOnlyAdmin):
    """Merges and un-merges. What a merge moved stays hidden: it holds copies of members' contact cards."""

    list_display = ("code", "kind", "merged_name", "kept_id", "reason", "actor", "created", "undone")
    list_filter = ("kind", ("undone", admin.EmptyFieldListFilter))
    list_select_related = ("actor",)
    search_fields = ("code", "merged_name")
    fields = ("code", "kind", "kept_id", "merged_id", "merged_name", "reason", "actor", "created", "undone")
    readonly_fields = fields
    actions = ["undo"]

    @admin.action(description=_("Undo merge"), permissions=["view"])
    def undo(self, request, queryset) -> None:
        """Newest first, so a merge into a row that was itself merged later is undone after that later merge."""
        undone = 0
        for record in queryset.order_by("-created", "-pk"):
            try:
                merges.undo_merge(request.user, record)
            except Refused as refused:
                message = _("Merge %(code)s: %(reason)s") % {"code": record.code, "reason": refused.message}
                self.message_user(request, message, messages.ERROR)
            else:
                undone += 1
        if undone:
            message = ngettext("%(count)d merge was undone.", "%(count)d merges were undone.", undone) % {
                "count": undone
            }
            self.message_user(request, message, messages.SUCCESS)


@admin.register(MergeSuggestion)
class MergeSuggestionAdmin(OperatorReadOnlyAdmin):
    """Low-confidence matches; operators decide the ones across members. The reason's parameters stay hidden."""

    list_display = ("code", "person", "candidate", "score", "reason", "status", "for_a_member", "created")
    list_filter = ("status",)
    list_select_related = ("person", "candidate")
    fields = ("code", "person", "candidate", "score", "reason", "status", "created", "decided")
    readonly_fields = fields
    actions = ["merge", "not_the_same"]

    @admin.display(boolean=True, description=_("a member decides"))
    def for_a_member(self, suggestion: MergeSuggestion) -> bool:
        return suggestion.owner_id is not None

    @admin.action(description=_("Merge"), permissions=["view"])
    def merge(self, request, queryset) -> None:
        self._decide(request, queryset, same=True)

    @admin.action(description=_("Not the same"), permissions=["view"])
    def not_the_same(self, request, queryset) -> None:
        self._decide(request, queryset, same=False)

    def _decide(self, request, queryset, *, same: bool) -> None:
        decided = 0
        for suggestion in queryset.select_related("person", "candidate"):
            try:
                decide_suggestion(request.user, suggestion, same=same)
            except Refused as refused:
                message = _("Suggestion %(code)s: %(reason)s") % {"code": suggestion.code, "reason": refused.message}
                self.message_user(request, message, messages.ERROR)
            else:
                decided += 1
        if decided:
            message = ngettext("%(count)d suggestion was decided.", "%(count)d suggestions were decided.", decided) % {
                "count": decided
            }
            self.message_user(request, message, messages.SUCCESS)
