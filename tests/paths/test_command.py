"""`manage.py paths`: a member's ways in on the command line, in their language, with clear errors."""

import io
import re

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from kaffebro.network.models import Organisation, Posting, Target

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("paths", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def target(mette) -> Target:
    return Target.objects.get(seeker=mette)


def test_the_members_own_target_in_english(mette, target):
    output = run("--user", "METTE@example.org", f"--target={target.code}", "--language", "en")
    lines = output.splitlines()
    assert lines[0] == "Ways in to Digitalisering, Region Hovedstaden"
    assert lines[1] == "1 way in."
    assert lines[3].startswith("1. Score ") and lines[3].endswith(", 2 steps")
    assert "You → Jonas Berg → a decision-maker in Digitalisering at Region Hovedstaden" in output
    assert "Jonas Berg (former colleague, very strong tie) knows a decision-maker" in output
    assert "How the score is made up:" in output and "Your tie to Jonas Berg" in output and "Path length" in output
    assert "Sofie" not in output and "Holm" not in output


def test_in_the_members_own_language(mette, target):
    output = run("--user", mette.email, f"--target={target.code}")
    assert mette.language == "da"
    assert output.splitlines()[0] == "Veje ind til Digitalisering, Region Hovedstaden"
    assert "Sofie" not in output


def test_an_organisation_a_unit_and_a_posting(mette, region_h, digitalisering):
    posting = Posting.objects.create(organisation=region_h, unit=digitalisering, title="Dataanalytiker")
    for code, name in (
        (region_h.code, "Region Hovedstaden"),
        (digitalisering.code, "Digitalisering, Region Hovedstaden"),
        (posting.code, "Dataanalytiker, Region Hovedstaden"),
    ):
        output = run("--user", mette.email, f"--target={code}", "--language", "en", "--k", "1")
        assert output.splitlines()[0] == f"Ways in to {name}"
        assert "1. Score" in output and "2. Score" not in output


def test_no_ways_in(lars, region_h):
    output = run("--user", lars.email, f"--target={region_h.code}", "--language", "en")
    assert "No ways in yet." in output


def test_unknown_member(target):
    with pytest.raises(CommandError, match=re.escape("No active member has the e-mail address nobody@example.org")):
        run("--user", "nobody@example.org", f"--target={target.code}")


def test_unknown_code(mette):
    with pytest.raises(CommandError, match=re.escape("is none of mette@example.org's targets")):
        run("--user", mette.email, "--target", "Zq7madeUpX9k")


def test_malformed_code(mette):
    with pytest.raises(CommandError, match="is none of"):
        run("--user", mette.email, "--target", "'; DROP TABLE x; --")


def test_another_members_target_or_private_organisation_is_unknown(lars, target):
    private = Organisation.objects.create(name="Bageriet Holm", private_to=target.seeker)
    for code in (target.code, private.code):
        with pytest.raises(CommandError, match="is none of"):
            run("--user", lars.email, f"--target={code}")


def test_k_must_be_positive(mette, target):
    with pytest.raises(CommandError, match="--k must be at least 1"):
        run("--user", mette.email, f"--target={target.code}", "--k", "0")


def test_exit_status_is_non_zero_on_the_command_line(mette):
    utility = ManagementUtility(["manage.py", "paths", "--user", "nobody@example.org", "--target", "Zq7madeUpX9k"])
    with pytest.raises(SystemExit) as exited:
        utility.execute()
    assert exited.value.code != 0
