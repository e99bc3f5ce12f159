"""`manage.py export_member --user EMAIL [--output FILE]`: everything Kaffebro holds about one member.

For an operator answering an access request by mail (GDPR Art. 15) and for the `kaffebro export` command line.
Without `--output` the JSON (data.json of the member's download) goes to standard output; with a FILE ending in
.zip the whole download (data.json and one CSV per kind of record) is written there, any other FILE gets the JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaffebro.core.personal_data import export_data, export_zip


class Command(BaseCommand):
    help = "Export everything Kaffebro holds about a member as JSON (or as the ZIP download with --output FILE.zip)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the member's e-mail address")
        parser.add_argument("--output", type=Path, help="write to this file instead (.zip: JSON and CSV files)")

    def handle(self, *args, **options) -> None:
        user = get_user_model()._default_manager.filter(email__iexact=options["user"].strip()).first()
        if user is None:
            raise CommandError(f"No member has the e-mail address {options['user']}.")
        output: Path | None = options["output"]
        if output is not None and output.suffix.lower() == ".zip":
            output.write_bytes(export_zip(user))
            self.stderr.write(f"Wrote the export of {user.email} to {output}.")
            return
        text = json.dumps(export_data(user), ensure_ascii=False, indent=2)
        if output is None:
            self.stdout.write(text)
        else:
            output.write_text(text + "\n", encoding="utf-8")
            self.stderr.write(f"Wrote the export of {user.email} to {output}.")
