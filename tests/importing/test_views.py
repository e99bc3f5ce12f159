"""The member's import pages: upload, preview with the column mapping, progress, summary, rating ties, duplicates.

Mette imports her LinkedIn connections and a spreadsheet; Lars, the stranger, must get
404 for every one of her imports and suggestions; an anonymous visitor is sent to log in.
"""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from kaffebro.network.importing import engine
from kaffebro.network.models import (
    ContactCard,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MergeSuggestion,
    RowOutcome,
    Strength,
    SuggestionStatus,
    Tie,
)
from tests.importing.conftest import record
from tests.network.conftest import add

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
LINKEDIN_EXPORT = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are missing.\n'
    'You will only see email addresses for connections who have allowed it."\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Søren,Ågård,https://www.linkedin.com/in/soren-aagaard,,Novo Nordisk A/S,Afdelingschef,14 Mar 2024\n"
    'Karen,Dahl,https://www.linkedin.com/in/karendahl,,Region Hovedstaden,"Konsulent, data",02 Jan 2023\n'
    "Anna,Holm 🌻,https://www.linkedin.com/in/annaholm,,Lægehuset Ørbæk ApS,Sygeplejerske,20 Feb 2022\n"
).encode()
FREDERIKSEN, FREDRIKSEN = "Mette Frederiksen", "Mette Fredriksen"  # similar enough to ask, never to merge silently
SPREADSHEET = "Navn;Firma;Rolle\r\nBirte Bonde;Carlsberg;Analytiker\r\nOle Olsen;Arla;Chef\r\n".encode("cp1252")


@pytest.fixture
def mette_en(client, mette):
    """Mette browsing in English, so the assertions on page text hold before the Danish catalogue has them."""
    mette.language = "en"
    mette.save(update_fields=["language"])
    client.force_login(mette)
    return client


def upload(client, data: bytes, filename: str = "Connections.csv", **fields):
    return client.post(
        reverse("network:import_upload"),
        {"file": SimpleUploadedFile(filename, data, content_type="text/csv"), "format": "auto", **fields},
    )


def batch_of(member) -> ImportBatch:
    return ImportBatch.objects.get(owner=member)


def done_batch(member, run_records, names: list[str]) -> ImportBatch:
    return run_records(member, [record(number, name, "Novo Nordisk") for number, name in enumerate(names, start=1)])


class TestUploadPage:
    def test_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get(reverse("network:import_upload"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))

    def test_shows_the_limit_the_formats_the_help_and_the_drop_script(self, mette_en, settings):
        settings.IMPORT_MAX_BYTES = 20 * 1024 * 1024
        html = mette_en.get(reverse("network:import_upload")).content.decode()
        assert "20.0\xa0MB" in html
        assert 'enctype="multipart/form-data"' in html and 'type="file"' in html
        assert "Get a copy of your data" in html and "Export vCard" in html and "CSV" in html
        assert 'name="keep_contact_details"' in html and 'id="id_keep_contact_details" checked' not in html
        assert "network/import-upload.js" in html and "<script>" not in html

    def test_the_contacts_page_and_the_dashboard_link_to_it(self, mette_en):
        for page in ("network:contacts", "network:dashboard"):
            assert reverse("network:import_upload") in mette_en.get(reverse(page)).content.decode()

    def test_lists_only_the_members_own_imports_with_a_link_to_each(self, mette_en, mette, lars, run_records):
        mine = done_batch(mette, run_records, ["Søren Ågård"])
        ImportBatch.objects.filter(pk=mine.pk).update(filename="mette.csv")
        theirs = ImportBatch.objects.create(owner=lars, filename="lars-hemmelige.csv")
        html = mette_en.get(reverse("network:import_upload")).content.decode()
        assert "mette.csv" in html and reverse("network:import_summary", args=[mine.code]) in html
        assert "lars-hemmelige.csv" not in html and theirs.code not in html


class TestBadFiles:
    @pytest.mark.parametrize(
        "data",
        [b"", b"\x00\x01\x02PK\x03\x04" * 50, b"just a line of text\nand another\n"],
        ids=["empty", "binary", "not contacts"],
    )
    def test_a_bad_file_is_explained_on_the_form_and_nothing_is_stored(self, mette_en, data):
        response = upload(mette_en, data)
        assert response.status_code == 200
        errors = response.context["form"].errors["file"]
        assert errors and escape(errors[0]) in response.content.decode()
        assert 'aria-invalid="true"' in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_a_file_over_the_limit_is_refused_before_it_is_read(self, mette_en, settings):
        settings.IMPORT_MAX_BYTES = 100
        response = upload(mette_en, LINKEDIN_EXPORT)
        assert response.status_code == 200
        assert "larger than 100\xa0bytes" in response.content.decode()
        assert not ImportBatch.objects.exists()

    def test_a_made_up_format_is_a_form_error(self, mette_en):
        response = upload(mette_en, LINKEDIN_EXPORT, format="excel97")
        assert response.status_code == 200 and response.context["form"].errors["format"]
        assert not ImportBatch.objects.exists()


class TestLinkedInJourney:
    def test_upload_preview_confirm_summary(self, mette_en, mette):
        response = upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        assert response.status_code == 302 and response["Location"] == reverse(
            "network:import_preview", args=[batch.code]
        )
        assert not ContactCard.objects.filter(owner=mette, full_name="Karen Dahl").exists()

        preview = mette_en.get(response["Location"])
        html = preview.content.decode()
        assert preview.status_code == 200
        assert "LinkedIn connections (CSV)" in html
        assert [r.full_name for r in preview.context["records"]] == ["Søren Ågård", "Karen Dahl", "Anna Holm 🌻"]
        assert "Konsulent, data" in html
        assert not preview.context["form"].columns, "LinkedIn's columns are fixed: no mapping to choose"
        assert reverse("network:import_confirm", args=[batch.code]) in html

        confirmed = mette_en.post(reverse("network:import_confirm", args=[batch.code]), {"remove_missing": "on"})
        assert confirmed["Location"] == reverse("network:import_summary", args=[batch.code])
        batch.refresh_from_db()
        assert batch.status == ImportStatus.DONE and batch.remove_missing is True and batch.counts["created"] == 3

        summary = mette_en.get(confirmed["Location"])
        html = summary.content.decode()
        assert summary.status_code == 200
        assert {value: count for value, _label, count in summary.context["counts"]}["created"] == 3
        assert "Søren Ågård" in html and "New in your network." in html
        assert reverse("network:import_summary_csv", args=[batch.code]) in html
        assert reverse("network:rate_ties") in html, "the imported ties are not rated yet"
        tie = Tie.objects.get(owner=mette, person_b__contact_cards__full_name="Karen Dahl")
        assert tie.strength_rated is False

    def test_keeping_contact_details_is_off_unless_ticked_and_can_be_changed_in_the_preview(self, mette_en, mette):
        upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        assert batch.keep_contact_details is False
        mette_en.post(reverse("network:import_confirm", args=[batch.code]), {"keep_contact_details": "on"})
        batch.refresh_from_db()
        assert batch.keep_contact_details is True and batch.status == ImportStatus.DONE

    def test_cancel_drops_the_file_and_imports_nothing(self, mette_en, mette):
        upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        response = mette_en.post(reverse("network:import_cancel", args=[batch.code]))
        assert response["Location"] == reverse("network:import_upload")
        batch.refresh_from_db()
        assert batch.status == ImportStatus.CANCELLED and bytes(batch.content) == b""
        assert mette_en.get(reverse("network:import_preview", args=[batch.code]))["Location"] == reverse(
            "network:import_upload"
        )
        assert not ContactCard.objects.filter(owner=mette, full_name="Karen Dahl").exists()

    def test_confirming_twice_is_refused_with_a_message(self, mette_en, mette):
        upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        mette_en.post(reverse("network:import_confirm", args=[batch.code]))
        again = mette_en.post(reverse("network:import_confirm", args=[batch.code]), follow=True)
        assert "already started" in again.content.decode()
        assert ContactCard.objects.filter(owner=mette, full_name="Karen Dahl").count() == 1

    @pytest.mark.parametrize("cancelled", [False, True])
    def test_confirming_a_finished_or_cancelled_import_with_other_choices_says_so(self, mette_en, mette, cancelled):
        upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        if cancelled:
            mette_en.post(reverse("network:import_cancel", args=[batch.code]))
        else:
            mette_en.post(reverse("network:import_confirm", args=[batch.code]))
        choices = {"keep_contact_details": "on", "remove_missing": "on"}
        again = mette_en.post(reverse("network:import_confirm", args=[batch.code]), choices)
        batch.refresh_from_db()
        assert again["Location"] == (
            reverse("network:import_upload") if cancelled else reverse("network:import_summary", args=[batch.code])
        )
        html = mette_en.get(again["Location"]).content.decode()
        assert "This import has already started or was cancelled." in html and "empty" not in html
        assert (batch.keep_contact_details, batch.remove_missing) == (False, False)


class TestSpreadsheetMapping:
    def test_the_preview_offers_a_mapping_and_a_changed_mapping_is_imported(self, mette_en, mette):
        upload(mette_en, SPREADSHEET, filename="kontakter.csv")
        batch = batch_of(mette)
        preview = mette_en.get(reverse("network:import_preview", args=[batch.code]))
        form = preview.context["form"]
        assert form.columns == ["Navn", "Firma", "Rolle"]
        html = preview.content.decode()
        assert "Spreadsheet (CSV)" in html and "Ignore this column" in html and "Profile address" in html

        changed = mette_en.post(
            reverse("network:import_preview", args=[batch.code]),
            {"format": batch.format, "column_0": "full_name", "column_1": "", "column_2": "title"},
        )
        assert changed.status_code == 302
        batch.refresh_from_db()
        assert batch.mapping == {"Navn": "full_name", "Firma": "", "Rolle": "title"}
        records = mette_en.get(reverse("network:import_preview", args=[batch.code])).context["records"]
        assert [(r.full_name, r.organisation, r.title) for r in records] == [
            ("Birte Bonde", "", "Analytiker"),
            ("Ole Olsen", "", "Chef"),
        ]

        mette_en.post(reverse("network:import_confirm", args=[batch.code]))
        card = ContactCard.objects.get(owner=mette, full_name="Birte Bonde")
        assert (card.organisation_name, card.title) == ("", "Analytiker")

    def test_one_field_from_two_columns_is_a_form_error(self, mette_en, mette):
        upload(mette_en, SPREADSHEET)
        batch = batch_of(mette)
        response = mette_en.post(
            reverse("network:import_preview", args=[batch.code]),
            {"format": batch.format, "column_0": "full_name", "column_1": "full_name", "column_2": ""},
        )
        assert response.status_code == 200
        assert "Choose one column at most for each of: Full name." in response.content.decode()
        assert response.context["records"], "the preview is still shown"

    def test_a_mapping_without_a_name_is_refused_in_the_members_words(self, mette_en, mette):
        upload(mette_en, SPREADSHEET)
        batch = batch_of(mette)
        before = dict(batch.mapping)
        response = mette_en.post(
            reverse("network:import_preview", args=[batch.code]),
            {"format": batch.format, "column_0": "", "column_1": "organisation", "column_2": "title"},
        )
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        batch.refresh_from_db()
        assert batch.mapping == before

    def test_forcing_the_wrong_format_is_refused(self, mette_en, mette):
        upload(mette_en, SPREADSHEET)
        batch = batch_of(mette)
        response = mette_en.post(reverse("network:import_preview", args=[batch.code]), {"format": "vcard"})
        assert response.status_code == 200 and response.context["form"].non_field_errors()
        batch.refresh_from_db()
        assert batch.format == "csv"


class TestLargeImport:
    def test_a_large_file_is_queued_then_run_in_the_background(
        self, mette_en, mette, settings, django_capture_on_commit_callbacks
    ):
        settings.IMPORT_INLINE_ROWS = 2
        upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        with django_capture_on_commit_callbacks(execute=True):
            response = mette_en.post(reverse("network:import_confirm", args=[batch.code]))
        assert response["Location"] == reverse("network:import_progress", args=[batch.code])
        batch.refresh_from_db()
        assert batch.status == ImportStatus.DONE and batch.counts["created"] == 3
        assert mette_en.get(response["Location"])["Location"] == reverse("network:import_summary", args=[batch.code])


class TestProgress:
    def queued(self, mette, **fields) -> ImportBatch:
        fields = {"status": ImportStatus.RUNNING, "total_rows": 200, "processed_rows": 50, **fields}
        return ImportBatch.objects.create(owner=mette, filename="Connections.csv", content=b"-", **fields)

    def test_a_running_import_shows_a_progress_bar_that_polls(self, mette_en, mette):
        batch = self.queued(mette)
        page = mette_en.get(reverse("network:import_progress", args=[batch.code]))
        html = page.content.decode()
        assert '<progress id="import-bar-' in html and 'max="200"' in html and 'value="50"' in html
        assert "50 of 200 contacts read" in html and 'aria-live="polite"' in html
        partial = mette_en.get(reverse("network:import_progress", args=[batch.code]), headers=HTMX)
        fragment = partial.content.decode()
        assert fragment.startswith('<div id="import-progress"') and 'hx-trigger="every 1s"' in fragment
        assert "<html" not in fragment and "HX-Request" in partial["Vary"]

    def test_when_done_htmx_is_sent_to_the_summary(self, mette_en, mette):
        batch = self.queued(mette, status=ImportStatus.DONE)
        partial = mette_en.get(reverse("network:import_progress", args=[batch.code]), headers=HTMX)
        assert partial["HX-Redirect"] == reverse("network:import_summary", args=[batch.code])

    def test_a_failed_import_shows_why_and_can_be_tried_again(self, mette_en, mette, settings):
        upload(mette_en, LINKEDIN_EXPORT)
        batch = batch_of(mette)
        ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED, error=engine.FAILED_INTERNAL)
        partial = mette_en.get(reverse("network:import_progress", args=[batch.code]), headers=HTMX)
        fragment = partial.content.decode()
        assert "error on our side" in fragment and "every 1s" not in fragment
        assert reverse("network:import_retry", args=[batch.code]) in fragment
        response = mette_en.post(reverse("network:import_retry", args=[batch.code]))
        assert response["Location"] == reverse("network:import_summary", args=[batch.code])
        assert ContactCard.objects.filter(owner=mette, full_name="Karen Dahl").exists()

    def test_a_run_that_stopped_moving_is_shown_as_interrupted(self, mette_en, mette):
        batch = self.queued(mette)
        ImportBatch.objects.filter(pk=batch.pk).update(updated=timezone.now() - datetime.timedelta(minutes=11))
        html = mette_en.get(reverse("network:import_progress", args=[batch.code]), headers=HTMX).content.decode()
        assert "interrupted" in html and "every 1s" not in html
        assert reverse("network:import_retry", args=[batch.code]) in html

    def test_retrying_a_running_import_is_refused_with_a_message(self, mette_en, mette):
        batch = self.queued(mette)
        response = mette_en.post(reverse("network:import_retry", args=[batch.code]), follow=True)
        assert "Only a failed or interrupted import" in response.content.decode()


class TestSummary:
    def test_rows_filter_by_outcome_and_show_the_reason(self, mette_en, mette, run_records):
        done_batch(mette, run_records, ["Søren Ågård"])
        batch = run_records(mette, [record(1, "Søren Ågård", "Novo Nordisk"), record(2, "Peter Friis", "Arla")])
        url = reverse("network:import_summary", args=[batch.code])
        everything = mette_en.get(url)
        assert [row.name for row, _reason in everything.context["rows"]] == ["Søren Ågård", "Peter Friis"]
        created = mette_en.get(url, {"outcome": RowOutcome.CREATED})
        assert [(row.name, reason) for row, reason in created.context["rows"]] == [
            ("Peter Friis", "New in your network.")
        ]
        assert mette_en.get(url, {"outcome": "nonsense"}).status_code == 200

    def test_says_how_many_changed_job(self, mette_en, mette, run_records):
        run_records(mette, [record(1, "Søren Ågård", "Novo Nordisk", "Chef")])
        batch = run_records(mette, [record(1, "Søren Ågård", "Lundbeck", "Direktør")])
        html = mette_en.get(reverse("network:import_summary", args=[batch.code])).content.decode()
        assert "1 contact changed job." in html

    def test_an_import_not_done_yet_goes_to_its_page(self, mette_en, mette):
        batch = ImportBatch.objects.create(owner=mette, status=ImportStatus.QUEUED)
        response = mette_en.get(reverse("network:import_summary", args=[batch.code]))
        assert response["Location"] == reverse("network:import_progress", args=[batch.code])
        assert mette_en.get(reverse("network:import_summary_csv", args=[batch.code])).status_code == 404

    def test_the_spreadsheet_opens_in_danish_excel_and_runs_no_formula(self, mette_en, mette, run_records):
        batch = done_batch(mette, run_records, ['=HYPERLINK("https://evil.example","Klik")', "Søren Ågård"])
        response = mette_en.get(reverse("network:import_summary_csv", args=[batch.code]))
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="kaffebro-import-{batch.created:%Y-%m-%d}-{batch.code}.csv"'
        )
        assert "no-store" in response["Cache-Control"]
        body = response.content
        assert body.startswith(b"\xef\xbb\xbf")
        text = body.decode("utf-8-sig")
        assert text.splitlines()[0].count(";") == 3
        assert "'=HYPERLINK" in text and ";=HYPERLINK" not in text and not text.startswith("=")
        assert "Søren Ågård" in text

    @pytest.mark.parametrize("count", [10, 40])
    def test_the_query_count_does_not_grow_with_rows(
        self, mette_en, mette, run_records, count, settings, django_assert_num_queries
    ):
        settings.PAGE_SIZE = 50
        batch = done_batch(mette, run_records, [f"Kontakt {number:02d}" for number in range(count)])
        url = reverse("network:import_summary", args=[batch.code])
        mette_en.get(url)  # warm the session
        with django_assert_num_queries(8):
            response = mette_en.get(url)
        assert len(response.context["rows"]) == count


class TestRateTies:
    def test_lists_only_unrated_contacts_with_a_radio_group_each(self, mette_en, mette, run_records):
        done_batch(mette, run_records, ["Søren Ågård", "Karen Dahl"])
        response = mette_en.get(reverse("network:rate_ties"))
        assert [card.full_name for card in response.context["page"].object_list] == ["Søren Ågård", "Karen Dahl"]
        html = response.content.decode()
        assert "Jonas Berg" not in html, "a tie Mette rated herself is not asked again"
        assert html.count("<fieldset") == 2 and html.count('type="radio"') == 10
        assert "<legend>Søren Ågård" in html and 'hx-trigger="change"' in html

    def test_a_rating_is_saved_at_once_with_htmx(self, mette_en, mette, run_records):
        done_batch(mette, run_records, ["Søren Ågård"])
        card = ContactCard.objects.get(owner=mette, full_name="Søren Ågård")
        response = mette_en.post(
            reverse("network:rate_ties"), {"card": card.code, f"strength-{card.code}": "4"}, headers=HTMX
        )
        assert response.status_code == 200
        assert response.content.decode().strip() == '<span class="saved">Saved: Good contact</span>'
        tie = Tie.objects.get(owner=mette, person_b=card.person)
        assert (tie.strength, tie.strength_rated) == (Strength.GOOD_CONTACT, True)

    def test_a_bad_rating_says_so_and_changes_nothing(self, mette_en, mette, run_records):
        done_batch(mette, run_records, ["Søren Ågård"])
        card = ContactCard.objects.get(owner=mette, full_name="Søren Ågård")
        response = mette_en.post(
            reverse("network:rate_ties"), {"card": card.code, f"strength-{card.code}": "9"}, headers=HTMX
        )
        assert "Choose a strength from 1 to 5." in response.content.decode()
        assert Tie.objects.get(owner=mette, person_b=card.person).strength_rated is False

    @pytest.mark.parametrize("value", ["²", "٣", " 4", ""])
    def test_a_digit_that_is_no_strength_is_bad_input_not_a_crash(self, mette_en, mette, run_records, value):
        done_batch(mette, run_records, ["Søren Ågård"])
        card = ContactCard.objects.get(owner=mette, full_name="Søren Ågård")
        data = {"card": card.code, f"strength-{card.code}": value}
        response = mette_en.post(reverse("network:rate_ties"), data, headers=HTMX)
        assert response.status_code == 200 and "Choose a strength from 1 to 5." in response.content.decode()
        page = mette_en.post(reverse("network:rate_ties"), {f"strength-{card.code}": value}, follow=True)
        assert "Choose a strength from 1 to 5 for at least one contact." in page.content.decode()
        assert Tie.objects.get(owner=mette, person_b=card.person).strength_rated is False

    def test_without_javascript_the_whole_page_is_saved(self, mette_en, mette, run_records):
        done_batch(mette, run_records, ["Søren Ågård", "Karen Dahl", "Anna Holm"])
        cards = {card.full_name: card for card in ContactCard.objects.filter(owner=mette)}
        soren, karen = cards["Søren Ågård"], cards["Karen Dahl"]
        response = mette_en.post(
            reverse("network:rate_ties"), {f"strength-{soren.code}": "5", f"strength-{karen.code}": "1"}, follow=True
        )
        assert "2 ratings saved." in response.content.decode()
        assert [card.full_name for card in response.context["page"].object_list] == ["Anna Holm"]
        assert Tie.objects.get(owner=mette, person_b=soren.person).strength == Strength.CLOSE

    def test_a_stranger_cannot_rate_mettes_contacts(self, client, lars, mette, run_records):
        done_batch(mette, run_records, ["Søren Ågård"])
        card = ContactCard.objects.get(owner=mette, full_name="Søren Ågård")
        client.force_login(lars)
        data = {"card": card.code, f"strength-{card.code}": "5"}
        assert client.post(reverse("network:rate_ties"), data, headers=HTMX).status_code == 404
        client.post(reverse("network:rate_ties"), {f"strength-{card.code}": "5"})
        assert "Søren Ågård" not in client.get(reverse("network:rate_ties")).content.decode()
        assert Tie.objects.get(owner=mette, person_b=card.person).strength_rated is False

    @pytest.mark.parametrize("count", [10, 40])
    def test_the_query_count_does_not_grow_with_contacts(self, client, lars, count, django_assert_num_queries):
        for number in range(count):
            add(lars, f"Kontakt {number:02d}", organisation="Arla", title="Chef")
        Tie.objects.filter(owner=lars).update(strength_rated=False)
        client.force_login(lars)
        client.get(reverse("network:rate_ties"))  # warm the session
        with django_assert_num_queries(5):
            response = client.get(reverse("network:rate_ties"))
        assert len(response.context["page"].object_list) == count + 1


class TestMergeSuggestions:
    @pytest.fixture
    def suggestion(self, mette, run_records) -> MergeSuggestion:
        run_records(mette, [record(1, FREDERIKSEN, "Novo Nordisk"), record(2, FREDRIKSEN, "Novo Nordisk")])
        return MergeSuggestion.objects.get(owner=mette)

    def test_asks_with_the_members_own_names_and_the_reason(self, mette_en, suggestion):
        html = mette_en.get(reverse("network:merge_suggestions")).content.decode()
        assert any(
            f"Is {one} (Novo Nordisk) the same as {other} (Novo Nordisk)?" in html
            for one, other in [(FREDERIKSEN, FREDRIKSEN), (FREDRIKSEN, FREDERIKSEN)]
        )
        assert "A similar name at the same organisation (Novo Nordisk)" in html
        assert reverse("network:decide_suggestion", args=[suggestion.code]) in html

    def test_not_the_same_keeps_them_apart(self, mette_en, suggestion):
        response = mette_en.post(reverse("network:decide_suggestion", args=[suggestion.code]), {"same": "no"})
        assert response["Location"] == reverse("network:merge_suggestions")
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.REJECTED
        assert "Is " not in mette_en.get(reverse("network:merge_suggestions")).content.decode().split("<h1")[1]

    def test_same_person_merges_them(self, mette_en, mette, suggestion):
        response = mette_en.post(
            reverse("network:decide_suggestion", args=[suggestion.code]), {"same": "yes"}, follow=True
        )
        assert "Merged: they are now one person in your network." in response.content.decode()
        assert not MergeSuggestion.objects.filter(status=SuggestionStatus.OPEN).exists()
        cards = ContactCard.objects.filter(owner=mette, full_name__in=[FREDERIKSEN, FREDRIKSEN])
        assert len(set(cards.values_list("person", flat=True))) == 1

    def test_deciding_twice_or_without_an_answer_is_refused_with_a_message(self, mette_en, suggestion):
        url = reverse("network:decide_suggestion", args=[suggestion.code])
        assert "Same person" in mette_en.post(url, {}, follow=True).content.decode()
        mette_en.post(url, {"same": "no"})
        again = mette_en.post(url, {"same": "yes"}, follow=True)
        assert "already been decided" in again.content.decode()
        suggestion.refresh_from_db()
        assert suggestion.status == SuggestionStatus.REJECTED

    def test_another_members_card_is_never_shown(self, mette_en, mette, jonas, suggestion):
        ContactCard.objects.filter(owner=mette, person=suggestion.candidate).delete()
        ContactCard.objects.create(owner=jonas, person=suggestion.candidate, full_name="Jonas' hemmelige navn")
        html = mette_en.get(reverse("network:merge_suggestions")).content.decode()
        assert "Jonas' hemmelige navn" not in html and suggestion.candidate.name not in html.split("<h1")[1]
        assert "someone who is not in your contacts" in html


class TestStranger:
    @pytest.fixture
    def mettes_imports(self, mette, run_records) -> dict[str, ImportBatch]:
        done = done_batch(mette, run_records, [FREDERIKSEN, FREDRIKSEN])
        waiting = ImportBatch.objects.create(owner=mette, filename="Connections.csv", content=LINKEDIN_EXPORT)
        return {"done": done, "waiting": waiting}

    @pytest.mark.parametrize(
        "name",
        ["import_preview", "import_progress", "import_summary", "import_summary_csv"],
    )
    def test_lars_gets_404_for_mettes_import_pages(self, client, lars, mettes_imports, name):
        client.force_login(lars)
        for batch in mettes_imports.values():
            assert client.get(reverse(f"network:{name}", args=[batch.code])).status_code == 404
            assert client.get(reverse(f"network:{name}", args=[batch.code]), headers=HTMX).status_code == 404

    @pytest.mark.parametrize("name", ["import_confirm", "import_cancel", "import_retry"])
    def test_lars_cannot_change_mettes_imports(self, client, lars, mettes_imports, name):
        client.force_login(lars)
        for batch in mettes_imports.values():
            assert client.post(reverse(f"network:{name}", args=[batch.code])).status_code == 404
        assert ImportBatch.objects.get(pk=mettes_imports["waiting"].pk).status == ImportStatus.PREVIEW

    def test_lars_can_neither_see_nor_decide_mettes_suggestion(self, client, lars, mette, mettes_imports):
        suggestion = MergeSuggestion.objects.get(owner=mette)
        client.force_login(lars)
        assert FREDRIKSEN not in client.get(reverse("network:merge_suggestions")).content.decode()
        url = reverse("network:decide_suggestion", args=[suggestion.code])
        assert client.post(url, {"same": "yes"}).status_code == 404
        assert MergeSuggestion.objects.get(pk=suggestion.pk).status == SuggestionStatus.OPEN

    def test_no_row_of_mettes_import_reaches_lars(self, client, lars, mettes_imports):
        client.force_login(lars)
        html = client.get(reverse("network:import_upload")).content.decode()
        assert mettes_imports["done"].code not in html
        assert not ImportRow.objects.filter(batch__owner=lars).exists()
