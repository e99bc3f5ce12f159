"""`manage.py job_chores`: the jobs app's timed work, starting with the deadline nudges of postings.

Run it once a day or more often, from cron or a systemd timer, next to `meeting_chores` (the
meetings app may not import this one, so the jobs app has its own command). Each run is safe to
repeat and to overlap with another: a seeker is nudged about a posting at most once, ever.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kaffebro.jobs.actions.postings import send_deadline_nudges


class Command(BaseCommand):
    help = "Remind seekers who target a posting, and have asked nobody for a coffee, as its deadline nears."

    def handle(self, *args, **options) -> None:
        nudged = send_deadline_nudges()
        self.stdout.write(f"Sent {nudged} deadline reminder(s).")
