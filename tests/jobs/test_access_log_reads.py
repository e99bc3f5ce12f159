"""Every page that shows one member's data to another writes Mette's access log (kaffebro/core/access_log.py).

Birthe (her coach) opens her page; Jonas (her helper) opens her profile to put it in play; Sofie and Per open the
card of her profile put in play to them (Per hides his name); Sofie (a decision-maker) opens her suggestion, her
inbox and its CSV; Jonas (the connector) and Sofie (the person to meet) open her coffee request with its brief, on
the site and through the API. Each read writes exactly one row, a reload within ten minutes none; a party reading
their own data, and anyone refused (404), writes nothing. The pages' query counts stay fixed.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kaffebro.core.models import AccessKind, AccessLog
from kaffebro.jobs.actions import shares as share_actions
from kaffebro.jobs.models import CoachAccess
from kaffebro.meetings.models import RequestState
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import SeekerProfile
from tests.api.conftest import client_for as api_client_for
from tests.conftest import know, make_member
from tests.jobs.conftest import cards_of, give_consent, suggestion_of
from tests.meetings.request_cast import request_in

pytestmark = pytest.mark.django_db

NOTE = "Mette and I worked together for three years."
INBOX = reverse("jobs:suggestion_inbox")


def logged(subject) -> list[tuple[str, str, str]]:
    """The subject's log as (viewer e-mail, kind, code)."""
    return list(AccessLog.objects.filter(subject=subject).values_list("viewer__email", "kind", "code"))


def twice(client, url: str, status: int = 200) -> None:
    """Open a page and reload it at once: the log must note it once."""
    for _time in range(2):
        assert client.get(url).status_code == status


# The coach


def test_the_coach_opening_her_page_is_logged_once(client_for, mette, birthe, kim):
    grant = CoachAccess.objects.create(seeker=mette, coach=birthe)
    twice(client_for(birthe), reverse("jobs:coaching_seeker", args=[grant.code]))
    assert logged(mette) == [(birthe.email, AccessKind.COACH_OPENED_SEEKER, grant.code)]
    twice(client_for(kim), reverse("jobs:coaching_seeker", args=[grant.code]), status=404)  # not his seeker
    twice(client_for(birthe), reverse("jobs:coaching_caseload"))  # the list shows nobody's page
    assert len(logged(mette)) == 1


# Profiles in play


@pytest.fixture
def per(jonas):
    """Per is a member in Jonas' contacts who does not show his name in other members' paths."""
    user = make_member("per@example.org", "Per Dahl")
    know(jonas, member_person(user))
    hidden = connector_settings(user)
    hidden.show_name_in_paths = False
    hidden.save()
    return user


@pytest.fixture
def share(mette, jonas, in_play_cast, per):
    give_consent(mette, jonas)
    return share_actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"], member_person(per)), NOTE)


def test_a_helper_opening_her_profile_to_put_it_in_play_is_logged_once(client_for, mette, jonas, lars):
    give_consent(mette, jonas)
    code = mette.seeker_profile.code
    twice(client_for(jonas), reverse("jobs:share_put", args=[code]))
    twice(client_for(lars), reverse("jobs:share_put", args=[code]), status=404)
    twice(client_for(mette), reverse("jobs:share_put", args=[code]), status=404)
    assert logged(mette) == [(jonas.email, AccessKind.HELPER_OPENED_SEEKER, code)]


def test_a_recipient_opening_the_card_is_logged_once_named_as_their_settings_allow(
    client_for, mette, sofie, per, lars, share
):
    sofies, pers = share.recipients.get(member=sofie), share.recipients.get(member=per)
    twice(client_for(sofie), reverse("jobs:share_card", args=[sofies.code]))
    twice(client_for(per), reverse("jobs:share_card", args=[pers.code]))
    twice(client_for(lars), reverse("jobs:share_card", args=[sofies.code]), status=404)
    kind = AccessKind.RECIPIENT_OPENED_CARD
    assert sorted(logged(mette)) == sorted([(sofie.email, kind, sofies.code), (per.email, kind, pers.code)])
    assert AccessLog.objects.get(viewer=per).viewer_named is False
    assert AccessLog.objects.get(viewer=sofie).viewer_named is True
    page = client_for(mette).get(reverse("core:access_log")).content.decode()
    assert "Sofie Holm" in page and "Per Dahl" not in page


# Suggested candidates


@pytest.fixture
def suggestion(mette, jonas, sofie, opening):
    return suggestion_of(mette, jonas, sofie, posting=opening)


def test_the_decision_maker_opening_the_suggestion_is_logged_once(client_for, mette, jonas, sofie, lars, suggestion):
    url = reverse("jobs:suggestion", args=[suggestion.code])
    twice(client_for(sofie), url)
    twice(client_for(jonas), url)  # the colleague who suggested reads what he wrote, not her profile
    twice(client_for(mette), url)
    twice(client_for(lars), url, status=404)
    assert logged(mette) == [(sofie.email, AccessKind.DECISION_MAKER_OPENED_CANDIDATE, suggestion.code)]
    assert AccessLog.objects.get().purpose == "Dataanalytiker, Region Hovedstaden"


def test_the_inbox_logs_each_candidate_it_shows_once(client_for, mette, jonas, birthe, sofie, lars, opening):
    from kaffebro.jobs.models import SuggestionState

    lead = suggestion_of(mette, jonas, sofie, posting=opening)
    suggestion_of(mette, birthe, sofie, posting=opening)  # a second endorsement: the same candidate
    anna = make_member("anna@example.org", "Anna Holt")
    SeekerProfile.objects.create(user=anna, headline="Analytiker")
    annas = suggestion_of(anna, jonas, sofie, posting=opening)
    suggestion_of(lars, jonas, sofie, posting=opening, state=SuggestionState.ARCHIVED)  # filtered out
    twice(client_for(sofie), INBOX)
    kind = AccessKind.DECISION_MAKER_OPENED_CANDIDATE
    assert logged(mette) == [(sofie.email, kind, lead.code)]
    assert logged(anna) == [(sofie.email, kind, annas.code)]
    assert not logged(lars)
    twice(client_for(jonas), INBOX)  # his own inbox is empty
    assert AccessLog.objects.count() == 2


def test_the_inbox_costs_the_same_queries_for_one_candidate_or_many(client_for, sofie, jonas, opening):
    """Logging a page of candidates is one check and one insert, whatever their number."""
    client = client_for(sofie)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(INBOX).status_code == 200
        return len(captured)

    first = make_member("a@example.org", "Anna")
    SeekerProfile.objects.create(user=first, headline="A")
    suggestion_of(first, jonas, sofie, posting=opening)
    one = queries()
    for number in range(6):
        seeker = make_member(f"s{number}@example.org", f"Seeker {number}")
        SeekerProfile.objects.create(user=seeker, headline=f"Headline {number}")
        suggestion_of(seeker, jonas, sofie, posting=opening)
    assert queries() == one
    assert AccessLog.objects.count() == 7
    assert queries() == one - 1  # all logged already: the check, no insert


def test_the_shortlist_logs_each_candidate_in_it_once(client_for, mette, sofie, lars, suggestion):
    url = reverse("jobs:suggestion_shortlist")
    twice(client_for(sofie), url)
    twice(client_for(lars), url)  # his shortlist is empty
    assert logged(mette) == [(sofie.email, AccessKind.DECISION_MAKER_EXPORTED_SHORTLIST, suggestion.code)]


# The coffee request and its brief


@pytest.fixture
def meeting(mette, jonas, sofie, brief):
    return request_in(RequestState.WITH_PERSON, mette, jonas, sofie, brief)


def test_the_connector_and_the_person_opening_the_request_with_her_brief_are_logged_once(
    client_for, mette, jonas, sofie, lars, meeting
):
    url = reverse("meetings:request", args=[meeting.code])
    for member in (jonas, sofie, mette):
        twice(client_for(member), url)
    twice(client_for(lars), url, status=404)
    assert sorted(logged(mette)) == sorted(
        [
            (jonas.email, AccessKind.CONNECTOR_OPENED_BRIEF, meeting.code),
            (sofie.email, AccessKind.PERSON_OPENED_BRIEF, meeting.code),
        ]
    )


def test_the_api_logs_the_same_read(mette, sofie, lars, meeting):
    url = f"/api/v1/requests/{meeting.code}/"
    for _time in range(2):
        assert api_client_for(sofie).get(url).status_code == 200
    assert api_client_for(lars).get(url).status_code == 404
    assert api_client_for(mette).get(url).status_code == 200
    assert logged(mette) == [(sofie.email, AccessKind.PERSON_OPENED_BRIEF, meeting.code)]
