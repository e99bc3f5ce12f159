"""`manage.py demo_logins`: who you can log in as in the demo network, and with which password."""

from django.core.management.base import BaseCommand

from kaffebro.accounts.models import Authenticator, User
from kaffebro.accounts.totp import grouped
from kaffebro.network.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SITE_URL, DEMO_TOTP_SECRET


class Command(BaseCommand):
    help = "Print the demo logins (e-mail, role, password, the operator's and coach's key) and where to open Kaffebro."

    def handle(self, *args, **options) -> None:
        emails = [email for email, _role in DEMO_LOGINS]
        present = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        if not present:
            self.stdout.write("The demo network is not loaded. Load it with: python manage.py demo")
            return
        self.stdout.write(f"Kaffebro demo at {DEMO_SITE_URL} — every login below has the password {DEMO_PASSWORD}")
        width = max(len(email) for email in emails)
        for email, role in DEMO_LOGINS:
            if email in present:
                self.stdout.write(f"  {email:<{width}}  {role}")
        self._second_factor(emails)

    def _second_factor(self, emails: list[str]) -> None:
        """Operators and coaches also type a code: say which logins, and the key that makes the codes."""
        with_code = Authenticator.objects.filter(member__email__in=emails, secret=DEMO_TOTP_SECRET)
        names = sorted(with_code.values_list("member__email", flat=True))
        if names:
            self.stdout.write(
                f"{', '.join(names)} log in with a second step (two-factor, as every operator and coach): add the key "
                f"{grouped(DEMO_TOTP_SECRET)} to an authenticator app, or run: oathtool --totp -b {DEMO_TOTP_SECRET}"
            )
