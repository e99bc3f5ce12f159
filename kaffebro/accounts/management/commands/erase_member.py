"""`manage.py erase_member --email EMAIL [--yes]`: erase a member for them, as "Delete my account" would.

For an operator answering an erasure request that arrived by mail or letter (GDPR Art. 17), and for the backup
drill. It runs the very same `erase_member` as the member's own page, so what is deleted, what is neutralised and
the entry in the erasure log (which `replay_erasures` needs after a restore) are the same. Erasure cannot be
undone, so it asks first unless told `--yes`.

Exit codes: 0 erased, 1 not confirmed (nothing erased), 2 no member has that address.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kaffebro.accounts.models import User
from kaffebro.core.personal_data import erase_member

NOT_CONFIRMED = 1
UNKNOWN_MEMBER = 2


class Command(BaseCommand):
    help = "Erase a member and everything that is theirs (what 'Delete my account' does). Cannot be undone."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True, help="the member's e-mail address (letter case ignored)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, **options) -> None:
        email = options["email"].strip()
        member = User.objects.filter(email__iexact=email).first()
        if member is None:
            raise CommandError(
                f"No member has the e-mail address {email}. Nothing was erased.", returncode=UNKNOWN_MEMBER
            )
        if not options["yes"] and not self._confirmed(member):
            raise CommandError("Not confirmed. Nothing was erased.", returncode=NOT_CONFIRMED)
        if not erase_member(member.pk):
            # Erased by someone else (the member themselves, a retention chore) between the look-up and now.
            raise CommandError(f"{email} was erased in the meantime. Nothing more to do.", returncode=UNKNOWN_MEMBER)
        self.stdout.write(f"Erased {email} (member {member.code}); the erasure log holds their ids for replay.")

    def _confirmed(self, member: User) -> bool:
        question = (
            f"Erase {member.email} ({member.display_name}) and everything that is theirs? "
            "This cannot be undone. Type yes to erase: "
        )
        try:
            return input(question).strip().lower() == "yes"
        except EOFError:  # no terminal to ask at (cron, a pipe): not confirmed
            return False
