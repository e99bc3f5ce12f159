"""The pages of the request flow, per view and role: the seeker Mette, the connector Jonas, the person to meet
Sofie, the stranger Lars (404 everywhere) and an anonymous visitor (sent to log in).

Each page offers exactly the actions the transition table allows for the viewer's role; a refused action
comes back as a translated form error on the same page (200) and changes nothing.
"""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from kaffebro.meetings import actions
from kaffebro.meetings.models import (
    MeetingOutcome,
    MeetingRequest,
    OutcomeKind,
    PrepBrief,
    ProposedTime,
    RequestKind,
    RequestState,
)
from kaffebro.network.models import Target
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in
from tests.conftest import know
from tests.meetings.conftest import brief_fields

pytestmark = pytest.mark.django_db

S = RequestState
ACTION_NAMES = (
    "send",
    "approve",
    "ask_for_changes",
    "decline_introduction",
    "accept",
    "decline",
    "propose_times",
    "pick_time",
    "reschedule",
    "cancel",
    "withdraw",
    "confirm_held",
    "follow_up",
    "record_outcome",
)
POST_ONLY = ACTION_NAMES


# ----------------------------------------------------------------------------------------------- fixtures


def client_for(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def in_english(user):
    user.language = "en"
    user.save(update_fields=["language"])
    return user


@pytest.fixture
def jonas_client(jonas):
    return client_for(in_english(jonas))


@pytest.fixture
def sofie_client(sofie):
    return client_for(in_english(sofie))


@pytest.fixture
def lars_client(lars):
    return client_for(lars)


@pytest.fixture
def brief(english, target) -> PrepBrief:
    return actions.save_brief(english, target, brief_fields("en"), base_version=0)


@pytest.fixture
def make_meeting(english, jonas, sofie, brief):
    """A request from Mette through Jonas to Sofie, put straight into a state (the actions have their own tests)."""

    def make(state=S.WITH_CONNECTOR, **fields) -> MeetingRequest:
        now = timezone.now()
        values = {
            "first_sent": None if state == S.DRAFT else now,
            "reached_person": None if state in (S.DRAFT, S.WITH_CONNECTOR, S.DECLINED) else now,
            "seeker": english,
            "brief": brief,
            "kind": RequestKind.INTRODUCTION,
            "connector": jonas,
            "person": sofie.person,
            "person_member": sofie,
            "path": [jonas.person.pk, sofie.person.pk],
            "state": state,
            "message": "Mettes message to Jonas",
            **fields,
        }
        return MeetingRequest.objects.create(**values)

    return make


def soon(days: int = 3, hour: int = 10) -> datetime.datetime:
    local = timezone.localtime() + datetime.timedelta(days=days)
    return local.replace(hour=hour, minute=0, second=0, microsecond=0)


def scheduled(make_meeting, *, past: bool = False, state=S.SCHEDULED) -> MeetingRequest:
    starts = timezone.now() - datetime.timedelta(hours=2) if past else soon()
    return make_meeting(
        state,
        starts=starts,
        ends=starts + datetime.timedelta(minutes=45),
        place="Kaffebaren, Nørrebrogade 1",
        calendar_sequence=1,
        introduction_note="Sofie, meet Mette.",
    )


def url(name: str, meeting: MeetingRequest) -> str:
    return reverse(f"meetings:{name}", args=[meeting.code])


def offered(html: str, meeting: MeetingRequest) -> set[str]:
    """The actions the page offers: the forms that post to an action of this request."""
    return {name for name in ACTION_NAMES if f'action="{url(name, meeting)}"' in html}


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def state_of(meeting: MeetingRequest) -> str:
    return MeetingRequest.objects.values_list("state", flat=True).get(pk=meeting.pk)


def snapshot(meeting: MeetingRequest) -> tuple:
    return (
        MeetingRequest.objects.values().get(pk=meeting.pk),
        sorted(ProposedTime.objects.filter(request=meeting).values_list("starts", "ends", "proposed_by")),
        sorted(MeetingOutcome.objects.filter(request=meeting).values_list("kind", "note")),
    )


# ----------------------------------------------------------------------------------------------- the path card


@pytest.fixture
def card_link(mette_client, target):
    html = main_of(mette_client.get(reverse("paths:target", args=[target.code])).content.decode())
    match = re.search(r'<a class="button primary" href="([^"]+)">Ask Jonas Berg for an introduction</a>', html)
    assert match, "the path card offers the introduction"
    return match.group(1).replace("&amp;", "&")


class TestThePathCard:
    def test_the_card_links_to_the_start_page_with_a_token(self, card_link):
        parts = urlsplit(card_link)
        assert parts.path == reverse("meetings:start")
        assert parse_qs(parts.query)["way"]

    def test_without_a_request_page_the_card_has_no_button(self, mette_client, target, settings):
        settings.PATH_REQUEST_URL_NAME = ""
        html = main_of(mette_client.get(reverse("paths:target", args=[target.code])).content.decode())
        assert "Through Jonas Berg" in html
        assert "for an introduction" not in html and reverse("meetings:start") not in html

    def test_the_target_page_links_the_brief_and_the_requests(self, mette_client, target):
        html = main_of(mette_client.get(reverse("paths:target", args=[target.code])).content.decode())
        assert reverse("meetings:brief", args=[target.code]) in html
        assert reverse("meetings:list") in html


# ----------------------------------------------------------------------------------------------- start


class TestStart:
    def test_without_a_brief_the_page_asks_for_one_first(self, mette_client, card_link, target):
        response = mette_client.get(card_link)
        html = main_of(response.content.decode())
        assert response.status_code == 200
        assert "Ask Jonas Berg for an introduction" in html
        assert "No brief yet" in html and reverse("meetings:brief", args=[target.code]) in html
        assert 'name="message"' not in html  # nothing to send yet
        assert "Sofie" not in html  # the person to meet is not named to the seeker before the introduction

    def test_with_a_ready_brief_the_page_offers_send(self, mette_client, card_link, brief):
        html = main_of(mette_client.get(card_link).content.decode())
        assert "Ready to ask" in html and 'name="message"' in html and ">Send</button>" in html
        assert not MeetingRequest.objects.exists()  # looking changes nothing

    def test_a_brief_that_is_not_ready_says_what_is_missing(self, mette_client, card_link, english, target):
        actions.save_brief(english, target, brief_fields("en", ask="A job"), base_version=0)
        html = main_of(mette_client.get(card_link).content.decode())
        assert "Almost ready" in html and "must be ready before the request can be sent" in html

    def test_sending_creates_the_request_with_the_connector(self, mette_client, card_link, brief, jonas):
        token = parse_qs(urlsplit(card_link).query)["way"][0]
        response = mette_client.post(reverse("meetings:start"), {"way": token, "message": "Hej Jonas!"})
        meeting = MeetingRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == url("request", meeting)
        assert (meeting.state, meeting.connector, meeting.message) == (S.WITH_CONNECTOR, jonas, "Hej Jonas!")

    def test_a_brief_that_is_not_ready_refuses_and_leaves_nothing(self, mette_client, card_link, english, target):
        actions.save_brief(english, target, brief_fields("en", ask="A job"), base_version=0)
        token = parse_qs(urlsplit(card_link).query)["way"][0]
        response = mette_client.post(reverse("meetings:start"), {"way": token, "message": ""})
        assert response.status_code == 200
        assert response.context["form"].errors
        assert not MeetingRequest.objects.exists()

    def test_a_message_with_a_nul_character_is_explained(self, mette_client, card_link, brief):
        token = parse_qs(urlsplit(card_link).query)["way"][0]
        response = mette_client.post(reverse("meetings:start"), {"way": token, "message": "Hej\x00"})
        assert response.status_code == 200 and "message" in response.context["form"].errors
        assert not MeetingRequest.objects.exists()

    def test_asking_again_shows_the_open_request(self, mette_client, card_link, brief):
        token = parse_qs(urlsplit(card_link).query)["way"][0]
        mette_client.post(reverse("meetings:start"), {"way": token, "message": "Hej Jonas!"})
        meeting = MeetingRequest.objects.get()
        response = mette_client.post(reverse("meetings:start"), {"way": token, "message": "Igen!"}, follow=True)
        assert response.redirect_chain[-1][0] == url("request", meeting)
        assert "You have already asked for this meeting." in response.content.decode()
        assert MeetingRequest.objects.get().message == "Hej Jonas!"

    def test_a_direct_request_from_the_card_goes_to_the_member(
        self, mette_client, english, sofie, target, brief, sofie_client
    ):
        know(english, sofie.person)  # Mette knows Sofie herself: a direct way in
        html = main_of(mette_client.get(reverse("paths:target", args=[target.code])).content.decode())
        link = re.search(r'<a class="button primary" href="([^"]+)">Ask Sofie Holm for a coffee meeting</a>', html)
        assert link
        page = main_of(mette_client.get(link.group(1).replace("&amp;", "&")).content.decode())
        assert "Sofie Holm gets your request with your brief" in page
        token = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["way"][0]
        mette_client.post(reverse("meetings:start"), {"way": token, "message": "Hej Sofie"})
        meeting = MeetingRequest.objects.get()
        assert (meeting.kind, meeting.state, meeting.person_member) == (RequestKind.DIRECT, S.WITH_PERSON, sofie)
        invitations = main_of(sofie_client.get(reverse("meetings:list")).content.decode())
        assert url("request", meeting) in invitations
        html = sofie_client.get(url("request", meeting)).content.decode()
        assert offered(html, meeting) == {"accept", "decline"} and "Hej Sofie" in html  # a direct message is hers

    def test_a_way_straight_to_someone_who_is_not_a_member_offers_no_request(
        self, mette_client, english, region_h, digitalisering, target
    ):
        from kaffebro.network.models import Person, Position

        outsider = Person.objects.create(name="Ulla Udenfor")
        Position.objects.create(person=outsider, organisation=region_h, unit=digitalisering, title="Konsulent")
        know(english, outsider)
        html = main_of(mette_client.get(reverse("paths:target", args=[target.code])).content.decode())
        card = html.split("You know Ulla Udenfor", 1)[1].split("</article>", 1)[0]
        assert "Kaffebro does not write to them" in card and reverse("meetings:start") not in card

    def test_from_a_place_that_is_not_a_target_yet(self, mette_client, english, region_h):
        html = main_of(mette_client.get(reverse("paths:organisation", args=[region_h.code])).content.decode())
        link = re.search(r'<a class="button primary" href="([^"]+)">Ask Jonas Berg for an introduction</a>', html)
        assert link
        token = parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query)["way"][0]
        page = main_of(mette_client.get(reverse("meetings:start"), {"way": token}).content.decode())
        assert "not among your targets yet" in page and 'name="draft" value="1"' in page
        response = mette_client.post(reverse("meetings:start"), {"way": token, "draft": "1"})
        new_target = Target.objects.get(seeker=english, organisation=region_h)
        assert response.status_code == 302 and response["Location"] == reverse("meetings:brief", args=[new_target.code])
        meeting = MeetingRequest.objects.get()
        assert (meeting.state, meeting.brief.target) == (S.DRAFT, new_target)
        html = main_of(mette_client.get(url("request", meeting)).content.decode())
        assert offered(html, meeting) == {"send", "withdraw"}
        assert "must be ready before the request can be sent" in html  # the empty brief is not ready

    def test_an_altered_or_missing_token_is_404(self, mette_client, card_link):
        assert mette_client.get(card_link[:-3] + "xyz").status_code == 404
        assert mette_client.get(reverse("meetings:start")).status_code == 404
        assert mette_client.post(reverse("meetings:start"), {"way": "nonsense"}).status_code == 404

    def test_the_stranger_with_mettes_token_gets_404(self, lars_client, card_link, brief):
        assert lars_client.get(card_link).status_code == 404
        token = parse_qs(urlsplit(card_link).query)["way"][0]
        assert lars_client.post(reverse("meetings:start"), {"way": token}).status_code == 404
        assert not MeetingRequest.objects.exists()

    def test_a_way_that_is_gone_is_explained(self, mette_client, english, target, brief, sofie):
        token = sign_way_in(english.pk, TargetSpec.for_target(target), (sofie.person.pk,))  # not one of her ways
        response = mette_client.get(reverse("meetings:start"), {"way": token})
        assert response.status_code == 200
        assert "This way in is no longer open" in response.content.decode()

    def test_anonymous_is_sent_to_log_in(self, card_link):
        response = Client().get(card_link)
        assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


# ----------------------------------------------------------------------------------------------- the request page

EXPECTED = [
    # state, role, the actions offered
    (S.DRAFT, "seeker", {"send", "withdraw"}),
    (S.WITH_CONNECTOR, "seeker", {"withdraw"}),
    (S.WITH_CONNECTOR, "connector", {"approve", "ask_for_changes", "decline_introduction"}),
    (S.WITH_PERSON, "seeker", {"withdraw"}),
    (S.WITH_PERSON, "connector", set()),
    (S.WITH_PERSON, "person", {"accept", "decline"}),
    (S.SCHEDULING, "seeker", {"propose_times", "cancel"}),
    (S.SCHEDULING, "connector", set()),
    (S.SCHEDULING, "person", {"propose_times", "cancel"}),
    (S.DECLINED, "seeker", set()),
    (S.DECLINED, "connector", set()),
    (S.FOLLOWED_UP, "seeker", {"record_outcome"}),
]


def _id(value) -> str:
    return "+".join(sorted(value)) or "nothing" if isinstance(value, set) else str(value)


@pytest.fixture
def clients(mette_client, jonas_client, sofie_client):
    return {"seeker": mette_client, "connector": jonas_client, "person": sofie_client}


class TestTheRequestPage:
    @pytest.mark.parametrize(("state", "role", "expected"), EXPECTED, ids=_id)
    def test_each_role_is_offered_exactly_what_the_table_allows(self, clients, make_meeting, state, role, expected):
        meeting = make_meeting(state)
        response = clients[role].get(url("request", meeting))
        assert response.status_code == 200
        assert offered(response.content.decode(), meeting) == expected

    def test_scheduled_before_and_after_the_meeting(self, clients, make_meeting):
        meeting = scheduled(make_meeting)
        for role in ("seeker", "person"):
            html = clients[role].get(url("request", meeting)).content.decode()
            assert offered(html, meeting) == {"reschedule", "cancel"}
            assert url("invitation", meeting) in html
        MeetingRequest.objects.filter(pk=meeting.pk).update(
            starts=timezone.now() - datetime.timedelta(hours=2), ends=timezone.now() - datetime.timedelta(hours=1)
        )
        html = clients["seeker"].get(url("request", meeting)).content.decode()
        assert offered(html, meeting) == {"reschedule", "cancel", "confirm_held"}
        assert "Did the meeting happen?" in html
        connector_html = clients["connector"].get(url("request", meeting)).content.decode()
        assert offered(connector_html, meeting) == set() and url("invitation", meeting) not in connector_html
        assert "Kaffebaren" not in connector_html  # the connector does not need the place or the time

    def test_held_the_seeker_follows_up_and_gets_the_thank_you_text(self, clients, make_meeting):
        meeting = scheduled(make_meeting, past=True, state=S.HELD)
        MeetingRequest.objects.filter(pk=meeting.pk).update(seeker_says_held=True)
        html = clients["seeker"].get(url("request", meeting)).content.decode()
        assert offered(html, meeting) == {"follow_up", "record_outcome"}
        assert 'id="thank-you-text"' in html
        person_html = clients["person"].get(url("request", meeting)).content.decode()
        assert offered(person_html, meeting) == {"confirm_held"}  # Sofie has not said yet
        assert 'id="thank-you-text"' not in person_html

    def test_the_connector_sees_the_brief_the_path_and_a_prefilled_introduction(self, jonas_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        response = jonas_client.get(url("request", meeting))
        html = main_of(response.content.decode())
        assert "Mette Kristensen asks you for an introduction" in html
        assert "patient portal" in html  # the brief
        assert "Mettes message to Jonas" in html
        assert response.context["forms"].approve.initial["note"].startswith("Hi ")
        assert "Mette Kristensen" in response.context["forms"].approve.initial["note"]
        assert "“Not now” does not count against anyone" in html

    def test_the_seeker_sees_the_state_as_a_timeline(self, mette_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        html = main_of(mette_client.get(url("request", meeting)).content.decode())
        stages = html.split('<ol class="stages"', 1)[1].split("</ol>", 1)[0]
        assert stages.count("<li") == 7
        assert stages.count('class="stage-done"') == 1 and stages.count('aria-current="step"') == 1
        assert "With the connector" in stages.split('aria-current="step"', 1)[1].split("</li>", 1)[0]

    def test_the_seeker_does_not_see_a_hidden_name_before_the_introduction(self, mette_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        html = main_of(mette_client.get(url("request", meeting)).content.decode())
        assert "Sofie" not in html and "Holm" not in html
        meeting.state, meeting.reached_person = S.WITH_PERSON, timezone.now()
        meeting.save()
        assert "Sofie Holm" in main_of(mette_client.get(url("request", meeting)).content.decode())

    def test_the_person_sees_the_brief_only_once_introduced(self, sofie_client, make_meeting):
        meeting = make_meeting(S.WITH_PERSON, introduction_note="Sofie, meet Mette.")
        response = sofie_client.get(url("request", meeting))
        html = main_of(response.content.decode())
        assert response.status_code == 200
        assert "patient portal" in html and "Sofie, meet Mette." in html
        assert "Mettes message to Jonas" not in html  # her message was to Jonas

    def test_a_declined_not_now_is_explained(self, mette_client, make_meeting):
        meeting = make_meeting(S.DECLINED, decline_reason="not_now")
        html = main_of(mette_client.get(url("request", meeting)).content.decode())
        assert "Not now" in html and "does not count against anyone" in html

    def test_for_a_non_member_the_connector_gets_the_text_and_records_the_answer(
        self, jonas_client, make_meeting, jonas
    ):
        from kaffebro.network.models import Person

        birgit = Person.objects.create(name="Birgit Ikkemedlem")
        meeting = make_meeting(S.WITH_PERSON, person=birgit, person_member=None, path=[jonas.person.pk, birgit.pk])
        html = jonas_client.get(url("request", meeting)).content.decode()
        assert offered(html, meeting) == {"accept", "decline"}
        assert 'id="introduction-text"' in html and "/privacy/object/" in html
        assert "They said yes" in html and "They said no" in html

    def test_the_stranger_gets_404_on_every_page(self, lars_client, make_meeting):
        meeting = scheduled(make_meeting)
        for name in ("request", "invitation"):
            assert lars_client.get(url(name, meeting)).status_code == 404
        for name in ACTION_NAMES:
            assert lars_client.post(url(name, meeting), {}).status_code == 404
        assert lars_client.get(reverse("meetings:request", args=["Zq7madeUpX9k"])).status_code == 404

    def test_anonymous_is_sent_to_log_in(self, make_meeting):
        meeting = make_meeting()
        for name in ("request", "invitation", *ACTION_NAMES):
            response = Client().get(url(name, meeting))
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    @pytest.mark.parametrize("name", POST_ONLY)
    def test_actions_refuse_get(self, mette_client, make_meeting, name):
        meeting = make_meeting()
        before = snapshot(meeting)
        assert mette_client.get(url(name, meeting)).status_code == 405
        assert snapshot(meeting) == before

    def test_query_count_is_small_and_fixed(self, clients, make_meeting, django_assert_max_num_queries):
        meeting = scheduled(make_meeting)
        for number in range(3):
            ProposedTime.objects.create(
                request=meeting, starts=soon(4 + number), ends=soon(4 + number, 11), proposed_by=meeting.seeker
            )
        for role in ("seeker", "person"):
            with django_assert_max_num_queries(8):
                assert clients[role].get(url("request", meeting)).status_code == 200

    def test_the_connectors_page_has_a_fixed_number_of_queries_too(
        self, jonas_client, make_meeting, django_assert_max_num_queries
    ):
        """The connector's page also searches the connector's own paths, to show the path on from them."""
        meeting = make_meeting(S.WITH_CONNECTOR)
        jonas_client.get(url("request", meeting))  # the first search of a process builds the path index
        with django_assert_max_num_queries(14):
            assert jonas_client.get(url("request", meeting)).status_code == 200


# ----------------------------------------------------------------------------------------------- the invitation


class TestTheInvitation:
    def test_the_two_who_meet_download_it(self, clients, make_meeting):
        meeting = scheduled(make_meeting)
        for role in ("seeker", "person"):
            response = clients[role].get(url("invitation", meeting))
            assert response.status_code == 200
            assert response["Content-Type"].startswith("text/calendar")
            assert "attachment" in response["Content-Disposition"]
            assert b"BEGIN:VCALENDAR" in response.content

    def test_nobody_else_and_not_before_a_time_is_agreed(self, clients, lars_client, make_meeting):
        meeting = scheduled(make_meeting)
        assert clients["connector"].get(url("invitation", meeting)).status_code == 404
        assert lars_client.get(url("invitation", meeting)).status_code == 404
        unscheduled = make_meeting(S.SCHEDULING, person=meeting.connector.person, path=[meeting.connector.person.pk])
        assert clients["seeker"].get(url("invitation", unscheduled)).status_code == 404


# ----------------------------------------------------------------------------------------------- the actions


class TestTheActions:
    def test_the_connector_approves(self, jonas_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        response = jonas_client.post(url("approve", meeting), {"note": "Sofie, meet Mette: she is good."})
        assert response.status_code == 302 and response["Location"] == url("request", meeting)
        meeting.refresh_from_db()
        assert (meeting.state, meeting.introduction_note) == (S.WITH_PERSON, "Sofie, meet Mette: she is good.")

    def test_approving_twice_is_a_form_error_not_a_crash(self, jonas_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        jonas_client.post(url("approve", meeting), {"note": "First."})
        before = snapshot(meeting)
        response = jonas_client.post(url("approve", meeting), {"note": "Second."})
        assert response.status_code == 200
        assert "already moved on" in response.content.decode()
        assert snapshot(meeting) == before

    def test_an_empty_introduction_is_a_form_error(self, jonas_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        response = jonas_client.post(url("approve", meeting), {"note": "  "})
        assert response.status_code == 200 and "note" in response.context["forms"].approve.errors
        assert state_of(meeting) == S.WITH_CONNECTOR

    def test_the_connector_asks_for_changes(self, jonas_client, mette_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        jonas_client.post(url("ask_for_changes", meeting), {"changes": "Say which project you mean."})
        assert state_of(meeting) == S.DRAFT
        html = main_of(mette_client.get(url("request", meeting)).content.decode())
        assert "Say which project you mean." in html and offered(html, meeting) == {"send", "withdraw"}

    def test_the_connector_declines_not_now(self, jonas_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        jonas_client.post(url("decline_introduction", meeting), {"reason": "not_now"})
        meeting.refresh_from_db()
        assert (meeting.state, meeting.decline_reason) == (S.DECLINED, "not_now")

    def test_a_made_up_reason_changes_nothing(self, jonas_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        before = snapshot(meeting)
        response = jonas_client.post(url("decline_introduction", meeting), {"reason": "because"})
        assert response.status_code == 200 and response.context["forms"].decline_introduction.errors
        assert snapshot(meeting) == before

    def test_the_seeker_cannot_approve_her_own_request(self, mette_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        before = snapshot(meeting)
        response = mette_client.post(url("approve", meeting), {"note": "I approve myself."})
        assert response.status_code == 200 and response.context["problems"]  # said above the actions she has
        assert snapshot(meeting) == before

    def test_the_person_accepts(self, sofie_client, make_meeting):
        meeting = make_meeting(S.WITH_PERSON)
        assert sofie_client.post(url("accept", meeting)).status_code == 302
        assert state_of(meeting) == S.SCHEDULING

    def test_the_person_declines(self, sofie_client, make_meeting):
        meeting = make_meeting(S.WITH_PERSON)
        assert sofie_client.post(url("decline", meeting), {"reason": "no"}).status_code == 302
        meeting.refresh_from_db()
        assert (meeting.state, meeting.decline_reason) == (S.DECLINED, "no")

    def test_times_proposed_and_picked(self, mette_client, sofie_client, make_meeting):
        meeting = make_meeting(S.SCHEDULING)
        first, second = soon(3), soon(4, 14)
        response = mette_client.post(
            url("propose_times", meeting),
            {
                "starts": [first.strftime("%Y-%m-%dT%H:%M"), second.strftime("%Y-%m-%dT%H:%M"), ""],
                "duration": "45",
                "place": "Kaffebaren, Nørrebrogade 1",
            },
        )
        assert response.status_code == 302
        times = list(ProposedTime.objects.filter(request=meeting).order_by("starts"))
        assert [time.starts for time in times] == [first, second]
        assert times[0].ends - times[0].starts == datetime.timedelta(minutes=45)
        html = sofie_client.get(url("request", meeting)).content.decode()
        assert offered(html, meeting) == {"propose_times", "pick_time", "cancel"}
        response = sofie_client.post(url("pick_time", meeting), {"proposed": times[1].pk})
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert (meeting.state, meeting.starts) == (S.SCHEDULED, second)

    @pytest.mark.parametrize(
        ("starts", "extra", "message"),
        [
            (["2020-01-01T10:00"], {}, "has already passed"),
            (["{d1}", "{d2}", "{d3}", "{d4}"], {}, "at most 3 times"),
            (["{d1}"], {"place": ""}, "Give a place to meet or a video link."),
            ([], {}, "Propose at least one time."),
            (["not-a-time"], {}, "is not a date and time"),
            (["{d1}"], {"place": "", "video_link": "javascript:alert(1)"}, "Enter a valid URL."),
        ],
        ids=["past", "four", "no-place", "none", "garbage", "bad-link"],
    )
    def test_bad_times_are_explained_and_change_nothing(self, mette_client, make_meeting, starts, extra, message):
        meeting = make_meeting(S.SCHEDULING)
        days = {f"d{number}": soon(number + 1).strftime("%Y-%m-%dT%H:%M") for number in range(1, 5)}
        data = {"starts": [value.format(**days) for value in starts], "duration": "45", "place": "Café", **extra}
        before = snapshot(meeting)
        response = mette_client.post(url("propose_times", meeting), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert snapshot(meeting) == before

    def test_the_errors_are_in_the_viewers_language(self, mette, make_meeting):
        mette.language = "da"
        mette.save(update_fields=["language"])
        meeting = make_meeting(S.SCHEDULING)
        response = client_for(mette).post(url("propose_times", meeting), {"duration": "45", "place": "Café"})
        html = response.content.decode()
        assert response.status_code == 200 and '<html lang="da">' in html
        with translation.override("da"):
            assert gettext("Propose at least one time.") in html
            assert gettext("Please correct the marked fields.") in html

    def test_held_then_followed_up(self, mette_client, make_meeting):
        meeting = scheduled(make_meeting, past=True)
        mette_client.post(url("confirm_held", meeting), {"happened": "yes"})
        assert state_of(meeting) == S.HELD
        response = mette_client.post(
            url("follow_up", meeting),
            {
                "learned": "They roll out the portal region by region.",
                "next_step": "Apply before the deadline.",
                "outcome_name_passed_on": "on",
                "note_name_passed_on": "To the head of unit",
            },
        )
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.state == S.FOLLOWED_UP and meeting.next_step == "Apply before the deadline."
        assert list(meeting.outcomes.values_list("kind", "note")) == [
            (OutcomeKind.NAME_PASSED_ON, "To the head of unit")
        ]

    def test_a_follow_up_without_what_was_learned_changes_nothing(self, mette_client, make_meeting):
        meeting = scheduled(make_meeting, past=True, state=S.HELD)
        before = snapshot(meeting)
        response = mette_client.post(url("follow_up", meeting), {"learned": "", "next_step": "Apply."})
        assert response.status_code == 200 and "learned" in response.context["forms"].follow_up.errors
        assert snapshot(meeting) == before

    def test_the_seeker_withdraws(self, mette_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        assert mette_client.post(url("withdraw", meeting)).status_code == 302
        assert state_of(meeting) == S.WITHDRAWN

    def test_a_second_click_explains_that_it_moved_on(self, mette_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        mette_client.post(url("withdraw", meeting))
        before = snapshot(meeting)
        response = mette_client.post(url("withdraw", meeting))
        assert response.status_code == 200 and "already moved on" in response.content.decode()
        assert 'role="alert"' in response.content.decode()
        assert snapshot(meeting) == before


# ----------------------------------------------------------------------------------------------- the list


class TestTheList:
    def test_three_sections_for_three_roles(self, mette_client, jonas_client, sofie_client, make_meeting):
        meeting = make_meeting(S.WITH_CONNECTOR)
        mine = main_of(mette_client.get(reverse("meetings:list")).content.decode())
        assert url("request", meeting) in mine.split('id="mine-heading"', 1)[1].split("</section>", 1)[0]
        assert "Introduction through Jonas Berg" in mine and "Sofie" not in mine
        to_answer = main_of(jonas_client.get(reverse("meetings:list")).content.decode())
        assert url("request", meeting) in to_answer.split('id="to_answer-heading"', 1)[1].split("</section>", 1)[0]
        invitations = main_of(sofie_client.get(reverse("meetings:list")).content.decode())
        assert url("request", meeting) not in invitations  # not until Jonas introduces her

    def test_the_stranger_sees_none_of_it(self, lars_client, make_meeting):
        meeting = make_meeting(S.WITH_PERSON)
        html = lars_client.get(reverse("meetings:list")).content.decode()
        assert meeting.code not in html and "Mette" not in html

    def test_the_list_is_paginated_with_a_fixed_number_of_queries(
        self, mette_client, make_meeting, english, jonas, django_assert_max_num_queries, settings
    ):
        from kaffebro.network.models import Person

        settings.PAGE_SIZE = 5
        for number in range(12):
            person = Person.objects.create(name=f"Person {number}")
            make_meeting(S.DECLINED, person=person, person_member=None, path=[jonas.person.pk, person.pk])
        with django_assert_max_num_queries(10):
            response = mette_client.get(reverse("meetings:list"))
        html = response.content.decode()
        assert html.count('<tr data-code="') == 5 and "Page 1 of 3" in html
        with django_assert_max_num_queries(10):
            html = mette_client.get(reverse("meetings:list"), {"mine_page": "3"}).content.decode()
        assert html.count('<tr data-code="') == 2
        assert mette_client.get(reverse("meetings:list"), {"mine_page": "x\x00"}).status_code == 200
