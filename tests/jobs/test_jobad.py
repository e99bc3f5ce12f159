"""The job-ad reader: real-world shaped JSON-LD ads (tests/jobs/jobads/), good, odd and broken.

Every broken input gets a clear message and never anything else; what can be read of a partly
readable ad is read, with a warning for what was left out. The reader touches no database.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import translation

from kaffebro.jobs.jobad import MAX_BYTES, Employer, JobAd, JobAdError, read_job_ad, sanitise_description

ADS = Path(__file__).parent / "jobads"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def ad(name: str) -> JobAd:
    return read_job_ad((ADS / name).read_bytes())


def refusal(data: bytes | str) -> str:
    with pytest.raises(JobAdError) as refused:
        read_job_ad(data)
    return refused.value.message


class TestRealWorldAds:
    def test_a_regions_ad_in_a_saved_page_with_an_escaped_description(self):
        found = ad("region_hovedstaden_specialkonsulent.html")
        assert found.title == "Specialkonsulent til Digitalisering, Center for IT"
        assert found.employer == Employer("Region Hovedstaden", cvr="29190623", website="https://www.regionh.dk")
        # 23:59 on 15 December in Danish winter time is still 15 December in Copenhagen.
        assert found.deadline == datetime.date(2026, 12, 15)
        assert found.employment_type == "full_time"  # "Fuldtid"
        assert found.location == "Hillerød, Region Hovedstaden"
        assert found.identifier == "RH-2026-10455"
        assert found.url == "https://www.regionh.dk/job/specialkonsulent-digitalisering-10455"
        assert found.description.startswith("<p><strong>Vil du være med")  # unescaped once
        assert "<li>Du trives med at samarbejde med klinikere</li>" in found.description
        assert found.warnings == ()

    def test_a_companys_ad_with_a_graph_and_an_organisation_node(self):
        found = ad("novo_nordisk_graph.jsonld")
        assert found.title == "Data Scientist"
        assert found.employer == Employer("Novo Nordisk A/S", cvr="24256790", website="https://www.novonordisk.com")
        assert found.deadline == datetime.date(2027, 1, 10)
        assert found.employment_type == "full_time"  # the first of ["FULL_TIME", "TEMPORARY"]
        assert found.location == "Bagsværd, Capital Region; Måløv"
        assert found.identifier == "12345"  # a number in a PropertyValue in a list
        assert found.url == "https://careers.novonordisk.com/job/12345/data-scientist"

    def test_a_job_boards_page_with_several_blocks_and_breadcrumbs(self):
        found = ad("jobboard_fjordby.html")
        assert found.title == "Virksomhedskonsulent til Jobcenter Fjordby"
        assert found.employer == Employer("Fjordby Kommune")  # a plain string
        assert found.deadline == datetime.date(2026, 12, 20)  # 12:00 UTC
        assert found.employment_type == "part_time"
        assert found.location == "Torvet 1, 9999 Fjordby"  # an address as text
        assert found.identifier == "JB-88123"

    def test_a_page_in_windows_1252(self):
        found = ad("fjordby_windows1252.html")
        assert found.title == "Pædagog til Børnehuset Solstrålen"
        assert found.location == "Ærøskøbing"
        assert "\u2013" in found.description and found.employment_type == "part_time"  # an en dash

    def test_pasted_json_text(self):
        text = (ADS / "novo_nordisk_graph.jsonld").read_text(encoding="utf-8")
        assert read_job_ad(text).title == "Data Scientist"

    def test_a_byte_order_mark_and_utf_16(self):
        text = (ADS / "jobboard_fjordby.html").read_text(encoding="utf-8")
        assert read_job_ad(text.encode("utf-8-sig")).identifier == "JB-88123"
        assert read_job_ad(text.encode("utf-16")).identifier == "JB-88123"


class TestPartlyReadable:
    def test_an_impossible_deadline_is_left_out_with_a_warning(self):
        found = ad("bad_deadline.json")
        assert found.title == "Sygeplejerske til akutmodtagelsen" and found.deadline is None
        assert any("2026-13-45" in warning and "not a date" in warning for warning in found.warnings)
        assert any("link is not a web address" in warning for warning in found.warnings) and found.url == ""
        assert found.employment_type == "part_time"  # "Deltid"

    def test_scripts_and_handlers_in_the_description_are_stripped_when_sanitised(self):
        found = ad("script_in_description.json")
        assert found.title == "Udvikler (fuldstack)"  # a title is plain text
        assert found.employment_type == "contractor"
        clean = sanitise_description(found.description)
        for dangerous in ("<script", "document.cookie", "onclick", "onmouseover", "onerror", "javascript:", "<img"):
            assert dangerous not in clean
        assert "<style" not in clean and "display:none" not in clean and "<iframe" not in clean
        assert '<a href="https://www.regionh.dk/job/udvikler" rel="noopener nofollow">læs mere</a>' in clean
        assert 'target="_blank"' not in clean
        assert "<p>Vi søger en udvikler.</p>" in clean

    def test_several_postings_read_the_first_with_a_warning(self):
        text = (
            '[{"@type": "JobPosting", "title": "A", "hiringOrganization": "X"},'
            ' {"@type": "JobPosting", "title": "B", "hiringOrganization": "Y"}]'
        )
        found = read_job_ad(text)
        assert found.title == "A" and "2 job postings" in found.warnings[0]

    def test_a_type_with_a_vocabulary_prefix_and_an_unknown_employment_type(self):
        text = (
            '{"@type": ["schema:JobPosting"], "title": "Kok", "hiringOrganization": "Kantinen",'
            ' "employmentType": "SEASONAL"}'
        )
        assert read_job_ad(text).employment_type == "other"

    def test_remote_work(self):
        text = (
            '{"@type": "JobPosting", "title": "Udvikler", "hiringOrganization": "F", "jobLocationType": "TELECOMMUTE"}'
        )
        assert read_job_ad(text).location == "Remote"

    def test_a_broken_block_beside_a_good_one_does_not_matter(self):
        page = (
            '<script type="application/ld+json">{"@type": "BreadcrumbList",}</script>'
            '<script type="application/ld+json">{"@type": "JobPosting", "title": "Kok", "hiringOrganization": "K"}'
            "</script>"
        )
        assert read_job_ad(page).title == "Kok"

    def test_the_ad_survives_the_trip_through_the_signed_preview(self):
        found = ad("region_hovedstaden_specialkonsulent.html")
        assert JobAd.from_data(found.as_data()) == found


class TestRefused:
    def test_trailing_commas(self):
        message = refusal((ADS / "broken_trailing_commas.json").read_bytes())
        assert message.startswith("The JSON-LD is not valid JSON") and "line 5" in message

    def test_a_page_with_no_json_ld(self):
        assert "no JSON-LD block" in refusal((ADS / "no_jsonld.html").read_bytes())

    def test_an_empty_file(self):
        assert "empty" in refusal((ADS / "empty.json").read_bytes())
        assert "empty" in refusal("   \n ")

    def test_a_file_over_the_limit(self):
        three_mb = b'{"@type": "JobPosting", "description": "' + b"x" * (3 * 1024 * 1024) + b'"}'
        assert "too large (3.0 MB)" in refusal(three_mb) and "at most 2 MB" in refusal(three_mb)
        assert "too large" in refusal(three_mb.decode())
        assert len(three_mb) > MAX_BYTES

    def test_no_job_posting(self):
        assert "No job posting was found" in refusal((ADS / "not_a_job.json").read_bytes())

    def test_missing_title(self):
        assert "has no title" in refusal((ADS / "missing_title.json").read_bytes())

    def test_missing_employer(self):
        assert "does not name the employer" in refusal((ADS / "missing_employer.json").read_bytes())

    def test_binary_and_undecodable_bytes(self):
        assert "cannot read this file as text" in refusal(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
        assert "cannot read this file as text" in refusal(b'{"title": "\x81\x8d\x8f\x90\x9d"}')

    def test_plain_text_that_is_neither_json_nor_html(self):
        assert "neither JSON nor a web page" in refusal("Vi søger en bager. Ring til Bent.")

    def test_deeply_nested_json(self):
        assert "not valid JSON" in refusal("[" * 100_000 + "]" * 100_000)


class TestSanitise:
    def test_plain_text_becomes_paragraphs(self):
        assert sanitise_description("Første afsnit.\nAnden linje.\n\nAndet afsnit & mere.") == (
            "<p>Første afsnit.<br>Anden linje.</p><p>Andet afsnit &amp; mere.</p>"
        )

    def test_allowed_tags_stay_and_others_go(self):
        html = '<h2>Om os</h2><h3>Opgaver</h3><ul><li><b>a</b> <i>b</i> <u>c</u></li></ul><div class="x">d</div>'
        assert sanitise_description(html) == "Om os<h3>Opgaver</h3><ul><li><b>a</b> <i>b</i> c</li></ul>d"

    def test_sanitising_twice_changes_nothing(self):
        once = sanitise_description((ADS / "script_in_description.json").read_text())
        assert sanitise_description(once) == once
