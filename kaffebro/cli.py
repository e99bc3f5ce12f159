"""`kaffebro`: the command line of a Kaffebro installation.

Each sub-command wraps the management command that does the work (the same actions as
the web pages), with Django set up from `DJANGO_SETTINGS_MODULE` (default
`kaffebro.settings`; set `DEBUG=1` on a development machine). Exit codes: 0 done, 1 the
work failed (the reason is printed), 2 a usage error: an unknown member, a missing
setting, a wrong argument.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TextIO

CHECKOUT = Path(__file__).resolve().parent.parent
BENCHMARKS = ("demo_load", "import", "paths")
PROGRESS_WIDTH = 30
POLL_SECONDS = 0.2

EPILOG = """
Every command reads the same environment as the web server (see README.md); on a development
machine set DEBUG=1. Exit codes: 0 done, 1 the work failed, 2 a usage error (e.g. an unknown member).
"""


class UsageError(Exception):
    """A mistake in how the command was called: exit code 2."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kaffebro.settings")
    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as error:
        raise UsageError(
            f"{error}\nOn a development machine set DEBUG=1; in production set the variables of README.md."
        ) from error


def call(name: str, *args: str, **options: Any) -> None:
    from django.core.management import call_command

    call_command(name, *args, **options)


def member(email: str):
    """The active member with this address; an unknown address is a usage error (exit code 2)."""
    from kaffebro.accounts.models import User

    found = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if found is None:
        raise UsageError(f"No active member has the e-mail address {email}.")
    return found


# The sub-commands


def serve(options: argparse.Namespace) -> int:
    """Migrate, then serve with a task worker beside the server; Ctrl-C (or SIGTERM) stops both."""
    if not options.no_migrate:
        call("migrate", interactive=False, verbosity=1)
    worker = None
    if not options.no_worker:
        worker = subprocess.Popen([sys.executable, "-m", "django", "db_worker"], env=dict(os.environ))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        call("runserver", f"{options.host}:{options.port}", use_reloader=False)
    finally:
        if worker is not None:
            worker.terminate()
            worker.wait(timeout=10)
    return 0


def demo(options: argparse.Namespace) -> int:
    """What `make run` prepares: the database, the demo network (unless one is loaded), the graph, the logins."""
    call("migrate", interactive=False, verbosity=0)
    sizes = {name: value for name, value in (("people", options.people), ("seed", options.seed)) if value is not None}
    call("demo", if_empty=True, **sizes)
    call("build_graph")
    call("demo_logins")
    return 0


class ImportProgress:
    """Draws the running import's progress from its batch (`processed_rows` of `total_rows`) while it runs."""

    def __init__(self, user, since, stream: TextIO):
        self.user, self.since, self.stream = user, since, stream
        self.last_shown = -1

    def show(self) -> None:
        from kaffebro.network.models import ImportBatch

        batch = ImportBatch.objects.filter(owner=self.user, created__gte=self.since).order_by("-created").first()
        if batch is None or not batch.total_rows:
            return
        done = min(batch.processed_rows, batch.total_rows)
        percent = done * 100 // batch.total_rows
        if self.stream.isatty():
            filled = PROGRESS_WIDTH * done // batch.total_rows
            bar = "#" * filled + "." * (PROGRESS_WIDTH - filled)
            self.stream.write(f"\r[{bar}] {done:,}/{batch.total_rows:,} rows ({percent} %)")
        elif percent // 10 > self.last_shown // 10:  # a log, not a terminal: a line every ten per cent
            self.stream.write(f"Importing: {done:,} of {batch.total_rows:,} rows ({percent} %)\n")
        else:
            return
        self.last_shown = percent
        self.stream.flush()

    def finish(self) -> None:
        self.show()
        if self.stream.isatty() and self.last_shown >= 0:
            self.stream.write("\n")


def run_in_thread(work: Callable[[], None], while_running: Callable[[], None]) -> None:
    """Run `work` in a thread with its own database connection, calling `while_running` until it is done."""
    from django.db import connection

    failure: list[BaseException] = []

    def target() -> None:
        try:
            work()
        except BaseException as error:  # handed to the main thread, which reports it
            failure.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=target, name="kaffebro-import")
    thread.start()
    while thread.is_alive():
        while_running()
        thread.join(POLL_SECONDS)
    if failure:
        raise failure[0]


def import_contacts(options: argparse.Namespace) -> int:
    """The file is read and checked, then imported in one transaction, with a progress bar on standard error."""
    from django.utils import timezone

    user = member(options.user)
    arguments = {
        "user": user.email,
        "format": options.format,
        "dry_run": options.dry_run,
        "keep_contact_details": options.keep_contact_details,
        "remove_missing": options.remove_missing,
        "stdout": sys.stdout,
    }
    progress = ImportProgress(user, timezone.now(), sys.stderr)
    run_in_thread(lambda: call("import_contacts", str(options.file), **arguments), progress.show)
    progress.finish()
    return 0


def paths(options: argparse.Namespace) -> int:
    member(options.user)
    extra = {"language": options.language} if options.language else {}
    call("paths", user=options.user, target=options.target, k=options.k, stdout=sys.stdout, **extra)
    return 0


def export(options: argparse.Namespace) -> int:
    member(options.user)
    extra = {"output": options.output} if options.output else {}
    call("export_member", user=options.user, stdout=sys.stdout, **extra)
    return 0


def bench(options: argparse.Namespace) -> int:
    """The benchmarks live in the checkout (bench/), not in an installed package."""
    if not (CHECKOUT / "bench" / "__main__.py").is_file():
        raise UsageError(f"The benchmarks are not here: {CHECKOUT / 'bench'} is missing (they need a checkout).")
    module = "bench" if options.name == "all" else f"bench.{options.name}"
    return subprocess.call([sys.executable, "-m", module, *options.arguments], cwd=CHECKOUT)


# The parser


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kaffebro",
        description="Kaffebro: warm paths into the organisation where you want to land.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, run: Callable[[argparse.Namespace], int], help: str, **kwargs) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help, epilog=EPILOG, **kwargs)
        sub.set_defaults(run=run, needs_django=name != "bench")
        return sub

    sub = command("serve", serve, "Migrate the database and serve Kaffebro, with a task worker beside it.")
    sub.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    sub.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    sub.add_argument("--no-migrate", action="store_true", help="do not migrate the database first")
    sub.add_argument("--no-worker", action="store_true", help="do not start a task worker (imports, mail, graph)")

    sub = command("demo", demo, "Load the synthetic demo network (unless one is loaded) and print its logins.")
    sub.add_argument("--people", type=int, default=None, help="persons in the network (default: the demo's own)")
    sub.add_argument("--seed", type=int, default=None, help="random seed: the same seed, the same network")

    sub = command("import", import_contacts, "Import a member's contact file (LinkedIn, vCard or CSV).")
    sub.add_argument("file", type=Path, help="the contact file, e.g. Connections.csv or contacts.vcf")
    sub.add_argument("--user", required=True, help="the member's e-mail address")
    sub.add_argument("--format", choices=("auto", "linkedin", "vcard", "csv"), default="auto")
    sub.add_argument("--dry-run", action="store_true", help="report what the import would do; write nothing")
    sub.add_argument("--keep-contact-details", action="store_true", help="keep e-mail addresses and phone numbers")
    sub.add_argument("--remove-missing", action="store_true", help="remove contacts the file no longer has")

    sub = command("paths", paths, "Print a member's ranked ways in to a target, organisation, unit or posting.")
    sub.add_argument("--user", required=True, help="the member's e-mail address")
    sub.add_argument("--target", required=True, help="the code of the member's target, or of an organisation …")
    sub.add_argument("--k", type=int, default=10, help="how many paths to show (default 10)")
    sub.add_argument("--language", choices=("da", "en"), help="default: the member's own language")

    sub = command(
        "export",
        export,
        "Export everything Kaffebro holds about a member (GDPR Art. 15 and 20): JSON on the standard output, "
        "or the member's ZIP download (JSON and one CSV per kind of record) with --output FILE.zip.",
    )
    sub.add_argument("--user", required=True, help="the member's e-mail address")
    sub.add_argument("--output", type=Path, help="write to this file instead (.zip: the JSON and CSV files)")

    sub = command("bench", bench, "Run the benchmarks of a checkout (all, or one of them with its own options).")
    sub.add_argument("name", nargs="?", choices=("all", *BENCHMARKS), default="all", help="which benchmark")
    sub.add_argument("arguments", nargs=argparse.REMAINDER, help="options for that benchmark, e.g. --help")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    options = build_parser().parse_args(argv)
    try:
        if options.needs_django:
            setup_django()
        return options.run(options)
    except UsageError as error:
        print(f"kaffebro {options.command}: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:
        from django.core.management.base import CommandError

        if isinstance(error, CommandError):
            print(f"kaffebro {options.command}: {error}", file=sys.stderr)
            return 1
        raise


if __name__ == "__main__":
    sys.exit(main())
