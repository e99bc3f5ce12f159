"""The API against its own schema, with schemathesis, as a client would meet it over HTTP.

`st run` tests every operation of /api/v1/schema/ on a live server, acting as Mette with a
personal token: examples, coverage (boundary and invalid values), fuzzing and stateful
sequences (links it infers from the schema), with a fixed seed. A real object of Mette's
stands behind every code in a path, so the tests get past the 404. It must find no server
error, no answer that breaks the schema (status, content type, body) and no operation that
answers without authentication. Bounded to about a minute.
"""

import datetime
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

import pytest

from kaffebro.api.actions import create_token
from kaffebro.jobs.actions import outcomes as outcome_actions
from kaffebro.jobs.actions import shares as share_actions
from kaffebro.jobs.models import CoachAccess
from kaffebro.meetings import actions as meeting_actions
from kaffebro.meetings.models import RequestState
from kaffebro.network.actions import add_target
from kaffebro.network.importing.actions import upload_contacts
from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Position, Posting, SeekerProfile, TargetKind
from kaffebro.paths.targets import TargetSpec
from tests.conftest import know, make_member
from tests.jobs.conftest import cards_of, give_consent, suggestion_of
from tests.meetings.conftest import brief_fields
from tests.meetings.request_cast import propose, request_in, token_for

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # About a minute of fuzzing: CI runs it once, in the SQLite pass. The endpoints' database behaviour is
    # covered on PostgreSQL by the rest of tests/api.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="schemathesis runs once per CI run, in the SQLite pass",
    ),
]

ST = Path(sys.executable).with_name("st")
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "ignored_auth",
)
MAX_EXAMPLES = 8  # per operation: 79 operations stay within MAX_SECONDS
MAX_SECONDS = 50
CONTACT_FILE = b"First Name,Last Name,Company,Position\nKaren,Vestergaard,Region Hovedstaden,Dataarkitekt\n"


@dataclass(frozen=True)
class Codes:
    contact: str
    target: str
    spare_target: str
    brief: str
    request: str
    waiting_import: str
    organisation: str
    spare_token: str
    way: str
    posting: str
    consent: str
    waiting_share: str
    suggestion: str
    outcome: str
    coach_grant: str
    playable: str


def seeker_in_mettes_care(mette) -> str:
    """Hanne, a seeker who gave Mette a standing consent, so Mette may put her in play: her profile's code."""
    hanne = make_member("hanne@example.org", "Hanne Dahl")
    profile = SeekerProfile.objects.create(user=hanne, headline="Projektleder", job_fields=["projektledelse"])
    know(hanne, member_person(mette))
    give_consent(hanne, mette)
    return profile.code


def mette_decides_somewhere(mette) -> None:
    """Mette decides on hiring in a small foundation, so the managers' endpoints answer her with data too."""
    foundation = Organisation.objects.create(name="Kaffefonden")
    Position.objects.create(
        person=member_person(mette), organisation=foundation, title="Formand", is_decision_maker=True
    )


@pytest.fixture
def codes(mette, jonas, sofie, karen, birthe, region_h, digitalisering) -> Codes:
    target = mette.targets.get()
    spare = add_target(mette, TargetKind.FIELD, job_field="dataanalyse", region="hovedstaden")
    brief = meeting_actions.save_brief(mette, target, brief_fields("en"), base_version=0)
    scheduling = request_in(RequestState.SCHEDULING, mette, jonas, sofie, brief)
    propose(scheduling, sofie)
    posting = Posting.objects.create(organisation=region_h, unit=digitalisering, title="Dataanalytiker")
    grant = CoachAccess.objects.create(seeker=mette, coach=birthe)
    know(birthe, member_person(sofie))
    waiting = share_actions.send_share(birthe, mette, cards_of(birthe, member_person(sofie)), "Mød Mette.")
    mette_decides_somewhere(mette)
    outcome = outcome_actions.record_outcome(
        mette, mette, "applied", date=datetime.date(2026, 1, 5), credit="advertised", target=target
    )
    return Codes(
        contact=mette.contact_cards.get().code,
        target=target.code,
        spare_target=spare.code,
        brief=brief.code,
        request=scheduling.code,
        waiting_import=upload_contacts(mette, data=CONTACT_FILE, filename="kontakter.csv").code,
        organisation=region_h.code,
        spare_token=create_token(mette, "spare").token.code,
        way=token_for(mette, TargetSpec.for_unit(digitalisering), karen.pk, hops=2),
        posting=posting.code,
        consent=give_consent(mette, jonas).code,
        waiting_share=waiting.code,
        suggestion=suggestion_of(mette, jonas, sofie, posting=posting).code,
        outcome=outcome.code,
        coach_grant=grant.code,
        playable=seeker_in_mettes_care(mette),
    )


def config(codes: Codes) -> str:
    """schemathesis.toml: the real code for each operation's path, and real references in bodies and queries.

    The spare target and token are the ones a DELETE may remove; the token the run uses stays.
    """
    fixed = {
        "/api/v1/contacts/{code}/": {"path.code": codes.contact},
        "/api/v1/targets/{code}/": {"path.code": codes.spare_target},
        "/api/v1/targets/{code}/move/": {"path.code": codes.target},
        "/api/v1/briefs/{code}/": {"path.code": codes.brief},
        "/api/v1/briefs/": {"body.target": codes.spare_target},
        "/api/v1/briefs/readiness/": {"body.target": codes.target},
        "/api/v1/requests/": {"body.way": codes.way},
        "/api/v1/requests/{code}/": {"path.code": codes.request},
        "/api/v1/requests/{code}/{action}/": {"path.code": codes.request},
        "/api/v1/imports/{code}/": {"path.code": codes.waiting_import},
        "/api/v1/imports/{code}/{action}/": {"path.code": codes.waiting_import},
        "/api/v1/organisations/{code}/": {"path.code": codes.organisation},
        "/api/v1/tokens/{code}/": {"path.code": codes.spare_token},
        "/api/v1/paths/": {"query.target": codes.target},
        "/api/v1/postings/": {"body.organisation": codes.organisation},
        "/api/v1/postings/{code}/": {"path.code": codes.posting},
        "/api/v1/postings/{code}/{action}/": {"path.code": codes.posting},
        "/api/v1/consents/{code}/withdraw/": {"path.code": codes.consent},
        "/api/v1/shares/{code}/": {"path.code": codes.waiting_share},
        "/api/v1/shares/{code}/{action}/": {"path.code": codes.waiting_share},
        "/api/v1/suggestions/{code}/": {"path.code": codes.suggestion},
        "/api/v1/suggestions/{code}/{action}/": {"path.code": codes.suggestion},
        "/api/v1/inbox/{code}/{action}/": {"path.code": codes.suggestion},
        "/api/v1/outcomes/": {"body.target": codes.target},
        "/api/v1/outcomes/{code}/": {"path.code": codes.outcome},
        "/api/v1/coaching/coaches/{code}/withdraw/": {"path.code": codes.coach_grant},
        "/api/v1/shares/seekers/{code}/suggested-recipients/": {"path.code": codes.playable},
        "/api/v1/postings/places/": {"query.q": "Kaffe"},
    }
    blocks = []
    for path, parameters in fixed.items():
        values = ", ".join(f'"{name}" = "{value}"' for name, value in parameters.items())
        blocks.append(f'[[operations]]\ninclude-path = "{path}"\nparameters = {{ {values} }}\n')
    return "\n".join(blocks)


def test_the_api_answers_as_its_schema_says(live_server, mette, codes, settings, tmp_path):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"read": "100000/minute", "write": "100000/minute", "search": "100000/minute"},
    }
    config_file = tmp_path / "schemathesis.toml"
    config_file.write_text(config(codes))
    token = create_token(mette, "schemathesis").value
    command = [
        str(ST),
        f"--config-file={config_file}",
        "run",
        f"{live_server.url}/api/v1/schema/",
        "--phases=examples,coverage,fuzzing,stateful",
        f"--checks={','.join(CHECKS)}",
        "--seed=1",
        f"--max-examples={MAX_EXAMPLES}",
        f"--max-time={MAX_SECONDS}",
        "--workers=1",
        "--request-timeout=20",
        "--no-color",
        "--header",
        f"Authorization: Bearer {token}",
        "--report=junit",
        f"--report-dir={tmp_path}",
    ]
    started = time.monotonic()
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=MAX_SECONDS + 60,
        env={**os.environ, "NO_COLOR": "1"},
    )
    assert result.returncode == 0, result.stdout[-20000:] + result.stderr[-3000:]
    report = ElementTree.parse(next(tmp_path.glob("junit*.xml"))).getroot()
    counted = [
        (int(suite.get("tests", 0)), int(suite.get("failures", 0)), int(suite.get("errors", 0)))
        for suite in report.iter("testsuite")
    ]
    assert sum(tests for tests, _f, _e in counted) >= 30, "every operation is tested"
    assert sum(failures + errors for _t, failures, errors in counted) == 0
    assert time.monotonic() - started < MAX_SECONDS + 30
