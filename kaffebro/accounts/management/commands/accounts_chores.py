"""`manage.py accounts_chores`: delete log-in counts and rate-limit windows that no longer matter.

Run it every hour or so from cron or a systemd timer (docs/security.md). It is safe to repeat and to
overlap with another run: it only deletes rows that nothing reads any more.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kaffebro.accounts.ratelimit import delete_passed_windows
from kaffebro.accounts.throttle import delete_forgotten


class Command(BaseCommand):
    help = "Delete failed-log-in counts a day old and rate-limit windows that have passed."

    def handle(self, *args, **options) -> None:
        throttles = delete_forgotten()
        windows = delete_passed_windows()
        self.stdout.write(f"Deleted {throttles} old log-in count(s) and {windows} passed rate-limit window(s).")
