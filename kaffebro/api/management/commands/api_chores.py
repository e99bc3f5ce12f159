"""`manage.py api_chores`: forget the answers kept for Idempotency-Keys older than API_IDEMPOTENCY_HOURS.

Run it every hour or so from cron or a systemd timer, beside `meeting_chores`; safe to
repeat and to overlap. A key older than that is treated as new even before this runs.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kaffebro.api.actions import expire_idempotency_records


class Command(BaseCommand):
    help = "Forget the API answers kept for Idempotency-Keys older than API_IDEMPOTENCY_HOURS."

    def handle(self, *args, **options) -> None:
        self.stdout.write(f"Forgot {expire_idempotency_records()} idempotency record(s).")
