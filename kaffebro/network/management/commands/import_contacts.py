"""`manage.py import_contacts --user EMAIL FILE`: a member's contact file, imported from the command line.

The same actions as the web upload: the file is read and checked, then imported
in one transaction. `--dry-run` resolves every row and reports what would happen,
writing nothing.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from kaffebro.accounts.models import User
from kaffebro.network.actions import Refused
from kaffebro.network.importing import actions
from kaffebro.network.importing.readers import read_contacts
from kaffebro.network.importing.records import ImportRejected
from kaffebro.network.importing.resolve import ResolveOptions, Resolver
from kaffebro.network.importing.summary import failure_message
from kaffebro.network.models import ImportFormat, ImportStatus

COUNT_LABELS = (
    ("created", "created"),
    ("merged", "merged with a known person"),
    ("confirm", "created, merge to confirm"),
    ("updated", "updated"),
    ("changed_job", "changed job"),
    ("unchanged", "unchanged"),
    ("skipped", "skipped"),
    ("removed", "removed"),
)


class Command(BaseCommand):
    help = "Import a LinkedIn, vCard or spreadsheet contact file into a member's network."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the contact file (Connections.csv, .vcf or .csv)")
        parser.add_argument("--user", required=True, help="the member's e-mail address")
        parser.add_argument("--format", choices=ImportFormat.values, default=ImportFormat.AUTO)
        parser.add_argument("--dry-run", action="store_true", help="report what would happen; write nothing")
        parser.add_argument(
            "--keep-contact-details", action="store_true", help="keep e-mail addresses and phone numbers"
        )
        parser.add_argument(
            "--remove-missing", action="store_true", help="remove contacts an earlier import of this format made"
        )

    def handle(self, *args, **options) -> None:
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active member has the e-mail address {options['user']}.")
        data = self._read_file(options["file"])
        with translation.override("en"):
            counts = self._dry_run(user, data, options) if options["dry_run"] else self._import(user, data, options)
        self._report(counts, dry_run=options["dry_run"])

    def _read_file(self, path: Path) -> bytes:
        try:
            if path.stat().st_size > settings.IMPORT_MAX_BYTES:
                raise CommandError(f"{path} is larger than the limit of {settings.IMPORT_MAX_BYTES:,} bytes.")
            return path.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from error

    def _dry_run(self, user: User, data: bytes, options: dict) -> dict[str, int]:
        try:
            result = read_contacts(data, format=options["format"])
        except ImportRejected as rejected:
            raise CommandError(str(rejected.message)) from rejected
        resolver = Resolver(
            user,
            ResolveOptions(
                keep_contact_details=options["keep_contact_details"],
                remove_missing=options["remove_missing"],
                format=result.format,
                filename=options["file"].name,
            ),
        )
        counts = resolver.plan(result.records, skipped_rows=len(result.skipped)).counts()
        counts["skipped"] += len(result.skipped)
        self.stdout.write(f"{len(result.records):,} contacts read as {result.format}; nothing was written.")
        return counts

    def _import(self, user: User, data: bytes, options: dict) -> dict[str, int]:
        try:
            batch = actions.upload_contacts(
                user,
                data=data,
                filename=options["file"].name,
                format=options["format"],
                keep_contact_details=options["keep_contact_details"],
            )
            if options["remove_missing"]:
                batch = actions.change_import_options(
                    user,
                    batch,
                    format=batch.format,
                    mapping=batch.mapping or None,
                    keep_contact_details=batch.keep_contact_details,
                    remove_missing=True,
                )
            batch = actions.confirm_import(user, batch, background=False)
        except Refused as refused:
            raise CommandError(refused.message) from refused
        if batch.status != ImportStatus.DONE:
            raise CommandError(failure_message(batch))
        self.stdout.write(f"{batch.total_rows:,} contacts read as {batch.format}; import {batch.code} done.")
        return batch.counts

    def _report(self, counts: dict[str, int], *, dry_run: bool) -> None:
        self.stdout.write("What the import would do:" if dry_run else "What the import did:")
        for key, label in COUNT_LABELS:
            self.stdout.write(f"  {label:<28}{counts.get(key, 0):>8,}")
