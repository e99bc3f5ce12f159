"""/postings: the postings a decision-maker or operator manages, any posting's public facts, and the job-ad import.

The same scope, forms and actions as the postings pages (`kaffebro/jobs/views/postings.py`):
a member who manages no postings gets 403 from the managers' endpoints, a posting they may not
manage answers 404, and a refused action comes back as a problem (409, or 422 naming a field).
"""

from __future__ import annotations

from django.http import Http404
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import MAY_BE_NOT_FOUND, example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.jobs import (
    POSTING_ACTIONS,
    ImportConfirmSerializer,
    JobAdSerializer,
    ManagedPostingSerializer,
    PlaceSearchSerializer,
    PostingCreateSerializer,
    PostingEditSerializer,
    PostingFactsSerializer,
    PostingPlaceSerializer,
    PostingPreviewSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.jobs.access import postings as access
from kaffebro.jobs.actions import postings as actions
from kaffebro.jobs.forms_postings import JobAdForm, PostingForm
from kaffebro.jobs.jobad import sanitise_description
from kaffebro.jobs.views.postings import MATCHED_BY
from kaffebro.network import access as network_access
from kaffebro.network import actions as network_actions
from kaffebro.network.models import Posting, TargetKind

TAGS = ["postings"]
PLAIN = (
    "code",
    "title",
    "organisation",
    "unit",
    "deadline",
    "is_public",
    "employment_type",
    "location",
    "job_field",
    "url",
    "identifier",
    "closed",
)
FIELDS_EXAMPLE = {"title": "Data analyst", "deadline": "2026-12-31", "location": "Hillerød"}


def posting_data(user, posting: Posting) -> dict:
    target = network_access.targets_of(user).filter(posting=posting).first()
    return {
        **{name: getattr(posting, name) for name in PLAIN},
        "description": sanitise_description(posting.description),
        "contact": access.named_contact(posting),
        "may_manage": access.may_manage(user, posting),
        "your_target": target.code if target else None,
    }


def _form_data(fields: dict) -> dict:
    """The JSON fields as the posting form reads them (a missing flag is unchecked, a missing date is none)."""
    return {name: value for name, value in fields.items() if value is not None and value is not False}


def _managed(user, code: str) -> Response:
    posting = access.access_managed_posting(user, code)
    return Response(ManagedPostingSerializer(posting).data)


class PostingListView(ApiView):
    serializer_class = ManagedPostingSerializer
    cursor_ordering = ("-created", "-id")

    @extend_schema(tags=TAGS, summary="The postings you manage", responses=ManagedPostingSerializer(many=True))
    def get(self, request):
        scope = access.require_manager(request.user)
        found = access.managed_postings(request.user, scope).select_related("decision_maker", "contact_person")
        return self.paginated(found, ManagedPostingSerializer)

    @extend_schema(
        tags=TAGS,
        summary="Publish a posting for an organisation you may post for",
        request=PostingCreateSerializer,
        responses={201: ManagedPostingSerializer},
        extensions=MAY_BE_NOT_FOUND,
        examples=[example({"organisation": "ORGANISATION_CODE", **FIELDS_EXAMPLE})],
    )
    @idempotent()
    def post(self, request):
        scope = access.require_manager(request.user)
        incoming = PostingCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        organisation = access.access_manageable_organisation(request.user, fields.pop("organisation"), scope)
        form = PostingForm(_form_data(fields), user=request.user, organisation=organisation, scope=scope)
        run_form(form)
        posting = actions.create_posting(request.user, organisation, form.posting_fields())
        return Response(ManagedPostingSerializer(posting).data, status=status.HTTP_201_CREATED)


class PostingPlacesView(ApiView):
    serializer_class = PostingPlaceSerializer
    pagination_class = None  # an operator's search finds at most access.ORGANISATIONS_FOUND

    @extend_schema(
        tags=TAGS,
        summary="Where you may publish a posting: the organisations (an operator searches with q) and their units",
        parameters=[PlaceSearchSerializer],
        responses=PostingPlaceSerializer(many=True),
    )
    def get(self, request):
        user = request.user
        scope = access.require_manager(user)
        incoming = PlaceSearchSerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        query = incoming.validated_data.get("q", "")  # trimmed; a NUL is a 400, as the field refuses it
        organisations = access.organisations_to_post_for(user, scope, query)
        units = access.units_for_each(user, organisations, scope)
        rows = [
            {
                "code": organisation.code,
                "name": organisation.name,
                "whole": access.may_post_for_whole(user, organisation, scope),
                "units": [{"code": choice.unit.code, "label": choice.label} for choice in units[organisation.pk]],
            }
            for organisation in organisations
        ]
        return Response(PostingPlaceSerializer(rows, many=True).data)


class PostingDetailView(ApiView):
    serializer_class = PostingFactsSerializer

    @extend_schema(tags=TAGS, summary="A posting's public facts", responses=PostingFactsSerializer)
    def get(self, request, code):
        posting = network_access.posting_by_code(request.user, code)
        return Response(PostingFactsSerializer(posting_data(request.user, posting)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change a posting you manage (send back the `updated` you read: a posting changed since is a 409)",
        request=PostingEditSerializer,
        responses=ManagedPostingSerializer,
    )
    def put(self, request, code):
        scope = access.scope_of(request.user)
        posting = access.access_managed_posting(request.user, code, scope)
        incoming = PostingEditSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        updated = fields.pop("updated")
        data = {**_form_data(fields), "updated": updated.isoformat()}
        form = PostingForm(data, user=request.user, organisation=posting.organisation, posting=posting, scope=scope)
        run_form(form)
        actions.edit_posting(request.user, posting, form.posting_fields(), base_updated=form.cleaned_data["updated"])
        return _managed(request.user, code)


class PostingActionView(ApiView):
    serializer_class = PostingFactsSerializer

    @extend_schema(
        tags=TAGS,
        operation_id="postings_action",
        summary="close or reopen a posting you manage, or add_target: make any open posting one of your targets",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=POSTING_ACTIONS)],
        request=None,
        responses=PostingFactsSerializer,
    )
    @idempotent()
    def post(self, request, code, action):
        if action not in POSTING_ACTIONS:
            raise Http404
        user = request.user
        if action == "add_target":
            posting = network_access.posting_by_code(user, code)
            if posting.closed is not None:
                raise network_actions.Refused(_("This posting is closed, so it cannot be a target any more."))
            network_actions.add_target(user, TargetKind.POSTING, posting=posting)
        else:
            posting = access.access_managed_posting(user, code)
            (actions.close_posting if action == "close" else actions.reopen_posting)(user, posting)
        return Response(PostingFactsSerializer(posting_data(user, network_access.posting_by_code(user, code))).data)


class PostingImportView(ApiView):
    serializer_class = PostingPreviewSerializer
    parser_classes = [MultiPartParser, FormParser, JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="Read a job ad (its saved page or JSON-LD) and find its employer: a preview, nothing is written",
        request={"multipart/form-data": JobAdSerializer, "application/json": JobAdSerializer},
        responses=PostingPreviewSerializer,
    )
    def post(self, request):
        scope = access.require_manager(request.user)
        incoming = JobAdSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = {key: value for key, value in incoming.validated_data.items() if key != "file"}
        files = MultiValueDict({"file": [incoming.validated_data["file"]]} if "file" in incoming.validated_data else {})
        form = JobAdForm(data, files)
        run_form(form)
        organisation, matched_by = access.resolve_employer(request.user, form.employer_sought())
        if organisation is None:
            raise ValidationError(
                {
                    "employer": [
                        _(
                            "No organisation in Kaffebro is called “%(name)s”. Write its name as Kaffebro knows it, "
                            "or its CVR number."
                        )
                        % {"name": form.employer_sought().name}
                    ]
                }
            )
        if not scope.covers_organisation(organisation):
            raise network_actions.Refused(
                _(
                    "The ad is for %(name)s, where you do not decide on hiring. Only a decision-maker there or an "
                    "operator can post it."
                )
                % {"name": organisation.name},
                field="employer",
            )
        initial = PostingForm.initial_from_ad(form.job_ad, organisation, sanitise_description(form.job_ad.description))
        preview = {"organisation": organisation, "matched_by": matched_by, **initial, "warnings": form.job_ad.warnings}
        return Response(PostingPreviewSerializer(preview).data)


class PostingImportConfirmView(ApiView):
    serializer_class = ManagedPostingSerializer

    @extend_schema(
        tags=TAGS,
        summary="Create the posting from a preview, as it is or corrected",
        request=ImportConfirmSerializer,
        responses={201: ManagedPostingSerializer},
        extensions=MAY_BE_NOT_FOUND,
        examples=[example({"organisation": "ORGANISATION_CODE", "matched_by": "name", **FIELDS_EXAMPLE})],
    )
    @idempotent()
    def post(self, request):
        scope = access.require_manager(request.user)
        incoming = ImportConfirmSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = dict(incoming.validated_data)
        organisation = access.access_manageable_organisation(request.user, fields.pop("organisation"), scope)
        matched_by = fields.pop("matched_by", "")
        form = PostingForm(_form_data(fields), user=request.user, organisation=organisation, scope=scope)
        run_form(form)
        posting = actions.import_job_ad(
            request.user, organisation, form.posting_fields(), matched_by=matched_by if matched_by in MATCHED_BY else ""
        )
        return Response(ManagedPostingSerializer(posting).data, status=status.HTTP_201_CREATED)
