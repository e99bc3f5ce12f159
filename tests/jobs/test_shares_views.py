"""The pages of profiles in play, for every role: Mette (the seeker), Jonas (her connector, with her standing
consent), Birthe (her coach, without one), Sofie (a member recipient), Per (another member recipient), Karin
(not a member: she has no account and is never named to Mette) and Lars (the stranger, who sees nothing).

Every object answers 404 to everyone but its own people; the seeker's page never names a non-member; the
list pages cost a fixed number of queries.
"""

import pytest
from django.urls import reverse

from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.models import CoachAccess, ConsentScope, ProfileShare, ShareAnswer, ShareConsent, ShareState
from kaffebro.meetings.models import MeetingRequest
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import ContactCard
from tests.conftest import know
from tests.jobs.conftest import SHARE_NOTE as NOTE
from tests.jobs.conftest import cards_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def clients(client_for, mette, jonas, birthe, sofie, per, lars):
    CoachAccess.objects.create(seeker=mette, coach=birthe)
    people = {"mette": mette, "jonas": jonas, "birthe": birthe, "sofie": sofie, "per": per, "lars": lars}
    return {name: client_for(user) for name, user in people.items()}


def page(client, name, *args, **query):
    return client.get(reverse(f"jobs:{name}", args=args), query)


def text(response):
    return response.content.decode()


class TestWhoSeesWhat:
    def test_put_in_play_is_for_her_helpers_only(self, clients, mette, share):
        code = mette.seeker_profile.code
        assert {name: page(c, "share_put", code).status_code for name, c in clients.items()} == {
            "mette": 404,
            "jonas": 200,
            "birthe": 200,
            "sofie": 404,
            "per": 404,
            "lars": 404,
        }

    def test_a_share_is_its_helpers_and_its_consent_page_the_seekers(self, clients, share):
        expected = {"mette": 404, "jonas": 200, "birthe": 404, "sofie": 404, "per": 404, "lars": 404}
        assert {name: page(c, "share_detail", share.code).status_code for name, c in clients.items()} == expected
        expected = {"mette": 200, "jonas": 404, "birthe": 404, "sofie": 404, "per": 404, "lars": 404}
        assert {name: page(c, "share_consent", share.code).status_code for name, c in clients.items()} == expected

    def test_a_recipient_sees_only_their_own_card(self, clients, rows):
        for code_of, reader in (("sofie", "sofie"), ("per", "per")):
            for name, client in clients.items():
                status = page(client, "share_card", rows[code_of].code).status_code
                assert status == (200 if name == reader else 404), (code_of, name)
        assert page(clients["jonas"], "share_card", rows["karin"].code).status_code == 404

    def test_posts_by_anyone_else_answer_404_and_change_nothing(self, clients, share, rows, consent):
        posts = [
            ("share_cancel", share.code, {}),
            ("share_decline", share.code, {}),
            ("share_consent", share.code, {"shown": "x"}),
            ("share_record", rows["karin"].code, {f"{rows['karin'].code}-answer": "coffee"}),
            ("share_card_answer", rows["sofie"].code, {"answer": "not_now"}),
            ("share_pass_on", rows["sofie"].code, {"recipient": "abc", "note": NOTE}),
            ("share_withdraw", consent.code, {}),
        ]
        for name, code, data in posts:
            response = clients["lars"].post(reverse(f"jobs:{name}", args=[code]), data)
            assert response.status_code == 404, name
        assert set(ProfileShare.objects.values_list("state", flat=True)) == {ShareState.SENT}
        assert set(share.recipients.values_list("answer", flat=True)) == {ShareAnswer.PENDING}
        assert ShareConsent.objects.get(pk=consent.pk).withdrawn is None

    def test_the_helper_cannot_record_a_members_answer(self, clients, rows):
        url = reverse("jobs:share_record", args=[rows["sofie"].code])
        assert clients["jonas"].post(url, {f"{rows['sofie'].code}-answer": "coffee"}).status_code == 404

    def test_a_consent_is_withdrawn_only_by_the_seeker(self, clients, consent):
        url = reverse("jobs:share_withdraw", args=[consent.code])
        assert clients["jonas"].post(url).status_code == 404
        assert clients["mette"].post(url).status_code == 302
        assert ShareConsent.objects.get(pk=consent.pk).withdrawn is not None

    def test_the_stranger_sees_nothing_of_any_of_it(self, clients, share, mette):
        for name in ("shares", "shares_mine"):
            body = text(page(clients["lars"], name))
            assert "Mette" not in body and mette.seeker_profile.headline not in body and NOTE not in body

    def test_a_card_no_longer_in_play_is_gone(self, clients, mette, jonas, consent, in_play_cast):
        actions.withdraw_consent(mette, consent)
        waiting = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["sofie"]), NOTE)
        assert page(clients["sofie"], "share_card", waiting.recipients.get().code).status_code == 404


class TestTheSeeker:
    def test_her_page_names_members_and_never_a_non_member(self, clients, rows):
        body = text(page(clients["mette"], "shares_mine"))
        assert "Sofie Holm" in body and "Per Dahl" in body and NOTE in body and "Jonas Berg" in body
        assert "Karin" not in body and "Vestergaard" not in body
        assert "someone in Digitalisering at Region Hovedstaden" in body

    def test_a_member_who_hides_their_name_is_shown_by_role(self, clients, rows, sofie):
        row = connector_settings(sofie)
        row.show_name_in_paths = False
        row.save()
        body = text(page(clients["mette"], "shares_mine"))
        assert "Sofie" not in body and "a decision-maker in Digitalisering at Region Hovedstaden" in body

    def test_answers_and_the_meeting_show_on_her_page(self, clients, rows, sofie):
        actions.answer_card(sofie, rows["sofie"], ShareAnswer.COFFEE)
        actions.record_answer(rows["karin"].share.helper, rows["karin"], ShareAnswer.NOT_NOW)
        body = text(page(clients["mette"], "shares_mine"))
        meeting = MeetingRequest.objects.get()
        assert reverse("meetings:request", args=[meeting.code]) in body
        assert "Yes, coffee" in body and "Not now" in body

    def test_a_share_passed_on_shows_without_the_names_of_non_members(self, clients, rows, sofie, in_play_cast):
        know(sofie, in_play_cast["peter"])
        actions.pass_on(sofie, rows["sofie"], cards_of(sofie, in_play_cast["peter"])[0], NOTE)
        body = text(page(clients["mette"], "shares_mine"))
        assert "passed on by someone who received your profile" in body and "I&#x27;ll pass it on" in body
        assert "Peter" not in body and "someone in Økonomi at Region Hovedstaden" in body

    def test_her_page_costs_the_same_for_one_share_or_many(
        self, clients, mette, jonas, in_play_cast, share, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(10) as one:
            assert page(clients["mette"], "shares_mine").status_code == 200
        for person in ("karin", "peter", "ulla", "bo"):
            actions.send_share(jonas, mette, cards_of(jonas, in_play_cast[person], in_play_cast["sofie"]), NOTE)
        with django_assert_max_num_queries(len(one.captured_queries)):
            assert page(clients["mette"], "shares_mine").status_code == 200

    def test_she_gives_a_consent_after_reading_the_exact_text(self, clients, mette, jonas):
        helper_code = member_person(jonas).code
        response = page(clients["mette"], "share_grant", helper=helper_code)
        shown = actions.consent_text(mette, jonas, scope=ConsentScope.STANDING)
        assert response.status_code == 200 and "I, Mette Kristensen, agree that Jonas Berg may" in text(response)
        url = reverse("jobs:share_grant")
        refused = clients["mette"].post(url, {"helper": helper_code, "shown": actions.text_digest("other")})
        assert refused.status_code == 200 and "changed since you opened the page" in text(refused)
        assert not ShareConsent.objects.exists()
        done = clients["mette"].post(url, {"helper": helper_code, "shown": actions.text_digest(shown)})
        assert done.status_code == 302
        assert ShareConsent.objects.get().text == shown

    def test_only_helpers_she_may_choose(self, clients, lars, jonas):
        assert page(clients["mette"], "share_grant", helper=member_person(lars).code).status_code == 404
        assert page(clients["lars"], "share_grant", helper=member_person(jonas).code).status_code == 404
        assert clients["lars"].post(reverse("jobs:share_grant"), {}).status_code == 302
        assert not ShareConsent.objects.exists()

    def test_she_consents_to_a_waiting_share_on_its_page(self, clients, mette, jonas, consent, in_play_cast):
        actions.withdraw_consent(mette, consent)
        waiting = actions.send_share(jonas, mette, cards_of(jonas, in_play_cast["karin"]), NOTE)
        body = text(page(clients["mette"], "share_consent", waiting.code))
        assert "someone in Digitalisering at Region Hovedstaden" in body and "Karin" not in body
        shown = actions.consent_text(mette, jonas, scope=ConsentScope.ONE, recipients=1)
        url = reverse("jobs:share_consent", args=[waiting.code])
        assert clients["mette"].post(url, {"shown": actions.text_digest(shown)}).status_code == 302
        assert ProfileShare.objects.get(pk=waiting.pk).state == ShareState.SENT


class TestTheHelper:
    def test_the_put_in_play_page_suggests_and_sends(self, clients, mette, jonas, consent, in_play_cast):
        url = reverse("jobs:share_put", args=[mette.seeker_profile.code])
        body = text(clients["jonas"].get(url))
        assert body.index("Sofie Holm") < body.index("Karin Vestergaard") < body.index("Peter Holm")
        assert "where Mette Kristensen wants to land" in body and "Bo Nørgaard" not in body
        codes = cards_of(jonas, in_play_cast["sofie"], in_play_cast["karin"])
        response = clients["jonas"].post(url, {"recipients": codes, "note": NOTE})
        share = ProfileShare.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("jobs:share_detail", args=[share.code])
        assert share.recipients.count() == 2

    def test_bad_input_is_a_message_and_changes_nothing(self, clients, mette, jonas, consent, in_play_cast):
        url = reverse("jobs:share_put", args=[mette.seeker_profile.code])
        for data in ({"note": NOTE}, {"recipients": cards_of(jonas, in_play_cast["karin"])}, {"recipients": ["'x"]}):
            response = clients["jonas"].post(url, data)
            assert response.status_code == 200 and "Please correct the marked fields" in text(response)
        too_many = {"recipients": [f"code{number}" for number in range(11)], "note": NOTE}
        assert "at most 10 people" in text(clients["jonas"].post(url, too_many))
        lars_card = ContactCard.objects.exclude(owner=jonas).exclude(owner=mette).first()
        foreign = clients["jonas"].post(url, {"recipients": [lars_card.code], "note": NOTE})
        assert "your own contacts" in text(foreign)
        assert not ProfileShare.objects.exists()

    def test_the_coach_without_consent_sees_nothing_of_her_search(self, clients, mette, sofie, birthe):
        know(birthe, member_person(sofie), title="Digitaliseringschef")
        body = text(page(clients["birthe"], "share_put", mette.seeker_profile.code))
        assert mette.seeker_profile.headline not in body and "Digitalisering</" not in body
        assert "has not given you a standing consent" in body
        assert "Sofie Holm" in text(page(clients["birthe"], "share_put", mette.seeker_profile.code, q="Sofie"))

    def test_the_share_page_gives_the_text_for_a_non_member_and_records_the_answer(self, clients, share, rows):
        body = text(page(clients["jonas"], "share_detail", share.code))
        assert "Dear Karin Vestergaard," in body and "Kaffebro never writes to them" in body
        assert "Dear Sofie" not in body
        url = reverse("jobs:share_record", args=[rows["karin"].code])
        response = clients["jonas"].post(url, {f"{rows['karin'].code}-answer": "coffee"})
        assert response.status_code == 302
        rows["karin"].refresh_from_db()
        assert rows["karin"].answer == ShareAnswer.COFFEE and not MeetingRequest.objects.exists()
        again = clients["jonas"].post(url, {f"{rows['karin'].code}-answer": "not_now"})
        assert again.status_code == 200 and "already been answered" in text(again)

    def test_the_overview_and_the_put_page_cost_a_fixed_number_of_queries(
        self, clients, mette, jonas, share, in_play_cast, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(9) as first:
            page(clients["jonas"], "shares")
        for person in ("peter", "ulla", "bo"):
            actions.send_share(jonas, mette, cards_of(jonas, in_play_cast[person]), NOTE)
        with django_assert_max_num_queries(len(first.captured_queries)):
            page(clients["jonas"], "shares")
        with django_assert_max_num_queries(14):  # 12, and 2 for her access log (the check and the row)
            page(clients["jonas"], "share_put", mette.seeker_profile.code)
        with django_assert_max_num_queries(7):
            page(clients["jonas"], "share_detail", share.code)


class TestTheRecipient:
    def test_the_card_shows_the_consented_profile_and_the_note_and_nothing_private(
        self, clients, mette, rows, django_assert_max_num_queries
    ):
        with django_assert_max_num_queries(8):
            body = text(page(clients["sofie"], "share_card", rows["sofie"].code))
        assert mette.seeker_profile.headline in body and NOTE in body and "udvikling" in body
        assert mette.email not in body and "Digitalisering</" not in body and "Karin" not in body

    def test_yes_coffee_opens_the_meeting(self, clients, mette, rows):
        url = reverse("jobs:share_card_answer", args=[rows["sofie"].code])
        response = clients["sofie"].post(url, {"answer": "coffee", "message": "Gerne!"})
        meeting = MeetingRequest.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse("meetings:request", args=[meeting.code])
        assert clients["sofie"].get(response["Location"]).status_code == 200
        assert clients["mette"].get(response["Location"]).status_code == 200
        again = clients["sofie"].post(url, {"answer": "not_now"})
        assert again.status_code == 200 and "already been answered" in text(again)

    def test_not_now(self, clients, rows):
        url = reverse("jobs:share_card_answer", args=[rows["per"].code])
        assert clients["per"].post(url, {"answer": "not_now"}).status_code == 302
        rows["per"].refresh_from_db()
        assert rows["per"].answer == ShareAnswer.NOT_NOW

    def test_passing_it_on_to_one_of_her_own_contacts(self, clients, mette, sofie, rows, in_play_cast):
        know(sofie, in_play_cast["ulla"], title="Udviklingschef")
        body = text(page(clients["sofie"], "share_card", rows["sofie"].code))
        assert "Ulla Bach" in body and "fits the job field udvikling" in body
        url = reverse("jobs:share_pass_on", args=[rows["sofie"].code])
        response = clients["sofie"].post(url, {"recipient": cards_of(sofie, in_play_cast["ulla"])[0], "note": NOTE})
        passed = ProfileShare.objects.get(helper=sofie)
        assert response["Location"] == reverse("jobs:share_detail", args=[passed.code])
        assert "Dear Ulla Bach," in text(clients["sofie"].get(response["Location"]))
        assert passed.consent.carried_from is not None

    def test_an_unknown_answer_is_a_message(self, clients, rows):
        url = reverse("jobs:share_card_answer", args=[rows["sofie"].code])
        response = clients["sofie"].post(url, {"answer": "pending"})
        assert response.status_code == 200 and "Please correct the marked fields" in text(response)
