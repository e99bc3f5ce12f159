"""`manage.py replay_erasures`: erase again, in a restored database, every member erased since the backup.

A backup taken before an erasure still holds the member. Restoring it would bring them back, so the restore drill
(docs/privacy.md, "Backups") is:

1. before restoring: `manage.py replay_erasures --save erasures.json` (the log of erasures, ids and codes only);
2. restore the backup;
3. `manage.py replay_erasures --from erasures.json` erases them all again, and the log holds them again.

Without `--from`, the log in the database itself is replayed. Safe to repeat: a member already gone is skipped,
and a member is only erased when both id and code match, so an id given out again is never mistaken for them.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaffebro.core.personal_data import logged_erasures, replay_erasures

REQUIRED = {"user_id", "user_code"}


class Command(BaseCommand):
    help = "Re-apply every logged erasure (after restoring a backup); --save writes the log to a file first."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_mutually_exclusive_group()
        actions.add_argument("--save", type=Path, metavar="FILE", help="write the erasure log to FILE and stop")
        actions.add_argument("--from", dest="source", type=Path, metavar="FILE", help="replay the log saved in FILE")

    def handle(self, *args, **options) -> None:
        if options["save"] is not None:
            logged = logged_erasures()
            options["save"].write_text(json.dumps(logged, indent=2) + "\n", encoding="utf-8")
            self.stdout.write(f"Saved {len(logged)} erasure(s) to {options['save']}.")
            return
        entries = None if options["source"] is None else self._read(options["source"])
        replayed = replay_erasures(entries)
        self.stdout.write(
            f"Erased {replayed.members} restored member(s) and {replayed.persons} restored member node(s) again."
        )

    def _read(self, path: Path) -> list[dict]:
        try:
            entries = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"Cannot read the erasure log {path}: {error}") from error
        if not isinstance(entries, list) or not all(isinstance(e, dict) and set(e) >= REQUIRED for e in entries):
            raise CommandError(f"{path} is not an erasure log saved by replay_erasures --save.")
        return entries
