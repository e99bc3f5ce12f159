"""How fast a 30,000-row LinkedIn export is imported, against a naive per-row ORM import in the same run.

The file is generated (seeded) the way real exports look: the `Notes:` preamble,
Danish names, quoted commas, about 3% duplicate rows, and organisations written
in several ways ("Novo Nordisk A/S", "NOVO NORDISK", "Novo Nordisk"). Each
variant imports it for a new member of the default demo network, in a child
process on a fresh database (SQLite; PostgreSQL too when DATABASE_URL names one).
Timed: reading, resolution and writing, end to end, through the same actions the
web upload uses. The figures go to bench/results/import.json.

    python -m bench.import [--rows 30000]
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import random
import sys
import time

from bench.common import ROOT, databases, run_child

RESULTS = ROOT / "bench" / "results" / "import.json"
VARIANTS = ("kaffebro", "naive")
TARGET_SECONDS = 10.0
TARGET_RATIO = 10.0

FIRST_NAMES = [
    "Søren",
    "Mette",
    "Jonas",
    "Sofie",
    "Lars",
    "Anne",
    "Peter",
    "Mads",
    "Ida",
    "Freja",
    "Mikkel",
    "Emil",
    "Karen",
    "Birgit",
    "Bo",
    "Åse",
    "Ærø-Lise",
    "Jørgen",
    "Line",
    "Kasper",
    "Maja",
    "Niels",
    "Rikke",
    "Thomas",
    "Camilla",
    "Henrik",
    "Louise",
    "Martin",
    "Signe",
    "Anders",
    "Trine",
    "Rasmus",
    "Julie",
    "Frederik",
    "Nanna",
    "Christian",
    "Malene",
    "Jakob",
    "Cecilie",
    "Simon",
    "Pernille",
    "Morten",
    "Marianne",
    "Torben",
    "Hanne",
    "Steen",
    "Lene",
    "Ole",
    "Bente",
    "Kim",
    "Tina",
]
LAST_NAMES = [
    "Ågård",
    "Jensen",
    "Nielsen",
    "Hansen",
    "Pedersen",
    "Andersen",
    "Christensen",
    "Larsen",
    "Sørensen",
    "Rasmussen",
    "Jørgensen",
    "Petersen",
    "Madsen",
    "Kristensen",
    "Olsen",
    "Thomsen",
    "Christiansen",
    "Poulsen",
    "Johansen",
    "Møller",
    "Mortensen",
    "Østergaard",
    "Bøgh",
    "Lund",
    "Holm",
    "Skov",
    "Friis",
    "Dahl",
    "Kjær",
    "Bach",
    "Berg",
    "Vestergaard",
    "Mikkelsen",
    "Frederiksen",
    "Lauridsen",
    "Henriksen",
    "Søndergaard",
    "Nørgaard",
]
TITLES = (
    "Udviklingskonsulent",
    "Afdelingschef",
    "Projektleder",
    "Senior Software Engineer",
    "Head of Data",
    "Sygeplejerske",
    "Kontorchef",
    "HR-partner",
    "Teamleder",
    "Specialkonsulent",
    "Account Manager",
    "Direktør",
    "Product Owner",
    "Fuldmægtig",
)
LEGAL_FORMS = ("A/S", "ApS", "", "", "I/S", "P/S")


def _organisations(rng: random.Random, count: int = 1200) -> list[str]:
    stems = ["Nordisk", "Data", "Energi", "Byg", "Consult", "Pharma", "Logistik", "Design", "Finans", "Sundhed"]
    names = [f"{rng.choice(LAST_NAMES)} {rng.choice(stems)} {rng.choice(LEGAL_FORMS)}".strip() for _ in range(count)]
    return [*names, "Novo Nordisk A/S", "Københavns Kommune", "Region Hovedstaden", "Jensen, Hansen & Co ApS"]


def _variant(name: str, rng: random.Random) -> str:
    """The same organisation written as people write it: case, legal form and Danish letters vary."""
    roll = rng.random()
    if roll < 0.1:
        return name.upper()
    if roll < 0.2:
        return name.rsplit(" ", 1)[0] if name.endswith(("A/S", "ApS", "I/S", "P/S")) else name
    if roll < 0.25:
        return name.replace("ø", "o").replace("å", "aa").replace("æ", "ae")
    return name


def linkedin_export(rows: int, seed: int = 1) -> bytes:
    """A LinkedIn Connections.csv of `rows` rows in the current format, about 3% of them duplicates."""
    rng = random.Random(seed)
    organisations = _organisations(rng)
    out = io.StringIO()
    out.write('Notes:\r\n"When exporting your connection data, you may notice that some of the email addresses are\r\n')
    out.write('missing. You will only see email addresses for connections who have allowed their connections."\r\n\r\n')
    out.write("First Name,Last Name,URL,Email Address,Company,Position,Connected On\r\n")
    written: list[str] = []
    start = datetime.date(2012, 1, 1)
    for index in range(rows):
        if written and rng.random() < 0.03:
            out.write(rng.choice(written))
            continue
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        slug = f"{first}-{last}-{index:05d}".lower()
        organisation = _variant(rng.choice(organisations), rng)
        connected = start + datetime.timedelta(days=rng.randrange(4800))
        email = f"{slug}@example.dk" if rng.random() < 0.05 else ""
        line = (
            f'{first},{last},https://www.linkedin.com/in/{slug},{email},"{organisation}",'
            f'"{rng.choice(TITLES)}",{connected.strftime("%d %b %Y")}\r\n'
        )
        written.append(line)
        out.write(line)
    return out.getvalue().encode("utf-8")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=30_000)
    parser.add_argument("--load", choices=VARIANTS, help=argparse.SUPPRESS)
    options = parser.parse_args(argv)
    if options.load:
        return _import_and_report(options.load, options.rows)
    results = {}
    for vendor, url in databases():
        results[vendor] = {
            variant: run_child("bench.import", url, ["--load", variant, "--rows", str(options.rows)])
            for variant in VARIANTS
        }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"rows": options.rows, "results": results}, indent=2) + "\n")
    for vendor, figures in results.items():
        ours, naive = figures["kaffebro"], figures["naive"]
        ratio = naive["seconds"] / ours["seconds"]
        meets = ours["seconds"] <= TARGET_SECONDS and ratio >= TARGET_RATIO
        print(
            f"contact import, {options.rows:,} LinkedIn rows, {vendor}: kaffebro {ours['seconds']:.2f} s "
            f"(read {ours['read_seconds']:.2f} s, re-import of the same file {ours['reimport_seconds']:.2f} s), "
            f"naive per-row ORM {naive['seconds']:.2f} s: {ratio:.1f}x faster "
            f"[target ≤ {TARGET_SECONDS:.0f} s and ≥ {TARGET_RATIO:.0f}x: {'met' if meets else 'NOT met'}]"
        )
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


def _import_and_report(variant: str, rows: int) -> int:
    """In the child: migrate, load the demo network, then time one import and print its figures as JSON."""
    import django

    django.setup()
    from django.core.management import call_command

    from kaffebro.network.demo import build

    call_command("migrate", verbosity=0)
    build.build_demo(people=2000, seed=1)
    _settle()
    data = linkedin_export(rows)
    member = _new_member()
    figures = _kaffebro(member, data) if variant == "kaffebro" else _naive(member, data)
    print(json.dumps(figures))
    return 0


def _settle() -> None:
    """Write the set-up's pages to disk now, so that neither variant's timing pays for the demo load."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _new_member():
    from kaffebro.accounts.models import User
    from kaffebro.network.members import member_person

    member = User.objects.create_user("bench@kaffebro.example", "bench-password-2026", display_name="Bench")
    member_person(member)
    return member


def _kaffebro(member, data: bytes) -> dict[str, float]:
    from kaffebro.network.importing import actions
    from kaffebro.network.importing.readers import read_contacts

    started = time.perf_counter()
    read_contacts(data)
    read_seconds = time.perf_counter() - started

    def run() -> tuple[float, dict]:
        began = time.perf_counter()
        batch = actions.upload_contacts(member, data=data, filename="Connections.csv")
        batch = actions.confirm_import(member, batch, background=False)
        if batch.status != "done":
            raise SystemExit(f"import failed: {batch.error}")
        return time.perf_counter() - began, batch.counts

    seconds, counts = run()
    reimport_seconds, again = run()
    if again["unchanged"] != counts["created"] + counts["merged"] + counts["confirm"]:
        raise SystemExit(f"a re-import changed something: {again}")
    return {"seconds": seconds, "read_seconds": read_seconds, "reimport_seconds": reimport_seconds, **counts}


def _naive(member, data: bytes) -> dict[str, float]:
    """The baseline: what a first version would do, one row at a time through the ORM, in one transaction."""
    from django.db import transaction

    from kaffebro.network.importing.readers import read_contacts
    from kaffebro.network.models import ContactCard, Organisation, Person, Position, Tie, TieSource

    started = time.perf_counter()
    records = read_contacts(data).records
    me = member.person
    created = 0
    with transaction.atomic():
        for record in records:
            organisation = None
            if record.organisation:
                organisation = Organisation.objects.filter(name__iexact=record.organisation).first()
                if organisation is None:
                    organisation = Organisation.objects.create(name=record.organisation[:200], verified=False)
            known = ContactCard.objects.filter(owner=member)
            if record.profile_url:
                known = known.filter(profile_url=record.profile_url)
            else:
                known = known.filter(full_name=record.full_name)
            if known.exists():
                continue
            person = None
            if organisation is not None:
                position = Position.objects.filter(
                    organisation=organisation, person__name__iexact=record.full_name, end_date__isnull=True
                ).first()
                person = position.person if position else None
            if person is None:
                person = Person.objects.create(name=record.full_name[:200])
                if organisation is not None:
                    Position.objects.create(
                        person=person, organisation=organisation, title=record.title[:200], recorded_by=member
                    )
            ContactCard.objects.create(
                owner=member,
                person=person,
                full_name=record.full_name[:200],
                profile_url=record.profile_url[:500],
                organisation_name=record.organisation[:200],
                title=record.title[:200],
                source=TieSource.IMPORT,
            )
            Tie.objects.get_or_create(
                owner=member,
                person_b=person,
                defaults={"person_a": me, "since": record.connected_on, "source": TieSource.IMPORT},
            )
            created += 1
    return {"seconds": time.perf_counter() - started, "created": created}


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
