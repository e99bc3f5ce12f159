"""How fast the demo generator writes, against Django's own `bulk_create` in the same run.

Each variant loads the same seeded network into a fresh database in a child
process (SQLite always; PostgreSQL too when DATABASE_URL points at one), so
neither run warms the other's caches. Only the load is timed, not the
migrations. The figures go to bench/results/demo_load.json.

    python -m bench.demo_load [--people 20000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from bench.common import ROOT, databases, run_child

RESULTS = ROOT / "bench" / "results" / "demo_load.json"
VARIANTS = ("kaffebro", "bulk_create")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=20_000)
    parser.add_argument("--load", choices=VARIANTS, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.load:
        return _load_and_report(options.load, options.people)
    results = {vendor: _compare(url, options.people) for vendor, url in databases()}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"people": options.people, "results": results}, indent=2) + "\n")
    for vendor, figures in results.items():
        ratio = figures["kaffebro"]["rows_per_second"] / figures["bulk_create"]["rows_per_second"]
        print(
            f"demo load, {options.people:,} persons, {vendor}: "
            f"kaffebro {figures['kaffebro']['seconds']:.2f} s ({figures['kaffebro']['rows_per_second']:,.0f} rows/s), "
            f"bulk_create {figures['bulk_create']['seconds']:.2f} s "
            f"({figures['bulk_create']['rows_per_second']:,.0f} rows/s): {ratio:.1f}x faster"
        )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


def _compare(url: str, people: int) -> dict[str, dict[str, float]]:
    return {
        variant: run_child("bench.demo_load", url, ["--load", variant, "--people", str(people)]) for variant in VARIANTS
    }


def _load_and_report(variant: str, people: int) -> int:
    """In the child: migrate quietly, then time one load and print its figures as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from kaffebro.network.demo import build

    call_command("migrate", verbosity=0)
    if variant == "bulk_create":
        build.BulkWriter = _orm_writer_class()  # type: ignore[misc]
    started = time.perf_counter()
    summary = build.build_demo(people=people, seed=1)
    seconds = time.perf_counter() - started
    print(json.dumps({"seconds": seconds, "rows": summary.rows, "rows_per_second": summary.rows / seconds}))
    return 0


def _orm_writer_class():
    """The baseline writer subclasses Django code, so it is built only after django.setup() in the child."""
    from django.db.models import JSONField

    from kaffebro.network.demo.writer import BulkWriter

    class OrmWriter(BulkWriter):
        """The baseline: Django model instances saved with `bulk_create` in batches of 1,000."""

        def insert(self, model, columns, rows) -> int:
            count = 0
            batch = []
            names = _attnames(model, columns)
            json_columns = {name for name in names if isinstance(model._meta.get_field(name), JSONField)}
            for row in rows:
                values = dict(zip(names, row, strict=True))
                # The fast path writes JSON already serialised; the ORM wants the Python value.
                values.update({name: json.loads(values[name]) for name in json_columns})
                batch.append(model(**values))
                if len(batch) == 1000:
                    count += len(model.objects.bulk_create(batch))
                    batch = []
            return count + len(model.objects.bulk_create(batch))

    return OrmWriter


def _attnames(model, columns: list[str]) -> list[str]:
    by_column = {field.column: field.attname for field in model._meta.concrete_fields}
    return [by_column[column] for column in columns]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
