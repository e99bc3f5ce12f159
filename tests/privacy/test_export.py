"""What a member downloads (GDPR Art. 15 and 20): all of their data, nobody else's, in files Excel opens safely."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from kaffebro.accounts import sessions
from kaffebro.core.models import Event
from kaffebro.core.personal_data import csv_bytes, excel_cell, export_data, export_zip, exports
from tests.conftest import log_in_with_second_factor
from tests.privacy.conftest import HENRIETTA_EMAIL


def sections(user) -> dict[str, list[dict]]:
    return export_data(user)["sections"]


class TestContent:
    def test_mettes_data_from_every_app_is_there(self, everything):
        mette = everything.mette
        data = sections(mette)
        assert data["accounts.account"][0]["email"] == "mette@example.org"
        assert {card["full_name"] for card in data["network.contact_cards"]} == {
            "Jonas Berg",
            "Hemmelige Henrietta",
            "Fælles Frede",
            "Kun Karsten",
        }
        henrietta = next(card for card in data["network.contact_cards"] if card["email"])
        assert henrietta["email"] == HENRIETTA_EMAIL
        assert henrietta["notes"] == "Mettes note om Henrietta"
        assert [brief["ask"] for brief in data["meetings.briefs"]] == ["Mettes brief"]
        assert [request["message"] for request in data["meetings.requests_sent"]] == ["Mettes besked"]
        received = {request["code"] for request in data["meetings.requests_received"]}
        assert received == {
            everything.introduced_by_mette.code,
            everything.meeting_mette.code,
            everything.held_with_mette.code,
        }
        assert [token["name"] for token in data["api.tokens"]] == ["Mettes token"]
        assert {note["text"] for note in data["jobs.coach_notes"]} == {
            "Birthes note om Mette",
            "Mettes coachnote om Jonas",
        }
        assert len(data["jobs.suggestions_received"]) == 1
        assert data["notifications.preferences"][0]["email_notifications"] is False
        assert {event["kind"] for event in data["core.events"]} >= {"tests.mette_did", "accounts.signed_up"}
        assert [row["viewer"] for row in data["core.access_log"]] == [everything.birthe.code]

    def test_nobody_elses_contact_cards_or_private_notes(self, everything):
        """Lars has Mette in his address book as "Mette K.": that card is his, and stays out of her file."""
        text = json.dumps(export_data(everything.mette), ensure_ascii=False)
        assert "Mette K." not in text
        data = sections(everything.mette)
        owners = {card["owner"] for card in data["network.contact_cards"]}
        assert owners == {everything.mette.code}
        assert {tie["owner"] for tie in data["network.ties"]} == {everything.mette.code}
        assert "Jonas lærte om teamet" not in text  # what Jonas wrote after meeting her is his
        assert "Jonas spørger om projekter" not in text  # Jonas's brief

    def test_a_stranger_exports_only_his_own(self, everything):
        text = json.dumps(export_data(everything.lars), ensure_ascii=False)
        assert "Mette K." in text  # his own card
        for word in ("Mettes note om Henrietta", HENRIETTA_EMAIL, "Mettes brief", "mette@example.org"):
            assert word not in text

    def test_references_are_codes_and_times_are_iso_with_offset(self, everything):
        data = sections(everything.mette)
        card = next(card for card in data["network.contact_cards"] if card["full_name"] == "Jonas Berg")
        assert card["person"] == everything.jonas.person.code
        assert "id" not in card
        created = card["created"]
        assert created[4] == "-" and created[10] == "T" and created[-6] in "+-"
        assert data["meetings.requests_sent"][0]["connector"] == everything.jonas.code

    def test_a_decision_maker_never_gets_a_suggestion_that_did_not_reach_her(self, everything):
        """Mette suggested Lars to Sofie, who has not seen it yet (no consent): it is in Mette's file, not Sofie's."""
        suggested_lars = [row for row in sections(everything.mette)["jobs.suggestions_made_or_about_me"]]
        assert any(row["seeker"] == everything.lars.code for row in suggested_lars)
        assert not any(
            row["seeker"] == everything.lars.code for row in sections(everything.sofie)["jobs.suggestions_received"]
        )

    def test_the_export_reads_each_kind_once_however_much_there_is(self, everything, django_assert_max_num_queries):
        with django_assert_max_num_queries(len(exports()) + 5):
            export_data(everything.mette)


class TestFiles:
    def test_the_zip_has_data_json_a_csv_per_kind_and_a_readme(self, everything):
        archive = zipfile.ZipFile(io.BytesIO(export_zip(everything.mette)))
        names = set(archive.namelist())
        assert names == {"data.json", "README.txt", *(f"{export.name}.csv" for export in exports())}
        data = json.loads(archive.read("data.json"))
        assert data["member"] == everything.mette.code
        cards = archive.read("network.contact_cards.csv")
        assert cards.startswith(b"\xef\xbb\xbf")
        rows = list(csv.DictReader(io.StringIO(cards.decode("utf-8-sig")), delimiter=";"))
        assert {row["full_name"] for row in rows} == {
            "Jonas Berg",
            "Hemmelige Henrietta",
            "Fælles Frede",
            "Kun Karsten",
        }
        assert "Mettes note om Henrietta" in {row["notes"] for row in rows}

    @pytest.mark.parametrize(
        "value", ['=HYPERLINK("http://evil.example","klik")', "+45 31 41 59 26", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
    )
    def test_a_cell_that_would_be_a_formula_starts_with_an_apostrophe(self, value):
        assert excel_cell(value) == "'" + value

    @pytest.mark.parametrize(
        ("value", "cell"),
        [(None, ""), (True, "true"), (-5, "-5"), (["a", "ø"], '["a", "ø"]'), ("Søren Ågård", "Søren Ågård")],
    )
    def test_other_values(self, value, cell):
        assert excel_cell(value) == cell

    def test_a_csv_keeps_danish_letters_semicolons_and_line_breaks_inside_cells(self):
        raw = csv_bytes(["name", "note"], [{"name": "Åse; Ærø", "note": "linje 1\nlinje 2"}, {"name": "=1+1"}])
        assert raw.startswith("\ufeff".encode())
        assert b"\r\n" in raw
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert rows == [["name", "note"], ["Åse; Ærø", "linje 1\nlinje 2"], ["'=1+1", ""]]

    def test_a_cell_is_never_longer_than_excel_allows(self):
        assert len(excel_cell("x" * 40_000)) == 32_767


class TestPage:
    def test_a_member_confirms_the_password_then_downloads(self, client, everything):
        log_in_with_second_factor(client, everything.mette)  # she is a coach: two-factor log-in
        response = client.get(reverse("accounts:export"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:confirm_password"))
        session = client.session
        sessions.note_password_confirmed(session)
        session.save()
        assert client.get(reverse("accounts:export")).status_code == 200
        response = client.post(reverse("accounts:export"))
        assert response.status_code == 200
        assert response["Content-Type"] == "application/zip"
        assert "attachment" in response["Content-Disposition"]
        assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
        data = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("data.json"))
        assert data["member"] == everything.mette.code
        assert Event.objects.filter(kind="privacy.exported", actor=everything.mette).count() == 1

    def test_lars_downloads_his_own_data_only(self, client, everything):
        client.force_login(everything.lars)
        session = client.session
        sessions.note_password_confirmed(session)
        session.save()
        response = client.post(reverse("accounts:export"))
        text = zipfile.ZipFile(io.BytesIO(response.content)).read("data.json").decode()
        assert everything.lars.code in text
        assert "Mettes note om Henrietta" not in text and "mette@example.org" not in text

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client, db):
        response = client.post(reverse("accounts:export"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


class TestCommand:
    def test_json_to_standard_output(self, everything, capsys):
        call_command("export_member", "--user", "METTE@example.org")
        data = json.loads(capsys.readouterr().out)
        assert data["sections"]["accounts.account"][0]["email"] == "mette@example.org"

    def test_a_zip_or_json_file(self, everything, tmp_path):
        call_command("export_member", "--user", "mette@example.org", "--output", str(tmp_path / "mette.zip"))
        assert "data.json" in zipfile.ZipFile(tmp_path / "mette.zip").namelist()
        call_command("export_member", "--user", "mette@example.org", "--output", str(tmp_path / "mette.json"))
        assert json.loads((tmp_path / "mette.json").read_text())["member"] == everything.mette.code

    def test_an_unknown_address_is_a_clear_error(self, db):
        with pytest.raises(CommandError, match=r"nobody@example\.org"):
            call_command("export_member", "--user", "nobody@example.org")
