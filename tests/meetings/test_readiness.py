"""The readiness check, rule by rule, each passing and failing, with briefs written in Danish and in English.

The rules and their reasons are in docs/meetings.md ("Readiness check").
"""

import pytest
from django.utils import translation

from kaffebro.meetings import readiness
from kaffebro.meetings.models import PrepBrief
from kaffebro.meetings.readiness import (
    MAX_TOTAL_WORDS,
    MAX_WORDS,
    MIN_WORDS,
    BriefText,
    Level,
    Place,
    assess,
    brief_passes,
    feedback,
)
from kaffebro.network.models import Organisation, Posting, Target, TargetKind, Unit
from tests.meetings.conftest import GOOD

DIGITALISERING = Place(organisation="Region Hovedstaden", aliases=("RegionH",), unit="Digitalisering")
LANGUAGES = ["da", "en"]


def text(language: str, **changes) -> BriefText:
    return BriefText(**{**GOOD[language], **changes})


def rules(result, part: str) -> set[str]:
    return {finding.rule for finding in result.for_part(part)}


def words(count: int, word: str = "ord") -> str:
    return " ".join([word] * (count - 1) + ["slut"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_good_brief_is_ready_with_kind_words_for_every_part(language):
    result = assess(text(language), DIGITALISERING)
    assert result.level == Level.READY and result.passes
    assert not result.problems
    for part in readiness.PARTS:
        assert rules(result, part) == {"ok"}, part


class TestEmptyParts:
    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("part", readiness.REQUIRED_PARTS)
    def test_an_empty_part_fails(self, language, part):
        result = assess(text(language, **{part: "   \n"}), DIGITALISERING)
        assert rules(result, part) == {"empty"}
        assert result.level == Level.NOT_READY

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_the_optional_part_may_stay_empty_with_a_tip(self, language):
        result = assess(text(language, their_gain=""), DIGITALISERING)
        assert rules(result, "their_gain") == {"tip"}
        assert result.passes


class TestPlaceholders:
    @pytest.mark.parametrize(
        "placeholder",
        [
            "TODO",
            "udfyld senere",
            "Skriv her",
            "ved ikke",
            "write here",
            "Lorem ipsum dolor sit amet, consectetur adipiscing elit sed do eiusmod tempor",
            "Jeg har [antal] års erfaring med [område] og kan [noget] for jer i [enhed] og mere",
            "I have <number> years of experience in <field> and could help your team a lot",
            "xxxxxx",
            "bla bla bla bla",
            "...",
            "???",
        ],
    )
    def test_placeholder_text_fails(self, placeholder):
        result = assess(text("en", offer=placeholder), DIGITALISERING)
        assert rules(result, "offer") == {"placeholder"}
        assert not result.passes

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_real_text_is_not_a_placeholder(self, language):
        assert not readiness.is_placeholder(GOOD[language]["offer"])

    def test_a_placeholder_in_the_optional_part_fails_too(self):
        result = assess(text("da", their_gain="TBD"), DIGITALISERING)
        assert rules(result, "their_gain") == {"placeholder"}
        assert not result.passes


class TestLength:
    @pytest.mark.parametrize(
        ("language", "short"),
        [("da", "Jeg kan data og analyse."), ("en", "I know data and analysis.")],
    )
    def test_too_short_fails(self, language, short):
        result = assess(text(language, offer=short), DIGITALISERING)
        assert rules(result, "offer") == {"too_short"}
        assert f"{MIN_WORDS['offer']}" in result.for_part("offer")[0].message

    @pytest.mark.parametrize("language", LANGUAGES)
    def test_exactly_the_minimum_passes(self, language):
        minimum = {
            "da": "Otte års erfaring med dataanalyse i danske kommuner.",
            "en": "Eight years of data analysis in Danish municipalities.",
        }
        assert readiness.count_words(minimum[language]) == MIN_WORDS["offer"]
        assert rules(assess(text(language, offer=minimum[language]), DIGITALISERING), "offer") == {"ok"}

    @pytest.mark.parametrize(("language", "word"), [("da", "erfaring"), ("en", "experience")])
    def test_a_part_over_its_maximum_fails_and_at_it_passes(self, language, word):
        at_max = words(MAX_WORDS["offer"], word)
        assert rules(assess(text(language, offer=at_max), DIGITALISERING), "offer") == {"ok"}
        over = words(MAX_WORDS["offer"] + 1, word)
        result = assess(text(language, offer=over), DIGITALISERING)
        assert rules(result, "offer") == {"too_long"}
        assert not result.passes

    @pytest.mark.parametrize(("language", "word"), [("da", "erfaring"), ("en", "experience")])
    def test_the_whole_brief_must_fit_a_coffee(self, language, word):
        long = {
            "knowledge": GOOD[language]["knowledge"] + " " + words(MAX_WORDS["knowledge"] - 30, word),
            "offer": words(MAX_WORDS["offer"], word),
            "difference": words(MAX_WORDS["difference"], word),
            "their_gain": words(MAX_WORDS["their_gain"], word),
        }
        result = assess(text(language, **long), DIGITALISERING)
        assert result.total_words > MAX_TOTAL_WORDS
        assert {finding.rule for finding in result.problems} == {"total_too_long"}
        assert not result.passes
        fits = assess(text(language, **{**long, "difference": GOOD[language]["difference"]}), DIGITALISERING)
        assert fits.total_words <= MAX_TOTAL_WORDS and fits.passes

    def test_hyphenated_words_count_once(self):
        assert readiness.count_words("it-projekter og roll-out, 2030") == 4


class TestPlaceIsNamed:
    @pytest.mark.parametrize(
        "knowledge",
        [
            "Jeg ved at enheden arbejder med it til hospitalerne og har læst strategien grundigt i denne uge.",
            "I know the unit works on hospital IT and I have read the strategy carefully this week indeed.",
        ],
    )
    def test_a_brief_that_names_neither_unit_nor_organisation_fails(self, knowledge):
        result = assess(text("da", knowledge=knowledge), DIGITALISERING)
        assert rules(result, "knowledge") == {"not_named"}
        assert "Digitalisering" in result.for_part("knowledge")[0].message

    @pytest.mark.parametrize(
        "knowledge",
        [
            "Jeg har læst Region Hovedstadens strategi og ved, at der arbejdes på en ny patientportal nu.",
            "Digitaliseringen arbejder med hospitalernes it, og jeg har fulgt deres nye patientportal længe.",
            "I have read the strategy of REGION HOVEDSTADEN and know they are building a patient portal.",
            "I follow RegionH closely and know the new patient portal is their biggest project this year.",
        ],
    )
    def test_the_name_passes_in_any_case_with_an_alias_or_a_danish_ending(self, knowledge):
        assert rules(assess(text("en", knowledge=knowledge), DIGITALISERING), "knowledge") == {"ok"}

    def test_danish_letters_spelt_without_them_still_count(self):
        place = Place(organisation="Københavns Kommune A/S")
        knowledge = "I have read the plans of Kobenhavns Kommune and know they are building a new citizen portal."
        assert readiness.named_in(knowledge, place) == "Københavns Kommune A/S"

    def test_a_name_inside_another_word_does_not_count(self):
        place = Place(organisation="Novo")
        assert readiness.named_in("Jeg kender novoselic-familien og deres virksomhed godt.", place) is None

    def test_a_job_field_target_asks_for_the_field(self):
        place = Place(job_field="Dataanalyse")
        assert readiness.named_in("Jeg har arbejdet med dataanalyse i mange år og kender faget.", place)
        result = assess(text("en"), place)
        assert rules(result, "knowledge") == {"not_named"}
        assert "Dataanalyse" in result.for_part("knowledge")[0].message


class TestConcreteAsk:
    @pytest.mark.parametrize(
        "ask",
        [
            "Et job",
            "a job",
            "Anything!",
            "Hvad som helst",
            "Noget arbejde",
            "Jeg vil gerne have et job hos jer, tak.",
            "Kan du hjælpe mig med et job?",
            "Har I nogen ledige stillinger i Digitalisering?",
            "I would like a job at Region Hovedstaden, please.",
            "Can you get me a job?",
            "Do you have any jobs or opportunities for me?",
            "Can you help me with anything at all?",
        ],
    )
    def test_a_vague_ask_fails_even_as_a_question(self, ask):
        result = assess(text("en", ask=ask), DIGITALISERING)
        assert readiness.ask_is_vague(ask, DIGITALISERING)
        assert rules(result, "ask") == {"vague_ask"}
        assert not result.passes

    @pytest.mark.parametrize(
        "ask",
        ["Jeg interesserer mig for jeres dataplatform og patientportalen.", "I am interested in your data platform."],
    )
    def test_a_statement_is_not_a_request(self, ask):
        assert rules(assess(text("en", ask=ask), DIGITALISERING), "ask") == {"not_a_request"}

    @pytest.mark.parametrize(
        "ask",
        [
            "Hvordan planlægger I udrulningen af patientportalen?",
            "Kan du introducere mig for lederen af Digitalisering",
            "Jeg vil gerne høre om jeres erfaringer med patientportalen.",
            "Jeg beder om 20 minutter over en kop kaffe om jeres dataplatform",
            "Må jeg få din feedback på mit bud på en dataplatform",
            "What does a good first year look like in the data team?",
            "Could you introduce me to the person who leads the portal project",
            "I would value your advice on which team works with clinical data",
            "Twenty minutes over a coffee to hear how the team plans 2026",
        ],
    )
    def test_a_question_or_a_concrete_request_passes(self, ask):
        assert rules(assess(text("en", ask=ask), DIGITALISERING), "ask") == {"ok"}


class TestChecklist:
    @pytest.mark.parametrize("language", LANGUAGES)
    @pytest.mark.parametrize("item", readiness.CHECKLIST)
    def test_each_unticked_item_stops_the_request(self, language, item):
        result = assess(text(language, **{item: False}), DIGITALISERING)
        assert [finding.rule for finding in result.problems] == ["checklist"]
        assert result.level == Level.ALMOST

    def test_all_ticked_passes(self):
        assert not assess(text("da"), DIGITALISERING).for_part("checklist")


class TestLevels:
    def test_one_or_two_parts_needing_work_is_almost(self):
        result = assess(text("da", ask="Et job hos jer", read_news=False), DIGITALISERING)
        assert result.level == Level.ALMOST and not result.passes

    def test_three_parts_needing_work_is_not_ready(self):
        result = assess(text("da", ask="Et job hos jer", offer="TODO", read_news=False), DIGITALISERING)
        assert result.level == Level.NOT_READY

    def test_an_empty_brief_is_not_ready(self):
        assert assess(BriefText(), DIGITALISERING).level == Level.NOT_READY


class TestLanguageOfTheFeedback:
    def test_feedback_follows_the_active_language(self):
        with translation.override("en"):
            english = assess(text("da", offer=""), DIGITALISERING).for_part("offer")[0].message
        with translation.override("da"):
            danish = assess(text("da", offer=""), DIGITALISERING).for_part("offer")[0].message
            label = readiness.level_label(Level.READY)
        assert english.startswith("This part is still empty")
        assert danish != english
        assert label != "Ready to ask"


@pytest.mark.django_db
class TestOnASavedBrief:
    def test_brief_passes_reads_the_target_without_queries(self, mette, target, django_assert_num_queries):
        PrepBrief.objects.create(seeker=mette, target=target, **GOOD["da"])
        from kaffebro.meetings.access import briefs_of

        brief = briefs_of(mette).get()
        with django_assert_num_queries(0):
            assert brief_passes(brief)
            assert feedback(brief) == []

    def test_a_posting_target_uses_the_postings_unit_and_organisation(self, mette, region_h, digitalisering):
        posting = Posting.objects.create(organisation=region_h, unit=digitalisering, title="Dataanalytiker")
        target = Target.objects.create(seeker=mette, kind=TargetKind.POSTING, posting=posting, priority=2)
        assert Place.of_target(target) == DIGITALISERING

    def test_an_organisation_target(self, region_h):
        target = Target(kind=TargetKind.ORGANISATION, organisation=region_h)
        assert Place.of_target(target) == Place(organisation="Region Hovedstaden", aliases=("RegionH",))

    def test_a_brief_with_problems_lists_them(self, mette, region_h):
        unit = Unit.objects.create(organisation=Organisation.objects.create(name="Novo Nordisk"), name="Data")
        target = Target.objects.create(seeker=mette, kind=TargetKind.UNIT, unit=unit, priority=2)
        brief = PrepBrief(seeker=mette, target=target, **GOOD["en"])
        assert not brief_passes(brief)
        assert [finding.rule for finding in feedback(brief)] == ["not_named"]
