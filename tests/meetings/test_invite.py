"""An invitation to coffee from the other side (`actions.invite_to_coffee`): Sofie, who got Mette's profile
or a suggestion of her, invites Mette herself. No introduction and no ready brief are needed; the request
starts in scheduling, tells only Mette, and every page of the request handles it. Refused for oneself and
while the two have an open request, whoever asked; the row "invite" of the table is tried from every state.
"""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from kaffebro.core.models import Event
from kaffebro.meetings import access, actions, states
from kaffebro.meetings.models import MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.network.actions import MAX_TARGETS
from kaffebro.network.members import member_person
from kaffebro.network.models import Organisation, Target, TargetKind, Unit
from kaffebro.notifications import registry
from kaffebro.notifications.models import Notification
from tests.conftest import make_member
from tests.meetings.request_cast import request_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Refusals in English, whatever the Danish catalogue says."""
    with translation.override("en"):
        yield


MESSAGE = "I read your profile: would you like to hear how we work in Digitalisering?"


def invite(inviter, seeker, unit, **extra):
    return actions.invite_to_coffee(inviter, seeker, organisation=unit.organisation, unit=unit, **extra)


class TestAllowed:
    def test_an_invitation_is_a_direct_request_in_scheduling_with_the_inviter_as_the_person(
        self, mette, sofie, digitalisering
    ):
        request = invite(sofie, mette, digitalisering, message=MESSAGE)
        assert request.kind == RequestKind.DIRECT and request.connector is None
        assert request.state == states.TRANSITIONS["invite"].target == RequestState.SCHEDULING
        assert (request.seeker, request.person, request.person_member) == (mette, member_person(sofie), sofie)
        assert request.first_sent is not None and request.reached_person is not None and request.answer_due
        assert request.message == MESSAGE and request.path == [] and access.invited(request)

    def test_it_uses_her_target_and_an_empty_brief_is_allowed(self, mette, sofie, digitalisering):
        target = Target.objects.get(seeker=mette, unit=digitalisering)
        assert not PrepBrief.objects.filter(seeker=mette).exists()
        request = invite(sofie, mette, digitalisering)
        assert request.brief.target == target and request.brief.ask == ""
        assert Target.objects.filter(seeker=mette).count() == 1

    def test_her_brief_for_the_target_is_used_when_she_has_one(self, mette, sofie, digitalisering, brief):
        assert invite(sofie, mette, digitalisering).brief == brief

    def test_a_posting_becomes_her_target_when_it_is_not_yet(self, mette, sofie, digitalisering, posting):
        request = invite(sofie, mette, digitalisering, posting=posting)
        assert request.brief.target.kind == TargetKind.POSTING and request.brief.target.posting == posting
        assert Event.objects.filter(kind="target.added", subject=request.brief.target.code).exists()

    def test_an_organisation_alone_becomes_her_target(self, mette, sofie, region_h):
        request = actions.invite_to_coffee(sofie, mette, organisation=region_h)
        assert request.brief.target.kind == TargetKind.ORGANISATION and request.brief.target.organisation == region_h

    def test_it_writes_one_event_with_ids_only(self, mette, sofie, digitalisering):
        request = invite(sofie, mette, digitalisering, message=MESSAGE)
        event = Event.objects.get(kind="meeting.invited")
        assert (event.actor, event.subject, event.data["request"]) == (sofie, request.code, request.pk)
        assert MESSAGE not in str(event.data)

    def test_after_a_closed_request_she_can_be_invited_again(self, mette, jonas, sofie, brief, digitalisering):
        request_in(RequestState.DECLINED, mette, jonas, sofie, brief)
        assert invite(sofie, mette, digitalisering).state == RequestState.SCHEDULING


class TestRefused:
    def test_not_oneself(self, mette, digitalisering):
        with pytest.raises(actions.Refused, match="yourself"):
            invite(mette, mette, digitalisering)
        assert not MeetingRequest.objects.exists()

    def test_not_twice(self, mette, sofie, digitalisering):
        invite(sofie, mette, digitalisering)
        with pytest.raises(actions.Refused, match="already have an open coffee meeting request"):
            invite(sofie, mette, digitalisering)
        assert MeetingRequest.objects.count() == 1
        assert Event.objects.filter(kind="meeting.invited").count() == 1

    def test_not_while_the_other_one_asked_first(self, mette, sofie, digitalisering):
        """Sofie is looking too and has asked Mette for coffee: that request is still open."""
        other = Target.objects.create(seeker=sofie, kind=TargetKind.UNIT, unit=digitalisering)
        MeetingRequest.objects.create(
            seeker=sofie,
            brief=PrepBrief.objects.create(seeker=sofie, target=other),
            kind=RequestKind.DIRECT,
            person=member_person(mette),
            person_member=mette,
            path=[member_person(mette).pk],
            state=RequestState.WITH_PERSON,
        )
        with pytest.raises(actions.Refused, match="already have an open"):
            invite(sofie, mette, digitalisering)

    def test_a_unit_of_another_organisation(self, mette, sofie, digitalisering):
        elsewhere = Organisation.objects.create(name="Novo Nordisk")
        with pytest.raises(actions.Refused, match="belong to the organisation"):
            actions.invite_to_coffee(sofie, mette, organisation=elsewhere, unit=digitalisering)
        assert not MeetingRequest.objects.exists()

    def test_an_organisation_private_to_someone_else(self, mette, sofie, lars):
        hidden = Organisation.objects.create(name="Lars' hemmelige klub", private_to=lars)
        with pytest.raises(actions.Refused):
            actions.invite_to_coffee(sofie, mette, organisation=hidden)
        assert not Target.objects.filter(seeker=mette, organisation=hidden).exists()

    def test_a_member_who_left(self, mette, sofie, digitalisering):
        mette.is_active = False
        mette.save(update_fields=["is_active"])
        with pytest.raises(actions.Refused, match="no longer on Kaffebro"):
            invite(sofie, mette, digitalisering)

    def test_a_message_too_long_changes_nothing(self, mette, sofie, digitalisering, posting):
        with pytest.raises(actions.Refused):
            invite(sofie, mette, digitalisering, posting=posting, message="x" * (actions.MAX_MESSAGE_CHARS + 1))
        assert not MeetingRequest.objects.exists()
        assert not Target.objects.filter(seeker=mette, posting=posting).exists()

    def test_her_full_list_of_targets_falls_back_to_a_broader_one(self, mette, sofie, digitalisering, region_h):
        for number in range(MAX_TARGETS - 1):
            Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field=f"felt {number}")
        other_unit = Unit.objects.create(organisation=region_h, name="Økonomi")
        assert Target.objects.filter(seeker=mette).count() == MAX_TARGETS
        with pytest.raises(actions.Refused, match="cannot take another target"):
            actions.invite_to_coffee(sofie, mette, organisation=region_h, unit=other_unit)
        Target.objects.create(seeker=mette, kind=TargetKind.ORGANISATION, organisation=region_h)
        Target.objects.filter(seeker=mette, job_field="felt 0").delete()
        Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field="felt x")
        request = actions.invite_to_coffee(sofie, mette, organisation=region_h, unit=other_unit)
        assert request.brief.target.organisation == region_h


@pytest.mark.parametrize("state", RequestState.values)
def test_the_row_invite_is_refused_while_a_request_is_open_and_allowed_after(state, mette, jonas, sofie, brief):
    existing = request_in(state, mette, jonas, sofie, brief, kind=RequestKind.DIRECT)
    before = MeetingRequest.objects.values().get(pk=existing.pk)
    organisation = brief.target.unit.organisation
    if state in states.OPEN:
        with pytest.raises(actions.Refused):
            actions.invite_to_coffee(sofie, mette, organisation=organisation, unit=brief.target.unit)
        assert MeetingRequest.objects.count() == 1
    else:
        request = actions.invite_to_coffee(sofie, mette, organisation=organisation, unit=brief.target.unit)
        assert request.state == states.TRANSITIONS["invite"].target
    assert MeetingRequest.objects.values().get(pk=existing.pk) == before


def test_the_row_starts_from_no_state():
    assert states.TRANSITIONS["invite"].sources == ()
    assert all("invite" not in states.actions_from(state) for state in RequestState.values)


class TestWhoIsNotified:
    def test_only_the_seeker_in_her_language_by_mail_and_inbox(
        self, mette, sofie, jonas, digitalisering, django_capture_on_commit_callbacks
    ):
        mette.language = "en"
        mette.save(update_fields=["language"])
        with django_capture_on_commit_callbacks(execute=True):
            request = invite(sofie, mette, digitalisering, message=MESSAGE)
        assert list(Notification.objects.values_list("recipient", flat=True)) == [mette.pk]
        assert [message.to for message in mail.outbox] == [[mette.email]]
        assert mail.outbox[0].subject == "Sofie Holm invites you to a coffee meeting"
        assert MESSAGE in mail.outbox[0].body
        rendered = registry.render_for(Event.objects.get(kind="meeting.invited"), mette)
        assert rendered.link == reverse("meetings:request", args=[request.code])

    def test_the_text_renders_in_danish_without_placeholders(self, mette, sofie, digitalisering):
        invite(sofie, mette, digitalisering)
        rendered = registry.render_for(Event.objects.get(kind="meeting.invited"), mette)
        assert rendered.subject and "Sofie Holm" in rendered.subject and "%(" not in rendered.text

    def test_nobody_else_reads_it(self, mette, sofie, jonas, lars, digitalisering):
        invite(sofie, mette, digitalisering)
        event = Event.objects.get(kind="meeting.invited")
        assert registry.render_for(event, jonas) is None and registry.render_for(event, lars) is None


class TestPages:
    def test_both_see_the_request_and_can_find_a_time(self, client, mette, sofie, jonas, lars, digitalisering):
        for member in (mette, sofie):
            member.language = "en"
            member.save(update_fields=["language"])
        request = invite(sofie, mette, digitalisering, message=MESSAGE)
        url = reverse("meetings:request", args=[request.code])
        client.force_login(mette)
        page = client.get(url).content.decode()
        assert "Sofie Holm invited you." in page and "Message from Sofie Holm" in page and MESSAGE in page
        assert "Invited to coffee" in page
        assert access.view_of(mette, request).role == "seeker"
        client.force_login(sofie)
        page = client.get(url).content.decode()
        assert "You invited Mette Kristensen to a coffee meeting" in page and "Your message" in page
        assert access.role_in(sofie, request) == "person"
        starts = (timezone.now() + datetime.timedelta(days=3)).replace(microsecond=0)
        actions.propose_times(sofie, request, [(starts, starts + datetime.timedelta(minutes=45))], "Café Europa")
        picked = actions.pick_time(mette, request, request.proposed_times.get())
        assert picked.state == RequestState.SCHEDULED
        for stranger in (jonas, lars):
            client.force_login(stranger)
            assert client.get(url).status_code == 404

    def test_it_is_listed_for_both(self, client, mette, sofie, digitalisering):
        request = invite(sofie, mette, digitalisering)
        for member in (mette, sofie):
            client.force_login(member)
            assert request.code in client.get(reverse("meetings:list")).content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL: real row locks between connections")
def test_sixteen_invitations_at_once_make_one_request(sofie, digitalisering):
    mette = make_member("mette2@example.org", "Mette To")
    barrier, done, refused, errors = threading.Barrier(16), [], [], []

    def click():
        try:
            barrier.wait(timeout=30)
            done.append(invite(sofie, mette, digitalisering))
        except actions.Refused as refusal:
            refused.append(refusal)
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=click) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and (len(done), len(refused)) == (1, 15)
    assert MeetingRequest.objects.filter(seeker=mette).count() == 1
    assert Target.objects.filter(seeker=mette).count() == 1
