"""`manage.py build_graph`: build and publish the graph snapshot now (after a demo load or a restore)."""

import time

from django.core.management.base import BaseCommand, CommandParser

from kaffebro.paths import snapshot


class Command(BaseCommand):
    help = "Build the warm-path graph snapshot from the database and publish it for every process to map."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-stale", action="store_true", help="Do nothing when the published snapshot has every change."
        )

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        built = snapshot.rebuild(only_if_stale=options["if_stale"])
        if not built:
            self.stdout.write("The graph snapshot is up to date.")
            return
        index = snapshot.require_current()
        self.stdout.write(
            f"Published graph snapshot {index.version}: {index.node_count:,} persons, {index.tie_count:,} ties, "
            f"{index.nbytes / max(index.tie_count, 1):.1f} bytes per tie, in {time.monotonic() - started:.1f} s."
        )
