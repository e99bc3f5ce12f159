"""Who may see a request: each party from the moment it concerns them, and nobody else (404).

Mette (seeker) asks Jonas (connector) to introduce her to Sofie (a member) or to Karen (not a
member); Lars is a stranger to all of it.
"""

import pytest
from django.http import Http404

from kaffebro.meetings import access, actions
from kaffebro.meetings.models import MeetingRequest, RequestState
from kaffebro.network.actions import update_connector_settings
from kaffebro.network.members import member_person
from kaffebro.network.models import ConnectorSettings, Person, Position, Strength
from kaffebro.paths.targets import TargetSpec
from tests.conftest import know, make_member
from tests.meetings.request_cast import NOTE, start_introduction, token_for

pytestmark = pytest.mark.django_db


def visible(user, request: MeetingRequest) -> bool:
    try:
        access.access_request(user, request.code)
    except Http404:
        return False
    assert request in access.requests_for(user)
    return True


def assert_404(user, request: MeetingRequest) -> None:
    with pytest.raises(Http404):
        access.access_request(user, request.code)
    with pytest.raises(Http404):
        access.role_in(user, request)
    assert request not in access.requests_for(user)


@pytest.fixture
def draft(mette, sofie, digitalisering, brief):
    return start_introduction(mette, digitalisering, member_person(sofie).pk)


def test_a_draft_is_the_seekers_alone(draft, mette, jonas, sofie, lars):
    assert visible(mette, draft) and access.role_in(mette, draft) == "seeker"
    for other in (jonas, sofie, lars):
        assert_404(other, draft)


def test_once_sent_the_connector_sees_it_but_not_yet_the_person(draft, mette, jonas, sofie, lars):
    sent = actions.send_request(mette, draft)
    assert visible(jonas, sent) and access.role_in(jonas, sent) == "connector"
    assert_404(sofie, sent)
    assert_404(lars, sent)


def test_once_approved_sofie_sees_it_as_the_person_to_meet(draft, mette, jonas, sofie, lars):
    approved = actions.approve_introduction(jonas, actions.send_request(mette, draft), NOTE)
    assert visible(sofie, approved) and access.role_in(sofie, approved) == "person"
    view = access.view_of(sofie, approved)
    assert view.brief == approved.brief and view.introduction_note and not view.message and view.path is None
    assert_404(lars, approved)


def test_after_changes_are_asked_the_connector_still_sees_the_draft(draft, mette, jonas):
    back = actions.ask_for_changes(jonas, actions.send_request(mette, draft), "Shorter")
    assert back.state == RequestState.DRAFT and visible(jonas, back)


def test_an_ended_request_stays_visible_to_whoever_saw_it(draft, mette, jonas, sofie):
    declined = actions.decline_introduction(jonas, actions.send_request(mette, draft), "not_now")
    assert visible(mette, declined) and visible(jonas, declined)
    assert_404(sofie, declined)


def test_a_direct_request_reaches_the_person_at_once(mette, sofie, jonas, lars, brief):
    request = actions.send_request(mette, actions.start_direct_request(mette, brief.target, sofie), "Hej Sofie")
    view = access.view_of(sofie, request)
    assert view.role == "person" and view.brief == brief and view.message and view.person_name == "Sofie Holm"
    assert_404(jonas, request)  # Jonas has nothing to do with it
    assert_404(lars, request)


def test_the_person_never_sees_the_seekers_other_requests(mette, jonas, sofie, karen, digitalisering, brief):
    to_sofie = actions.approve_introduction(
        jonas, actions.send_request(mette, start_introduction(mette, digitalisering, member_person(sofie).pk)), NOTE
    )
    to_karen = actions.send_request(mette, start_introduction(mette, digitalisering, karen.pk))
    assert list(access.requests_for(sofie)) == [to_sofie]
    assert_404(sofie, to_karen)
    assert set(access.requests_for(mette)) == {to_sofie, to_karen}
    assert set(access.requests_for(jonas)) == {to_sofie, to_karen}


def test_lars_sees_nothing_whatever_the_state(mette, jonas, sofie, lars, digitalisering, brief):
    request = start_introduction(mette, digitalisering, member_person(sofie).pk)
    assert_404(lars, request)
    request = actions.send_request(mette, request)
    assert_404(lars, request)
    request = actions.approve_introduction(jonas, request, NOTE)
    assert_404(lars, request)
    request = actions.accept(sofie, request)
    assert_404(lars, request)
    assert list(access.requests_for(lars)) == []


def test_the_seeker_sees_the_persons_name_only_once_the_connector_approved(draft, mette, jonas):
    assert access.view_of(mette, draft).person_name is None
    sent = actions.send_request(mette, draft)
    assert access.view_of(mette, sent).person_name is None
    approved = actions.approve_introduction(jonas, sent, NOTE)
    assert access.view_of(mette, approved).person_name == "Sofie Holm"


def test_the_connector_sees_the_path_on_from_them_as_their_own_search_shows_it(
    mette, jonas, sofie, karen, digitalisering, brief
):
    request = actions.send_request(mette, start_introduction(mette, digitalisering, karen.pk))
    view = access.view_of(jonas, request)
    assert view.role == "connector" and view.brief == brief
    assert view.path is not None and view.path.person_ids == (karen.pk,)
    assert view.person_name == "Karen Vestergaard"  # his own contact, by his own name for her


def test_a_hidden_name_stays_hidden_from_the_connector(mette, jonas, region_h, digitalisering, brief):
    """Mette → Jonas → Anne → Per: Per is not a member and not Jonas's contact, so Jonas never learns his name."""
    anne = make_member("anne@example.org", "Anne Dahl")
    update_connector_settings(
        anne, open_to_introductions=True, monthly_limit=4, paused_until=None, show_name_in_paths=False
    )
    ConnectorSettings.objects.filter(user=anne).update(contacts_private_by_default=False)
    per = Person.objects.create(name="Per Hemmelig")
    Position.objects.create(person=per, organisation=region_h, unit=digitalisering, title="Udvikler")
    know(jonas, member_person(anne), strength=Strength.GOOD_CONTACT)
    know(anne, per, strength=Strength.GOOD_CONTACT)
    request = actions.send_request(mette, start_introduction_3(mette, digitalisering, per.pk))
    assert request.path == [member_person(jonas).pk, member_person(anne).pk, per.pk]
    view = access.view_of(jonas, request)
    assert view.path is not None and view.person_name is None
    assert view.path.person_ids == (member_person(anne).pk, per.pk)
    assert "Per Hemmelig" not in repr(view.path)
    assert view.path.first.name == "Anne Dahl"  # his own contact


def start_introduction_3(mette, unit, person_id):
    return actions.start_request(mette, token_for(mette, TargetSpec.for_unit(unit), person_id, hops=3))


def test_role_in_never_answers_for_a_stranger(draft, lars):
    with pytest.raises(Http404):
        access.role_in(lars, draft)
    with pytest.raises(Http404):
        access.view_of(lars, draft)
