"""/imports: upload a contact file, see what it holds, confirm, and follow the run; the import page's flow.

Upload → the import waits in `preview` (nothing is written yet) → PATCH changes how the file
is read → POST …/confirm/ imports it: a small file at once, a large one in the background
(poll GET …/ for `processed_rows` of `total_rows`) → `done` with the counts.
"""

from __future__ import annotations

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.imports import (
    IMPORT_ACTIONS,
    ImportActionSerializer,
    ImportOptionsSerializer,
    ImportSerializer,
    ImportUploadSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.network.actions import Refused
from kaffebro.network.forms import ContactFileForm, ImportMappingForm
from kaffebro.network.importing import access, engine, summary
from kaffebro.network.importing import actions as importing
from kaffebro.network.importing.records import ImportRejected, ReadResult
from kaffebro.network.models import ImportBatch, ImportFormat, ImportStatus
from kaffebro.network.views.importing import PREVIEW_RECORDS, PREVIEW_SKIPPED

TAGS = ["imports"]


def _read(batch: ImportBatch) -> tuple[ReadResult | None, str]:
    try:
        return engine.preview(batch), ""
    except ImportRejected as rejected:
        return None, str(rejected.message)


def preview_of(batch: ImportBatch) -> dict:
    """What the waiting file holds with the current options, as the preview page shows it."""
    result, rejected = _read(batch)
    spreadsheet = result if result is not None and result.format == ImportFormat.CSV else None
    return {
        "format": result.format if result else "",
        "rejected": rejected,
        "columns": spreadsheet.columns if spreadsheet else [],
        "mapping": spreadsheet.mapping if spreadsheet else {},
        "records": [
            {
                "row_number": record.row_number,
                "full_name": record.full_name,
                "organisation": record.organisation,
                "unit": record.unit,
                "title": record.title,
                "connected_on": record.connected_on,
            }
            for record in (result.records[:PREVIEW_RECORDS] if result else [])
        ],
        "skipped": [
            {"row_number": row, "reason": str(reason)}
            for row, reason in (result.skipped[:PREVIEW_SKIPPED] if result else [])
        ],
    }


def import_data(batch: ImportBatch, *, with_preview: bool = False) -> dict:
    return {
        "code": batch.code,
        "status": batch.status,
        "status_label": batch.get_status_display(),
        "format": batch.format,
        "filename": batch.filename,
        "keep_contact_details": batch.keep_contact_details,
        "remove_missing": batch.remove_missing,
        "total_rows": batch.total_rows,
        "processed_rows": batch.processed_rows,
        "counts": {key: int(value) for key, value in (batch.counts or {}).items()},
        "interrupted": importing.is_interrupted(batch),
        "failure": summary.failure_message(batch) if batch.status == ImportStatus.FAILED else "",
        "created": batch.created,
        "started": batch.started,
        "finished": batch.finished,
        "preview": preview_of(batch) if with_preview and batch.status == ImportStatus.PREVIEW else None,
    }


def _detail(user, code: str) -> Response:
    return Response(ImportSerializer(import_data(access.access_import(user, code), with_preview=True)).data)


def _not_waiting() -> Refused:
    return Refused(_("This import has already started or was cancelled."))


class ImportListView(ApiView):
    serializer_class = ImportSerializer
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(tags=TAGS, summary="Your contact imports, newest first", responses=ImportSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(access.imports_of(request.user))
        return self.get_paginated_response(ImportSerializer([import_data(batch) for batch in page], many=True).data)

    @extend_schema(
        tags=TAGS,
        summary="Upload a contact file; it waits in preview until you confirm it",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={201: ImportSerializer},
    )
    @idempotent()
    def post(self, request):
        incoming = ImportUploadSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        fields = incoming.validated_data
        form = ContactFileForm(
            {"format": fields["format"], "keep_contact_details": fields["keep_contact_details"]},
            {"file": fields["file"]},
        )
        data = run_form(form)  # the upload page's own checks (the size limit)
        upload = data["file"]
        batch = importing.upload_contacts(
            request.user,
            data=upload.read(),
            filename=upload.name[:255],
            format=data["format"],
            keep_contact_details=data["keep_contact_details"],
        )
        response = _detail(request.user, batch.code)
        response.status_code = status.HTTP_201_CREATED
        return response


class ImportDetailView(ApiView):
    serializer_class = ImportSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        summary="An import: its preview while it waits, then its progress and what it did",
        responses=ImportSerializer,
    )
    def get(self, request, code):
        return _detail(request.user, code)

    @extend_schema(
        tags=TAGS,
        summary="Change how the waiting file is read (format, columns) and the choices for the run",
        request=ImportOptionsSerializer,
        responses=ImportSerializer,
    )
    def patch(self, request, code):
        user = request.user
        batch = access.access_import(user, code)
        if batch.status != ImportStatus.PREVIEW:
            raise _not_waiting()
        incoming = ImportOptionsSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        options = incoming.validated_data
        format = options.get("format", batch.format)
        mapping = batch.mapping or None
        if "mapping" in options and format == batch.format:
            mapping = self._mapping(batch, format, options["mapping"])
        importing.change_import_options(
            user,
            batch,
            format=format,
            mapping=mapping,
            keep_contact_details=options.get("keep_contact_details", batch.keep_contact_details),
            remove_missing=options.get("remove_missing", batch.remove_missing),
        )
        return _detail(user, code)

    def _mapping(self, batch: ImportBatch, format: str, wanted: dict[str, str]) -> dict[str, str]:
        """The columns' fields checked by the preview page's own form (one column per field, known fields)."""
        result, rejected = _read(batch)
        if result is None:
            raise Refused(rejected, field="file")
        unknown = sorted(set(wanted) - set(result.columns))
        if unknown:
            raise ValidationError({"mapping": [_("The file has no column %(column)s.") % {"column": unknown[0]}]})
        columns = result.columns
        data = {"format": format}
        for index, column in enumerate(columns):
            data[ImportMappingForm.column_field(index)] = wanted.get(column, result.mapping.get(column, ""))
        form = ImportMappingForm(data, columns=columns, mapping=result.mapping)
        run_form(form)
        return form.mapping()


class ImportActionView(ApiView):
    serializer_class = ImportSerializer
    parser_classes = [JSONParser]

    @extend_schema(
        tags=TAGS,
        operation_id="imports_action",
        summary="Confirm (import it), cancel (drop the file) or retry (a failed or interrupted run)",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=IMPORT_ACTIONS)],
        request=ImportActionSerializer,
        responses=ImportSerializer,
    )
    @idempotent()
    def post(self, request, code, action):
        if action not in IMPORT_ACTIONS:
            raise Http404
        user = request.user
        batch = access.access_import(user, code)
        if action == "cancel":
            importing.cancel_import(user, batch)
        elif action == "retry":
            importing.retry_import(user, batch)
        else:
            self._confirm(user, batch, request.data)
        return _detail(user, code)

    def _confirm(self, user, batch: ImportBatch, data) -> None:
        if batch.status != ImportStatus.PREVIEW:
            raise _not_waiting()  # before the options change, which would read a file already dropped
        incoming = ImportActionSerializer(data=data)
        incoming.is_valid(raise_exception=True)
        keep = incoming.validated_data.get("keep_contact_details", batch.keep_contact_details)
        remove = incoming.validated_data.get("remove_missing", batch.remove_missing)
        if (keep, remove) != (batch.keep_contact_details, batch.remove_missing):
            batch = importing.change_import_options(
                user,
                batch,
                format=batch.format,
                mapping=batch.mapping or None,
                keep_contact_details=keep,
                remove_missing=remove,
            )
        importing.confirm_import(user, batch)
