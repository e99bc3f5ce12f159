"""`manage.py demo`: load the synthetic demo network (see docs/demo.md)."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaffebro.network.demo.build import DEFAULT_PEOPLE, DEFAULT_SEED, DemoRefused, Summary, build_demo
from kaffebro.network.models import Organisation


class Command(BaseCommand):
    help = (
        "Load the synthetic demo network: invented Danish organisations, persons, ties and ten demo logins. "
        "Deterministic for a seed; scales to millions of persons with --people."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if any organisation exists.")
        parser.add_argument("--people", type=int, default=DEFAULT_PEOPLE, help="Persons in the network.")
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="Random seed; the same seed, the same network."
        )
        parser.add_argument(
            "--ties", type=int, default=None, help="Ties in the network (default: 10 per person, rising to 30 at 1M)."
        )
        parser.add_argument(
            "--allow-production-logins",
            action="store_true",
            help="Create the demo logins (published password) even with DEBUG off: only for a public demo server.",
        )

    def handle(self, *args, **options) -> None:
        if options["if_empty"] and Organisation.objects.exists():
            self.stdout.write("Organisations already exist; the demo network is not loaded again.")
            return
        try:
            summary = build_demo(
                people=options["people"],
                seed=options["seed"],
                ties=options["ties"],
                allow_production_logins=options["allow_production_logins"],
                progress=self.stdout.write,
            )
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        self._report(summary)

    def _report(self, summary: Summary) -> None:
        self.stdout.write(self.style.SUCCESS("Demo network loaded."))
        width = max(len(label) for label in summary.counts)
        for label, count in summary.counts.items():
            self.stdout.write(f"  {label:<{width}}  {count:>12,}")
        self.stdout.write(
            f"  {'rows':<{width}}  {summary.rows:>12,} in {summary.seconds:.1f} s "
            f"({summary.rows_per_second:,.0f} rows/s)"
        )
        self.stdout.write("The logins: python manage.py demo_logins")
