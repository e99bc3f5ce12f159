"""Coach access and the caseload: Mette lets Birthe follow her search and takes it back; Birthe sees
her caseload, who is stalled, and writes notes Mette reads. Kim is a coach Mette never chose; Lars is
no coach at all. Withdrawal takes effect on the very next request.
"""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.jobs.access import coaching as access
from kaffebro.jobs.actions import coaching as actions
from kaffebro.jobs.models import CoachAccess, CoachNote
from kaffebro.jobs.notices.coaching import access_recipients, note_recipients, render_access, render_note
from kaffebro.meetings.models import RequestState
from kaffebro.network.models import SeekerProfile, Target, TargetKind
from kaffebro.notifications.models import Notification
from tests.conftest import log_in_with_second_factor, make_member
from tests.meetings.request_cast import request_in

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    """A fresh client logged in as the member, past the second factor coaches must pass (docs/security.md)."""
    client = Client(raise_request_exception=False)
    log_in_with_second_factor(client, user)
    return client


@pytest.fixture
def granted(mette, birthe) -> CoachAccess:
    return actions.grant_coach_access(mette, "birthe@example.org")


def seeker_url(grant: CoachAccess) -> str:
    return reverse("jobs:coaching_seeker", args=[grant.code])


class TestGranting:
    def test_mette_lets_birthe_follow_her_search_by_e_mail_address(
        self, mette, birthe, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            grant = actions.grant_coach_access(mette, "  Birthe@Example.org ")
        assert (grant.seeker, grant.coach, grant.withdrawn) == (mette, birthe, None)
        event = Event.objects.get(kind="coaching.grant")
        assert event.actor == mette and event.data == {"access": grant.pk, "coach": birthe.pk}
        notification = Notification.objects.get()
        assert notification.recipient == birthe
        with translation.override("en"):
            rendered = render_access(notification.event, birthe)
        assert rendered.subject == "Mette Kristensen has given you access to their job search"
        assert rendered.link == seeker_url(grant)

    @pytest.mark.parametrize("email", ["lars@example.org", "nobody@example.org", "", "x" * 300, "a\x00b@example.org"])
    def test_no_coach_with_that_address_is_refused(self, mette, lars, email):
        with pytest.raises(actions.Refused) as refused:
            actions.grant_coach_access(mette, email)
        assert refused.value.field == "email"
        assert not CoachAccess.objects.exists()

    def test_an_inactive_coach_is_refused(self, mette, birthe):
        birthe.is_active = False
        birthe.save(update_fields=["is_active"])
        with pytest.raises(actions.Refused):
            actions.grant_coach_access(mette, birthe.email)

    def test_a_coach_cannot_coach_herself(self, birthe):
        with pytest.raises(actions.Refused):
            actions.grant_coach_access(birthe, birthe.email)

    def test_the_same_coach_twice_is_refused(self, mette, granted):
        with pytest.raises(actions.Refused):
            actions.grant_coach_access(mette, "birthe@example.org")
        assert CoachAccess.objects.count() == 1

    def test_at_most_five_coaches_at_once(self, mette):
        for number in range(actions.MAX_OPEN_ACCESSES):
            make_member(f"coach{number}@example.org", f"Coach {number}", is_coach=True)
            actions.grant_coach_access(mette, f"coach{number}@example.org")
        make_member("one-more@example.org", "One More", is_coach=True)
        with pytest.raises(actions.Refused):
            actions.grant_coach_access(mette, "one-more@example.org")

    def test_after_a_withdrawal_she_may_grant_again_with_a_new_code(self, mette, granted):
        actions.withdraw_coach_access(mette, granted)
        again = actions.grant_coach_access(mette, "birthe@example.org")
        assert again.code != granted.code and again.withdrawn is None


class TestWithdrawing:
    def test_the_coach_gets_404_on_the_next_request(self, mette, birthe, granted, django_capture_on_commit_callbacks):
        coach = logged_in(birthe)
        assert coach.get(seeker_url(granted)).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            actions.withdraw_coach_access(mette, granted)
        assert coach.get(seeker_url(granted)).status_code == 404
        assert coach.post(reverse("jobs:coaching_note", args=[granted.code]), {"text": "Hej"}).status_code == 404
        assert "Mette" not in coach.get(reverse("jobs:coaching_caseload")).content.decode()
        assert Event.objects.filter(kind="coaching.withdraw", subject=granted.code).count() == 1
        notification = Notification.objects.get(kind="coaching.withdraw")
        assert notification.recipient == birthe
        with translation.override("en"):
            assert render_access(notification.event, birthe).link == ""

    def test_withdrawing_twice_is_refused(self, mette, granted):
        actions.withdraw_coach_access(mette, granted)
        with pytest.raises(actions.Refused):
            actions.withdraw_coach_access(mette, CoachAccess.objects.get(pk=granted.pk))

    def test_only_the_seeker_withdraws(self, birthe, lars, granted):
        for someone in (birthe, lars):
            with pytest.raises(actions.Refused):
                actions.withdraw_coach_access(someone, granted)
        assert CoachAccess.objects.get(pk=granted.pk).withdrawn is None

    def test_through_the_page(self, mette, birthe, granted):
        seeker = logged_in(mette)
        response = seeker.post(reverse("jobs:coaching_withdraw", args=[granted.code]))
        assert response.status_code == 302
        assert CoachAccess.objects.get(pk=granted.pk).withdrawn is not None
        assert logged_in(birthe).get(seeker_url(granted)).status_code == 404

    def test_nobody_else_reaches_her_grant(self, lars, birthe, granted):
        url = reverse("jobs:coaching_withdraw", args=[granted.code])
        for someone in (lars, birthe):
            assert logged_in(someone).post(url).status_code == 404
        assert CoachAccess.objects.get(pk=granted.pk).withdrawn is None


class TestMyCoachesPage:
    def test_she_grants_from_the_page(self, mette, birthe):
        mette_client = logged_in(mette)
        assert mette_client.get(reverse("jobs:coaching_mine")).status_code == 200
        response = mette_client.post(reverse("jobs:coaching_mine"), {"email": "birthe@example.org"})
        assert response.status_code == 302
        assert CoachAccess.objects.get().coach == birthe

    @pytest.mark.parametrize("email", ["lars@example.org", "not an address"])
    def test_a_refusal_is_a_form_error(self, mette, lars, email):
        response = logged_in(mette).post(reverse("jobs:coaching_mine"), {"email": email})
        assert response.status_code == 200 and response.context["form"].errors["email"]
        assert not CoachAccess.objects.exists()


class TestWhoSeesWhat:
    @pytest.mark.parametrize("who", ["mette", "lars", "jonas"])
    def test_a_member_who_is_no_coach_gets_403_on_the_caseload(self, request, who):
        member = request.getfixturevalue(who)
        assert logged_in(member).get(reverse("jobs:coaching_caseload")).status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, granted):
        for url in (reverse("jobs:coaching_caseload"), seeker_url(granted), reverse("jobs:coaching_mine")):
            assert client.get(url).status_code == 302

    @pytest.mark.parametrize(("who", "status"), [("kim", 404), ("lars", 403), ("jonas", 403), ("mette", 403)])
    def test_anyone_but_her_coach_is_refused_her_page(self, request, granted, who, status):
        """Another coach gets 404 (her page is not his); a member who is no coach lacks the role: 403."""
        member = request.getfixturevalue(who)
        viewer = logged_in(member)
        assert viewer.get(seeker_url(granted)).status_code == status
        assert viewer.post(reverse("jobs:coaching_note", args=[granted.code]), {"text": "Hej"}).status_code == status
        assert not CoachNote.objects.exists()

    def test_kims_caseload_is_empty(self, kim, granted):
        page = logged_in(kim).get(reverse("jobs:coaching_caseload")).content.decode()
        assert "Mette" not in page

    def test_a_coach_no_longer_a_coach_sees_nothing(self, birthe, granted):
        birthe.is_coach = False
        birthe.save(update_fields=["is_coach"])
        coach = logged_in(birthe)
        assert coach.get(reverse("jobs:coaching_caseload")).status_code == 403
        assert coach.get(seeker_url(granted)).status_code == 403

    def test_the_caseload_link_is_shown_to_coaches_only(self, birthe, lars):
        caseload = reverse("jobs:coaching_caseload")
        assert f'href="{caseload}"' in logged_in(birthe).get(reverse("jobs:pipeline")).content.decode()
        assert f'href="{caseload}"' not in logged_in(lars).get(reverse("jobs:pipeline")).content.decode()


class TestTheCaseload:
    def test_birthe_sees_mettes_targets_best_way_requests_and_meetings(
        self, mette, jonas, sofie, birthe, granted, brief
    ):
        request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
        request_in(RequestState.FOLLOWED_UP, mette, jonas, sofie, brief, person=jonas.person)
        page = logged_in(birthe).get(reverse("jobs:coaching_caseload"))
        assert page.status_code == 200
        (case,) = page.context["page"].object_list
        assert (case.seeker, case.activity.open_requests, case.activity.meetings_held) == (mette, 1, 1)
        ((placed, best),) = case.targets
        assert placed.target.unit.name == "Digitalisering"
        assert (best.count, best.hops, best.role) == (1, 2, "unit_decision_maker")
        text = page.content.decode()
        assert "1 way in; the best: 2 steps to a decision-maker in the unit" in text
        # The shape of the way, never a name from her own contacts.
        assert "Sofie" not in text and "Jonas" not in text

    def test_the_seekers_page_shows_her_pipeline_without_names_from_her_network(
        self, mette, jonas, sofie, birthe, granted, brief
    ):
        request_in(RequestState.HELD, mette, jonas, sofie, brief)
        response = logged_in(birthe).get(seeker_url(granted))
        assert response.status_code == 200
        (summary,) = response.context["summaries"]
        assert (summary.stage, summary.meetings_held, summary.best.hops) == ("coffee_held", 1, 2)
        page = response.content.decode()
        assert "Mette Kristensen" in page and "Sofie" not in page and "Jonas" not in page


class TestStalled:
    def test_no_activity_for_fourteen_days_is_stalled_and_comes_first(
        self, monkeypatch, mette, jonas, sofie, birthe, brief
    ):
        quiet = make_member("quiet@example.org", "Anne Stille")
        Target.objects.create(seeker=quiet, kind=TargetKind.UNIT, unit=brief.target.unit)
        actions.grant_coach_access(quiet, "birthe@example.org")
        actions.grant_coach_access(mette, "birthe@example.org")
        started = timezone.now()
        frozen = started + datetime.timedelta(days=15)
        monkeypatch.setattr(timezone, "now", lambda: frozen)
        # Mette was active a day ago (frozen time); Anne has done nothing since she granted access.
        request_in(RequestState.WITH_CONNECTOR, mette, jonas, sofie, brief)
        Event.objects.filter(actor=mette).update(created=frozen - datetime.timedelta(days=1))
        Event.objects.filter(actor=quiet).update(created=started)
        response = logged_in(birthe).get(reverse("jobs:coaching_caseload"))
        cases = list(response.context["page"].object_list)
        assert [(case.seeker.display_name, case.stalled) for case in cases] == [
            ("Anne Stille", True),
            ("Mette Kristensen", False),
        ]
        assert response.content.decode().count('data-testid="stalled"') == 1

    def test_within_the_days_nobody_is_stalled(self, mette, birthe, granted):
        (case,) = access.caseload(birthe).object_list
        assert case.stalled is False and case.activity.last is not None

    def test_the_days_are_a_setting(self, settings, monkeypatch, mette, birthe, granted):
        settings.COACH_STALLED_DAYS = 3
        frozen = timezone.now() + datetime.timedelta(days=4)
        monkeypatch.setattr(timezone, "now", lambda: frozen)
        (case,) = access.caseload(birthe).object_list
        assert case.stalled is True


class TestNotes:
    def test_birthe_writes_a_note_mette_reads_on_her_pipeline(
        self, mette, birthe, granted, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = logged_in(birthe).post(
                reverse("jobs:coaching_note", args=[granted.code]), {"text": "Ring til Jonas i denne uge."}
            )
        assert response.status_code == 302
        note = CoachNote.objects.get()
        assert (note.seeker, note.coach, note.text) == (mette, birthe, "Ring til Jonas i denne uge.")
        assert "Ring til Jonas i denne uge." in logged_in(mette).get(reverse("jobs:pipeline")).content.decode()
        notification = Notification.objects.get(kind="coaching.note")
        assert notification.recipient == mette
        with translation.override("en"):
            rendered = render_note(notification.event, mette)
        assert rendered.subject == "A note from your coach Birthe Madsen"
        assert "Ring til Jonas" in rendered.text and rendered.link == "/jobs/pipeline/#notes"

    def test_a_note_stays_with_the_seeker_after_she_withdraws(self, mette, birthe, granted):
        actions.add_coach_note(birthe, granted, "Godt møde i dag.")
        actions.withdraw_coach_access(mette, granted)
        assert "Godt møde i dag." in logged_in(mette).get(reverse("jobs:pipeline")).content.decode()
        with pytest.raises(actions.Refused):
            actions.add_coach_note(birthe, granted, "Endnu en note.")
        assert CoachNote.objects.count() == 1

    @pytest.mark.parametrize("text", ["", "   ", "x" * 4001, "nul\x00"])
    def test_bad_notes_are_refused(self, birthe, granted, text):
        with pytest.raises(actions.Refused):
            actions.add_coach_note(birthe, granted, text)
        assert not CoachNote.objects.exists()

    def test_an_empty_note_from_the_page_is_a_form_error(self, birthe, granted):
        response = logged_in(birthe).post(reverse("jobs:coaching_note", args=[granted.code]), {"text": ""})
        assert response.status_code == 200 and response.context["form"].errors["text"]

    def test_only_her_coach_writes(self, kim, granted):
        with pytest.raises(actions.Refused):
            actions.add_coach_note(kim, granted, "Hej")

    def test_the_coach_sees_only_her_own_notes(self, mette, birthe, kim, granted):
        kims = actions.grant_coach_access(mette, kim.email)
        actions.add_coach_note(kim, kims, "Kims note")
        actions.add_coach_note(birthe, granted, "Birthes note")
        page = logged_in(birthe).get(seeker_url(granted)).content.decode()
        assert "Birthes note" in page and "Kims note" not in page

    def test_recipients_are_the_seeker_only(self, mette, birthe, granted):
        actions.add_coach_note(birthe, granted, "Hej")
        assert note_recipients(Event.objects.get(kind="coaching.note")) == [mette.pk]
        assert access_recipients(Event.objects.get(kind="coaching.grant")) == [birthe.pk]


def _caseload_queries(coach_client) -> int:
    url = reverse("jobs:coaching_caseload")
    coach_client.get(url)  # the first search publishes the graph snapshot
    with CaptureQueriesContext(connection) as queries:
        assert coach_client.get(url).status_code == 200
    return len(queries)


def test_the_caseload_costs_the_same_queries_for_one_seeker_as_for_many(
    mette, jonas, sofie, birthe, granted, brief, digitalisering
):
    request_in(RequestState.FOLLOWED_UP, mette, jonas, sofie, brief)
    coach = logged_in(birthe)
    one = _caseload_queries(coach)
    for number in range(4):
        seeker = make_member(f"seeker{number}@example.org", f"Seeker {number}")
        SeekerProfile.objects.create(user=seeker, headline="Looking")
        Target.objects.create(seeker=seeker, kind=TargetKind.UNIT, unit=digitalisering)
        Target.objects.create(seeker=seeker, kind=TargetKind.ORGANISATION, organisation=digitalisering.organisation)
        actions.grant_coach_access(seeker, birthe.email)
    assert _caseload_queries(coach) == one
    assert one <= 14, one


def test_the_seekers_page_costs_the_same_queries_for_one_target_as_for_many(
    mette, birthe, granted, region_h, digitalisering
):
    coach = logged_in(birthe)
    url = seeker_url(granted)
    coach.get(url)
    with CaptureQueriesContext(connection) as first:
        coach.get(url)
    for name in ("A", "B", "C"):
        unit = region_h.units.create(name=f"Enhed {name}")
        Target.objects.create(seeker=mette, kind=TargetKind.UNIT, unit=unit)
    with CaptureQueriesContext(connection) as many:
        assert coach.get(url).status_code == 200
    assert len(many) == len(first)
