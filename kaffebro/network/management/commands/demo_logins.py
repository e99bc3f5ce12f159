"""`manage.py demo_logins`: who you can log in as in the demo network, and with which password."""

from django.core.management.base import BaseCommand

from kaffebro.accounts.models import User
from kaffebro.network.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_SITE_URL


class Command(BaseCommand):
    help = "Print the demo logins (e-mail, role, password) and where to open Kaffebro."

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
