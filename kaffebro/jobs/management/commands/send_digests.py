"""`manage.py send_digests`: this week's connector digest, to each connector who has not had it yet.

Run it every hour from cron or a systemd timer (docs/jobs.md, "Connector digest"). It enqueues one
`jobs.digest.send_digest` task per connector; each task writes the week's marker event under a lock
and only when there is none yet, so runs may repeat or overlap and a digest still goes out once a week.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kaffebro.jobs.digest import iso_week, send_digests


class Command(BaseCommand):
    help = "Send this week's connector digest to every connector who has not had it yet."

    def handle(self, *args, **options) -> None:
        queued = send_digests()
        self.stdout.write(f"Queued the digest of week {iso_week()} for {queued} connector(s).")
