"""`manage.py meeting_chores`: close requests nobody answered and send the reminders that are due.

Run it every few minutes from cron or a systemd timer (docs/meetings.md, "Chores"). Each run is
safe to repeat and to overlap with another: every change is a conditional update, so a request is
closed, and a reminder sent, exactly once.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from kaffebro.meetings.actions import expire_requests, send_reminders


class Command(BaseCommand):
    help = "Close coffee-meeting requests that waited too long for an answer and send the reminders that are due."

    def handle(self, *args, **options) -> None:
        expired = expire_requests()
        reminded = send_reminders()
        self.stdout.write(f"Closed {expired} request(s) without an answer; sent {reminded} reminder(s).")
