"""Helpers for the meetings tests: Mette's target, a good brief in Danish and in English, and a posting.

For the request tests: Mette's ready `brief`, and `karen`, who works in Digitalisering, is not a
member, and is known by Jonas.
"""

import datetime

import pytest

from kaffebro.meetings import actions
from kaffebro.meetings.actions import BriefFields
from kaffebro.meetings.models import PrepBrief
from kaffebro.network.models import Person, Position, Posting, Strength, Target, TargetKind
from tests.conftest import know

GOOD_DA = {
    "knowledge": (
        "Digitalisering i Region Hovedstaden samler hospitalernes it-projekter. Jeg har læst strategien for 2030 "
        "og ved, at I er i gang med en ny patientportal."
    ),
    "offer": "Jeg har otte års erfaring med dataanalyse og har ledet indførelsen af et nyt journalsystem i en kommune.",
    "difference": (
        "Min erfaring med at få klinikere til at bruge nye systemer kan gøre udrulningen af patientportalen lettere."
    ),
    "ask": "Vil du fortælle mig, hvordan I planlægger udrulningen af patientportalen?",
    "their_gain": "Et frisk blik udefra på, hvordan kommunerne har grebet det an.",
    "read_website": True,
    "knows_unit": True,
    "read_news": True,
}

GOOD_EN = {
    "knowledge": (
        "Digitalisering at Region Hovedstaden runs the IT projects of the hospitals. I have read the 2030 strategy "
        "and know that you are building a new patient portal."
    ),
    "offer": "I have eight years of experience in data analysis and led the roll-out of a new record system.",
    "difference": "My experience getting clinicians to adopt new systems could make the portal roll-out smoother.",
    "ask": "Could you tell me how you plan the roll-out of the patient portal?",
    "their_gain": "A fresh outside view of how municipalities handled the same change.",
    "read_website": True,
    "knows_unit": True,
    "read_news": True,
}

GOOD = {"da": GOOD_DA, "en": GOOD_EN}


def brief_fields(language: str = "en", **changes) -> BriefFields:
    return BriefFields(**{**GOOD[language], **changes})


def form_data(language: str = "en", *, version: int = 0, **changes) -> dict:
    """The brief as the form posts it: ticked boxes send "on", unticked ones nothing."""
    values = {**GOOD[language], **changes}
    data = {name: value for name, value in values.items() if not isinstance(value, bool)}
    data.update({name: "on" for name, value in values.items() if value is True})
    data["version"] = str(version)
    return data


@pytest.fixture
def english(mette):
    """Mette reading in English, so assertions on page text hold whatever the Danish catalogue says."""
    mette.language = "en"
    mette.save(update_fields=["language"])
    return mette


@pytest.fixture
def mette_client(client, english):
    client.force_login(english)
    return client


@pytest.fixture
def target(mette) -> Target:
    return Target.objects.get(seeker=mette)


@pytest.fixture
def posting(region_h, digitalisering) -> Posting:
    return Posting.objects.create(
        organisation=region_h, unit=digitalisering, title="Dataanalytiker", deadline=datetime.date(2026, 3, 25)
    )


@pytest.fixture
def posting_target(mette, posting) -> Target:
    return Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=posting, priority=2)


# The request tests (tests/meetings/request_cast.py has the rest of their cast).


@pytest.fixture
def brief(mette) -> PrepBrief:
    """Mette's ready brief for Digitalisering."""
    return actions.save_brief(mette, Target.objects.get(seeker=mette), brief_fields("en"), base_version=0)


@pytest.fixture
def karen(jonas, region_h, digitalisering) -> Person:
    """Karen works in Digitalisering and is not a member; Jonas knows her."""
    person = Person.objects.create(name="Karen Vestergaard")
    Position.objects.create(person=person, organisation=region_h, unit=digitalisering, title="Dataarkitekt")
    know(jonas, person, strength=Strength.KNOW_WELL, organisation=region_h, title="Dataarkitekt")
    return person
