"""`manage.py privacy_chores`: the retention rules (docs/privacy.md, "Retention").

Run it once a day from cron or a systemd timer. It warns members whose accounts have been unused for
INACTIVE_ACCOUNT_WARN_DAYS, erases those still unused after INACTIVE_ACCOUNT_DELETE_DAYS, and deletes suggestions
and coffee-meeting requests that ended long enough ago. Safe to repeat: a warning is sent once, and everything
else only deletes what is due.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kaffebro.core.personal_data import run_chores


class Command(BaseCommand):
    help = "Warn and erase inactive accounts; delete ended suggestions and closed requests past their retention."

    def handle(self, *args, **options) -> None:
        for name, count in run_chores().items():
            self.stdout.write(f"{name.replace('_', ' ')}: {count}")
