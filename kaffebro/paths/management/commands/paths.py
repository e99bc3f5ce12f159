"""`manage.py paths --user EMAIL --target CODE`: a member's ranked ways in, as the pages show them.

CODE is one of the member's own targets, or an organisation, unit or job posting the member
may see. The paths are found with the member's own privacy rules (a hidden person has no
name here either) and printed in the member's language, or in `--language`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext, pgettext

from kaffebro.accounts.models import User
from kaffebro.core.converters import looks_like_code
from kaffebro.network import access
from kaffebro.paths.lookups import spec_for, target_name
from kaffebro.paths.results import WaysIn
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec


class Command(BaseCommand):
    help = "Print a member's ranked ways in to one of their targets, an organisation, a unit or a job posting."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="the member's e-mail address")
        parser.add_argument(
            "--target", required=True, help="the code of the member's target, or of an organisation, unit or posting"
        )
        parser.add_argument("--k", type=int, default=10, help="how many paths to show (default 10)")
        parser.add_argument(
            "--language", choices=[code for code, _name in settings.LANGUAGES], help="default: the member's language"
        )

    def handle(self, *args, **options) -> None:
        if options["k"] < 1:
            raise CommandError("--k must be at least 1.")
        user = User.objects.filter(email__iexact=options["user"], is_active=True).first()
        if user is None:
            raise CommandError(f"No active member has the e-mail address {options['user']}.")
        with translation.override(options["language"] or user.language or settings.LANGUAGE_CODE):
            spec, name = self._target(user, options["target"].strip())
            ways = find_paths(user, spec, k=options["k"])
            self._report(name, ways)

    def _target(self, user: User, code: str) -> tuple[TargetSpec, str]:
        """The spec and a readable name for a code, looked up as the member's own pages would."""
        if looks_like_code(code):
            lookups: tuple[tuple[Callable[[User, str], Any], Callable[[Any], str]], ...] = (
                (access.access_target, target_name),
                (access.access_organisation, lambda organisation: organisation.name),
                (access.unit_by_code, lambda unit: f"{unit.name}, {unit.organisation.name}"),
                (access.posting_by_code, lambda posting: f"{posting.title}, {posting.organisation.name}"),
            )
            for lookup, describe in lookups:
                try:
                    found = lookup(user, code)
                except Http404:
                    continue
                return spec_for(found), describe(found)
        raise CommandError(
            f"{code!r} is none of {user.email}'s targets, nor an organisation, unit or posting they may see."
        )

    def _report(self, name: str, ways: WaysIn) -> None:
        write = self.stdout.write
        write(gettext("Ways in to %(target)s") % {"target": name})
        if not ways.paths:
            write(
                gettext(
                    "No ways in yet. Import your contacts, or ask contacts who are members to open their "
                    "network to introductions."
                )
            )
            return
        write(ngettext("%(count)s way in.", "%(count)s ways in.", ways.count) % {"count": ways.count})
        you = pgettext("the seeker on a path", "You")
        for rank, way in enumerate(ways.paths, start=1):
            write("")
            score = formats.number_format(way.score, decimal_pos=1)
            hops = ngettext("%(hops)s step", "%(hops)s steps", way.hops) % {"hops": way.hops}
            write(f"{rank}. " + gettext("Score %(score)s, %(hops)s") % {"score": score, "hops": hops})
            write("   " + " → ".join([you, *(step.shown_as for step in way.steps)]))
            for step in way.steps:
                why = ", ".join(
                    filter(None, [step.role_label if step.name else "", step.how_known, step.strength_label])
                )
                if why:
                    write(f"     {step.shown_as}: {why}")
            if way.explanation:
                write("   " + way.explanation)
            write("   " + gettext("How the score is made up:"))
            for factor in way.factors:
                value = formats.number_format(factor.value, decimal_pos=2)
                detail = f" ({factor.detail})" if factor.detail else ""
                write(f"     {factor.label}{detail}: {value}")
