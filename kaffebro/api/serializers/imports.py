"""Contact imports: upload a file, see what it holds, confirm it, and follow its progress."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.network.importing.records import MAPPABLE_FIELDS
from kaffebro.network.models import ImportFormat, ImportStatus

IMPORT_ACTIONS = ("confirm", "cancel", "retry")


class ImportUploadSerializer(serializers.Serializer):
    """The upload form of the import page, as multipart/form-data."""

    file = serializers.FileField(
        help_text=gettext_lazy("LinkedIn's Connections.csv, a vCard file (.vcf) or a spreadsheet saved as CSV.")
    )
    format = serializers.ChoiceField(ImportFormat.choices, required=False, default=ImportFormat.AUTO)
    keep_contact_details = serializers.BooleanField(
        required=False,
        default=False,
        help_text=gettext_lazy("Keep e-mail addresses and phone numbers in your own address book (off by default)."),
    )


class ImportOptionsSerializer(serializers.Serializer):
    """How to read a file waiting in preview: its format, what each column holds, and the choices for the run."""

    format = serializers.ChoiceField(ImportFormat.choices, required=False)
    mapping = serializers.DictField(
        child=serializers.ChoiceField([("", ""), *((name, name) for name in MAPPABLE_FIELDS)], allow_blank=True),
        required=False,
        help_text=gettext_lazy('A spreadsheet\'s column (its header) → the field it holds, or "" to ignore it.'),
    )
    keep_contact_details = serializers.BooleanField(required=False)
    remove_missing = serializers.BooleanField(
        required=False, help_text=gettext_lazy("Remove contacts an earlier import made that this file no longer has.")
    )


class ImportActionSerializer(serializers.Serializer):
    """The choices next to the Import button (confirm only)."""

    keep_contact_details = serializers.BooleanField(required=False)
    remove_missing = serializers.BooleanField(required=False)


class PreviewRecordSerializer(serializers.Serializer):
    row_number = serializers.IntegerField()
    full_name = serializers.CharField()
    organisation = serializers.CharField()
    unit = serializers.CharField()
    title = serializers.CharField()
    connected_on = serializers.DateField(allow_null=True)


class SkippedRowSerializer(serializers.Serializer):
    row_number = serializers.IntegerField()
    reason = serializers.CharField()


class PreviewSerializer(serializers.Serializer):
    format = serializers.ChoiceField(ImportFormat.choices, allow_blank=True)
    rejected = serializers.CharField(help_text=gettext_lazy("Why the file cannot be read as chosen; empty if it can."))
    columns = serializers.ListField(child=serializers.CharField())
    mapping = serializers.DictField(child=serializers.CharField(allow_blank=True))
    records = PreviewRecordSerializer(many=True, help_text=gettext_lazy("The first contacts of the file."))
    skipped = SkippedRowSerializer(many=True)


class ImportSerializer(serializers.Serializer):
    code = serializers.CharField()
    status = serializers.ChoiceField(ImportStatus.choices)
    status_label = serializers.CharField()
    format = serializers.ChoiceField(ImportFormat.choices)
    filename = serializers.CharField()
    keep_contact_details = serializers.BooleanField()
    remove_missing = serializers.BooleanField()
    total_rows = serializers.IntegerField(min_value=0)
    processed_rows = serializers.IntegerField(min_value=0)
    counts = serializers.DictField(child=serializers.IntegerField(), help_text=gettext_lazy("What the import did."))
    interrupted = serializers.BooleanField(
        help_text=gettext_lazy("The run stopped reporting: retry it (POST …/retry/).")
    )
    failure = serializers.CharField(help_text=gettext_lazy("Why it failed; empty otherwise."))
    created = serializers.DateTimeField()
    started = serializers.DateTimeField(allow_null=True)
    finished = serializers.DateTimeField(allow_null=True)
    preview = PreviewSerializer(
        allow_null=True, help_text=gettext_lazy("What the file holds, while it waits for your confirmation.")
    )
