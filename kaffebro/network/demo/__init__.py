"""The synthetic demo network: invented Danish organisations, persons and ties, and ten demo logins.

Everything it writes is made up and labelled: organisations carry the alias
`demo`, websites are under `example.org`, and every e-mail address is under the
reserved `.example` domain. The logins share one published password, so the
`demo` command refuses to create them on a production server (DEBUG off)
unless told to with `--allow-production-logins`.
"""

from django.dispatch import Signal
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "kaffebro-demo-2026"
# The demo operator and coach log in with a second factor like real ones (docs/security.md); their
# authenticator key is published with the logins, as the password is.
DEMO_TOTP_SECRET = "KAFFEBRODEMOKAFFEBRODEMOKAFFEBRO"
DEMO_EMAIL_DOMAIN = "kaffebro.example"
DEMO_SITE_URL = "http://127.0.0.1:8000"

DEMO_LOGINS = [
    (
        "mette@kaffebro.example",
        _("Job seeker from a private career, aiming at Digitalisering in Region Østkysten; Jonas suggested her there"),
    ),
    (
        "henrik@kaffebro.example",
        _("Job seeker from a public career, aiming at an energy company: his pipeline, and his profile in play"),
    ),
    (
        "jonas@kaffebro.example",
        _("Connector who knows the decision-maker in Mette's target unit; asked Henrik for coffee"),
    ),
    ("freja@kaffebro.example", _("Connector working inside Region Østkysten")),
    ("karin@kaffebro.example", _("Connector who keeps some contacts private")),
    ("ali@kaffebro.example", _("Self-employed connector in energy")),
    ("birthe@kaffebro.example", _("Career coach in a job club: her caseload, and Henrik's profile put in play")),
    ("signe@kaffebro.example", _("Decision-maker in Digitalisering: a suggested candidate waits in her inbox")),
    ("peter@kaffebro.example", _("Decision-maker at Nordlys Pharma (uses Kaffebro in English)")),
    ("olga@kaffebro.example", _("Operator: insights on all job seekers")),
]

demo_loaded = Signal()
"""Sent by `build.build_demo` inside its transaction, once the network is written (keywords `seed`, `people` and
`progress`). The apps after network in the dependency order (meetings, jobs) add their demo activity from a
receiver connected in their `AppConfig.ready`, since network may not import them; a receiver returns
{label: rows written} for the load's summary. A failing receiver undoes the whole load."""
