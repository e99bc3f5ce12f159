"""Folding names, organisations and profile addresses so that Danish spelling variants meet."""

import pytest

from kaffebro.network.importing.normalise import (
    how_known_from_text,
    likely_decision_maker,
    name_key,
    normalise_profile_url,
    organisation_key,
    same_name,
)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Søren Ågård", "Soren Aagaard"),
        ("Søren Ågård", "Soeren Agaard"),
        ("SØREN ÅGÅRD", "søren ågård"),
        ("Æble Hansen", "Aeble Hansen"),
        ("José Müller", "Jose Muller"),
        ("Anne-Mette  Bøgh", "Anne Mette Bogh"),
    ],
)
def test_danish_spelling_variants_of_a_name_fold_to_one_key(one, other):
    assert name_key(one) == name_key(other)


def test_different_names_keep_different_keys():
    assert name_key("Søren Ågård") != name_key("Søren Øgård")
    assert name_key("Mette Frederiksen") != name_key("Mette Fredriksen")


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Novo Nordisk A/S", "NOVO NORDISK"),
        ("Novo Nordisk A/S", "Novo Nordisk"),
        ("Københavns Kommune", "Kobenhavns Kommune"),
        ("Københavns Kommune", "Koebenhavns kommune"),
        ("Arla Foods amba", "Arla Foods"),
        ("Arla Foods A.M.B.A.", "Arla Foods"),
        ("Danske Bank A/S", "Danske Bank"),
        ("Netcompany ApS", "Netcompany"),
        ("Microsoft Inc.", "Microsoft"),
        ("Siemens GmbH", "Siemens"),
        ("Ørsted P/S", "Orsted"),
        ("Acme Ltd", "ACME"),
        ("Bageriet I/S", "Bageriet"),
        ("Rådgiverne K/S", "Raadgiverne"),
    ],
)
def test_legal_forms_case_and_danish_letters_do_not_separate_organisations(one, other):
    assert organisation_key(one) == organisation_key(other)


def test_an_organisation_named_only_by_its_legal_form_keeps_its_name():
    assert organisation_key("AS") == "as"
    assert organisation_key("Region Hovedstaden") != organisation_key("Region Sjælland")


@pytest.mark.parametrize(
    "url",
    [
        "https://www.linkedin.com/in/soren-aagaard",
        "http://linkedin.com/in/soren-aagaard/",
        "www.linkedin.com/in/Soren-Aagaard",
        "https://dk.linkedin.com/in/soren-aagaard?trk=public_profile",
        "linkedin.com/in/soren-aagaard#about",
    ],
)
def test_linkedin_profile_addresses_are_normalised(url):
    assert normalise_profile_url(url) == "linkedin.com/in/soren-aagaard"


def test_other_addresses_are_kept_without_scheme_or_trailing_slash():
    assert normalise_profile_url("https://example.dk/om/") == "example.dk/om"
    assert normalise_profile_url("  ") == ""


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Afdelingschef", True),
        ("Kontorchef, Digitalisering", True),
        ("Direktør", True),
        ("Teamleder", True),
        ("Head of Data", True),
        ("Engineering Manager", True),
        ("Founder & CEO", True),
        ("Ejer", True),
        ("Projektleder", False),
        ("Project Manager", False),
        ("Account Manager", False),
        ("Udviklingskonsulent", False),
        ("Sygeplejerske", False),
        ("", False),
    ],
)
def test_titles_that_usually_mean_a_hiring_decision_are_flagged(title, expected):
    assert likely_decision_maker(title) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tidligere kollega", "former_colleague"),
        ("kollega på Rigshospitalet", "colleague"),
        ("Studiekammerat fra DTU", "studies"),
        ("Vi spiller i samme klub", "association"),
        ("Min fætter", "family"),
        ("Vi mødtes på en konference", "other"),
        ("Friend from school", "studies"),
        ("Min chef", "manager"),
        ("", ""),
    ],
)
def test_how_we_know_each_other_text_maps_to_a_kind(text, expected):
    assert how_known_from_text(text) == expected


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("Søren Ågård", "Soren Aagaard", True),
        ("Søren Ågård", "Soeren Agaard", True),
        ("Anne-Mette Bøgh", "anne mette bogh", True),
        ("Michael Hansen", "Michel Hansen", False),
        ("Joe Berg", "Jo Berg", False),
        ("Mette Frederiksen", "Mette Fredriksen", False),
    ],
)
def test_same_name_allows_only_the_ways_danish_letters_are_written(one, other, same):
    assert same_name(one, other) is same


def test_old_public_profiles_keep_their_whole_address_and_encoded_letters_are_decoded():
    assert normalise_profile_url("https://www.linkedin.com/pub/john-smith/1a/2b/3c/") == (
        "linkedin.com/pub/john-smith/1a/2b/3c"
    )
    assert normalise_profile_url("https://www.linkedin.com/in/j%C3%B8rgen-lund") == normalise_profile_url(
        "linkedin.com/in/jørgen-lund"
    )
