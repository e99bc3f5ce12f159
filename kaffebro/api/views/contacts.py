"""/contacts: the member's own address book, never anyone else's; the contact form and the network actions."""

from __future__ import annotations

from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.network import ContactFilterSerializer, ContactSerializer, ContactWriteSerializer
from kaffebro.api.views.base import ApiView
from kaffebro.core.converters import looks_like_code
from kaffebro.network import access, actions
from kaffebro.network.forms import ContactForm, EditContactForm
from kaffebro.network.models import Tie

TAGS = ["contacts"]


def with_tie_details(user, cards):
    """The member's cards (read through the access module) with how and since when they know each one."""
    own_tie = Tie.objects.filter(owner=user, person_b=OuterRef("person"))
    return cards.annotate(
        tie_how_known=Subquery(own_tie.values("how_known")[:1]),
        tie_since=Subquery(own_tie.values("since")[:1]),
    )


def contact(user, code: str):
    card = access.access_contact(user, code)  # 404 for anything that is not the member's
    return with_tie_details(user, access.contacts_of(user)).get(pk=card.pk)


def _organisation_filter(user, code: str):
    if not code:
        return None
    organisation = access.visible_organisations(user).filter(code=code).first() if looks_like_code(code) else None
    if organisation is None:
        raise ValidationError({"organisation": [_("No organisation you can see has this code.")]})
    return organisation


def _current(card) -> dict:
    """The card as the edit form starts from it."""
    return {
        "first_name": card.first_name,
        "last_name": card.last_name,
        "full_name": card.full_name,
        "organisation_name": card.organisation_name,
        "unit_name": card.unit_name,
        "title": card.title,
        "how_known": card.tie_how_known or "",
        "since": card.tie_since,
        "strength": card.tie_strength,
        "email": card.email,
        "phone": card.phone,
        "notes": card.notes,
    }


class ContactListView(ApiView):
    serializer_class = ContactSerializer
    cursor_ordering = ("full_name", "id")

    @extend_schema(
        tags=TAGS,
        summary="Your contacts, by name; search and filter by organisation",
        parameters=[ContactFilterSerializer],
        responses=ContactSerializer(many=True),
    )
    def get(self, request):
        query = ContactFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        organisation = _organisation_filter(request.user, query.validated_data.get("organisation", ""))
        found = access.search_contacts(
            request.user, query=query.validated_data.get("q", "").strip(), organisation=organisation
        )
        return self.paginated(with_tie_details(request.user, found), ContactSerializer)

    @extend_schema(
        tags=TAGS,
        summary="Add a contact",
        request=ContactWriteSerializer,
        responses={201: ContactSerializer},
        examples=[
            example(
                {
                    "full_name": "Karen Vestergaard",
                    "organisation_name": "Region Hovedstaden",
                    "title": "Data architect",
                    "how_known": "former_colleague",
                    "strength": 3,
                }
            )
        ],
    )
    @idempotent()
    def post(self, request):
        incoming = ContactWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        form = ContactForm(incoming.validated_data)
        run_form(form)
        details = form.details()
        details.is_private = incoming.validated_data.get("is_private")  # none given: the connector setting decides
        card = actions.add_contact(request.user, details)
        return Response(ContactSerializer(contact(request.user, card.code)).data, status=status.HTTP_201_CREATED)


class ContactDetailView(ApiView):
    serializer_class = ContactSerializer

    @extend_schema(tags=TAGS, summary="One of your contacts", responses=ContactSerializer)
    def get(self, request, code):
        return Response(ContactSerializer(contact(request.user, code)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a contact; only the fields you send change",
        request=ContactWriteSerializer(partial=True),
        responses=ContactSerializer,
        examples=[example({"title": "Head of data", "strength": 4})],
    )
    def patch(self, request, code):
        user = request.user
        card = contact(user, code)
        incoming = ContactWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        changes = dict(incoming.validated_data)
        private = changes.pop("is_private", None)
        form = EditContactForm({**_current(card), **changes})
        run_form(form)
        with transaction.atomic():
            actions.edit_contact(user, card, form.details())
            if private is not None:
                actions.set_contact_private(user, card, private)
        return Response(ContactSerializer(contact(user, code)).data)

    @extend_schema(tags=TAGS, summary="Delete a contact from your network", responses={204: None})
    def delete(self, request, code):
        actions.delete_contact(request.user, access.access_contact(request.user, code))
        return Response(status=status.HTTP_204_NO_CONTENT)
