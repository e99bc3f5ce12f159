"""The synthetic demo network: invented Danish organisations, persons and ties, and ten demo logins.

Everything it writes is made up and labelled: organisations carry the alias
`demo`, websites are under `example.org`, and every e-mail address is under the
reserved `.example` domain. The logins share one published password, so the
`demo` command refuses to create them on a production server (DEBUG off)
unless told to with `--allow-production-logins`.
"""

from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "kaffebro-demo-2026"
DEMO_EMAIL_DOMAIN = "kaffebro.example"
DEMO_SITE_URL = "http://127.0.0.1:8000"

DEMO_LOGINS = [
    ("mette@kaffebro.example", _("Job seeker from a private career, aiming at Digitalisering in Region Østkysten")),
    ("henrik@kaffebro.example", _("Job seeker from a public career, aiming at an energy company")),
    ("jonas@kaffebro.example", _("Connector who knows the decision-maker in Mette's target unit")),
    ("freja@kaffebro.example", _("Connector working inside Region Østkysten")),
    ("karin@kaffebro.example", _("Connector who keeps some contacts private")),
    ("ali@kaffebro.example", _("Self-employed connector in energy")),
    ("birthe@kaffebro.example", _("Career coach in a job club")),
    ("signe@kaffebro.example", _("Decision-maker in Digitalisering, Mette's target unit")),
    ("peter@kaffebro.example", _("Decision-maker at Nordlys Pharma (uses Kaffebro in English)")),
    ("olga@kaffebro.example", _("Operator")),
]
