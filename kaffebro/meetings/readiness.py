"""Is the preparation brief ready for a coffee request? Pure functions: text in, feedback out, no database.

Every rule, with its reason, is in docs/meetings.md ("Readiness check"); change both together.
The check looks at substance, not only length: the organisation or unit is named, the ask is
concrete, no part is placeholder text, and the whole fits a coffee. Its messages are translated
in the active language, so they reach the seeker in theirs.

`brief_passes(brief)` and `readiness_of(brief)` read the brief's target and the target's
organisation and unit: load the brief through `meetings.access`, which fetches them in the
same query, and nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _

from kaffebro.network.access import target_place
from kaffebro.network.importing.normalise import _collapse_variants, fold, organisation_key

# The four parts the seeker must write, in the order the form shows them; `their_gain` is optional.
REQUIRED_PARTS = ("knowledge", "offer", "difference", "ask")
OPTIONAL_PARTS = ("their_gain",)
PARTS = REQUIRED_PARTS + OPTIONAL_PARTS
CHECKLIST = ("read_website", "knows_unit", "read_news")

# Enough words to say something real: a sentence or two.
MIN_WORDS = {"knowledge": 12, "offer": 8, "difference": 8, "ask": 5}
# Read in about a minute each; the whole brief in under two minutes, over a coffee.
MAX_WORDS = {"knowledge": 120, "offer": 100, "difference": 100, "ask": 60, "their_gain": 60}
MAX_TOTAL_WORDS = 350
# At most this many parts (the checklist and the total counting as one each) may need work for "almost".
ALMOST_PROBLEMS = 2

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_BRACKETED_GAP = re.compile(r"\[[^\]\n]{0,40}\]|<[^>\n]{0,40}>|\{[^}\n]{0,40}\}")
_REPEATED_CHARACTER = re.compile(r"^(.)\1+$")


class Level(StrEnum):
    NOT_READY = "not_ready"
    ALMOST = "almost"
    READY = "ready"


def _fold_text(text: str) -> str:
    """`fold` without its cache: a brief's text changes with every keystroke and must not fill the cache."""
    return fold.__wrapped__(text)


def _folded_words(*phrases: str) -> frozenset[str]:
    return frozenset(word for phrase in phrases for word in _fold_text(phrase).split())


def _folded_phrases(*phrases: str) -> frozenset[str]:
    return frozenset(_fold_text(phrase) for phrase in phrases)


def _word_list(*words: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Exact words, and word beginnings written with a trailing "*" (for Danish and English inflections)."""
    exact = frozenset(_fold_text(word) for word in words if not word.endswith("*"))
    prefixes = tuple(_fold_text(word[:-1]) for word in words if word.endswith("*"))
    return exact, prefixes


# Text people leave in a part instead of writing it (compared once folded, so case and punctuation do not matter).
PLACEHOLDERS = _folded_phrases(
    *("todo", "to do", "tbd", "tba", "xxx", "lorem ipsum", "test", "testing", "placeholder", "pladsholder"),
    *("udfyld", "udfyld senere", "skriv her", "skriv noget", "kommer", "kommer senere", "senere", "ved ikke"),
    *("write here", "fill in", "fill in later", "later", "n/a", "na", "don't know", "dont know", "i don't know"),
    *("ingen", "intet", "ikke noget", "none", "nothing", "noget", "something", "whatever", "tekst", "text"),
    *("bla", "bla bla", "blabla", "blah", "blah blah", "asdf", "qwerty", "foo", "bar", "foobar", "abc"),
)

# Politeness and function words, and verbs that only mean "to get": they say nothing about what is asked.
FILLER_WORDS = _folded_words(
    "jeg vil gerne have bede beder om du kan kunne i jer dig mig med at en et den det de der som er har ha",
    "for til på af og eller så lidt nogen nogle hvis må måske tak venligst bare også hos ved fra",
    "min mit mine din dit dine jeres vores os vi få får gøre gør hjælpe hjælper søger søge leder efter",
    "ønsker ønske mulig muligt meget mere ind ud op over under vide giv give giver skaffe finde",
    "i would like to want wanted please can could you me my with a an the for of in at on and or any some",
    "if may might maybe thanks thank just also get got have has be is are am do does did your yours we us our",
    "helping looking seeking find give provide offer more about there here it its this that into all",
)

# Words for "a job" or "anything at all": an ask made only of these leaves the other person guessing.
VAGUE_WORDS = _folded_words(
    "job jobs jobbet jobbene jobbet stilling stillingen stillinger ansættelse ansat arbejde arbejdet",
    "work employment position positions role roles rolle opportunity opportunities mulighed muligheder",
    "chance chancer ledig ledige vacancy vacancies opening openings hjælp help support støtte",
    "anything something everything whatever alt noget hvad helst ting stuff contract kontrakt",
)

# Concrete things one person can do for another over a coffee (a "*" matches any ending).
REQUEST_WORDS = _word_list(
    *("introducer*", "introduktion*", "præsenter*", "fortæl*", "høre", "hør", "hører", "møde*", "mødes"),
    *("kaffe*", "snak*", "tale", "tal", "forklar*", "vise", "vis", "viser", "anbefal*", "sparr*", "feedback"),
    *("råd", "råde", "rådgiv*", "kig*", "læse", "læs", "gennemlæs*", "dele", "del", "navn*", "kontakt*"),
    *("forbind*", "spørg*", "vurder*", "kommenter*", "kommentar*", "minut*", "henvis*", "pege", "peg"),
    *("input", "erfaring*", "indblik", "indsigt*", "perspektiv*", "syn", "tanker", "bud", "lære", "gennemgå*"),
    *("videregiv*", "sende", "send", "introduc*", "tell", "explain*", "hear", "meet", "meeting", "coffee"),
    *("chat", "talk", "show", "recommend*", "advice", "advise", "review*", "look", "read", "share"),
    *("suggest*", "name", "names", "contact*", "connect*", "point", "learn", "minute*", "insight*"),
    *("perspective*", "view", "views", "thoughts", "experience*", "comment*", "walk", "describe*"),
    *("pass", "forward", "sparring", "opinion", "input"),
)


@dataclass(frozen=True)
class BriefText:
    """What the seeker wrote: the parts and the checklist."""

    knowledge: str = ""
    offer: str = ""
    difference: str = ""
    ask: str = ""
    their_gain: str = ""
    read_website: bool = False
    knows_unit: bool = False
    read_news: bool = False

    def values(self) -> dict[str, str | bool]:
        return {item.name: getattr(self, item.name) for item in fields(self)}

    @classmethod
    def of(cls, source: Any) -> BriefText:
        """From a `PrepBrief` (or anything with its attributes) or a mapping such as a form's cleaned data."""
        if isinstance(source, dict):
            values = {name: source.get(name) for name in PARTS + CHECKLIST}
        else:
            values = {name: getattr(source, name, None) for name in PARTS + CHECKLIST}
        texts = {name: str(values[name] or "") for name in PARTS}
        ticks = {name: bool(values[name]) for name in CHECKLIST}
        return cls(
            knowledge=texts["knowledge"],
            offer=texts["offer"],
            difference=texts["difference"],
            ask=texts["ask"],
            their_gain=texts["their_gain"],
            read_website=ticks["read_website"],
            knows_unit=ticks["knows_unit"],
            read_news=ticks["read_news"],
        )


@dataclass(frozen=True)
class Place:
    """The names a brief for this target should mention: its organisation (and other names), its unit, or a field."""

    organisation: str = ""
    aliases: tuple[str, ...] = ()
    unit: str = ""
    job_field: str = ""

    @classmethod
    def of_target(cls, target: Any) -> Place:
        organisation, unit = target_place(target)
        if organisation is None:
            return cls(job_field=target.job_field)
        return cls(
            organisation=organisation.name,
            aliases=tuple(str(alias) for alias in organisation.aliases or ()),
            unit=unit.name if unit is not None else "",
        )

    def names(self) -> list[str]:
        return [name for name in (self.unit, self.organisation, *self.aliases, self.job_field) if name]


@dataclass(frozen=True)
class Finding:
    """One piece of feedback: which part, which rule, the message, and whether it stops the request."""

    part: str  # a part, "checklist" or "brief" (the whole)
    rule: str
    message: str
    blocking: bool

    @property
    def is_ok(self) -> bool:
        return self.rule == "ok"


@dataclass(frozen=True)
class Readiness:
    level: Level
    findings: tuple[Finding, ...]
    words: dict[str, int] = field(default_factory=dict)
    total_words: int = 0

    @property
    def passes(self) -> bool:
        return self.level == Level.READY

    @property
    def problems(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]

    def for_part(self, part: str) -> list[Finding]:
        return [finding for finding in self.findings if finding.part == part]

    @property
    def label(self) -> str:
        return level_label(self.level)


def level_label(level: Level) -> str:
    return {
        Level.NOT_READY: _("Not ready yet"),
        Level.ALMOST: _("Almost ready"),
        Level.READY: _("Ready to ask"),
    }[level]


def level_summary(level: Level) -> str:
    return {
        Level.NOT_READY: _("Keep going: write each part in your own words. The notes below show what is missing."),
        Level.ALMOST: _("Almost there: a few things are left before you ask for a coffee meeting."),
        Level.READY: _("Your brief is ready: you can ask for a coffee meeting with it."),
    }[level]


def part_label(part: str) -> str:
    return {
        "knowledge": _("What I know about the organisation and the unit"),
        "offer": _("What I offer"),
        "difference": _("How I could make a difference for them"),
        "ask": _("Exactly what help I ask for"),
        "their_gain": _("What they might get out of meeting me (optional)"),
        "checklist": _("Before you ask"),
        "brief": _("The whole brief"),
    }[part]


def count_words(text: str) -> int:
    return len(_WORD.findall(text))


def is_placeholder(text: str) -> bool:
    """Text that stands in for an answer: a known placeholder, a bracketed gap, one word repeated, or no letters."""
    if not text.strip():
        return False
    folded = _fold_text(text)
    words = folded.split()
    if not words or folded in PLACEHOLDERS or "lorem ipsum" in folded or _BRACKETED_GAP.search(text):
        return True
    if len(words) >= 2 and len(set(words)) == 1:
        return True
    return len(words) == 1 and len(words[0]) >= 3 and bool(_REPEATED_CHARACTER.match(words[0]))


def _place_key(name: str, *, organisation: bool) -> str:
    return organisation_key(name) if organisation else _collapse_variants(_fold_text(name))


def named_in(text: str, place: Place) -> str | None:
    """The first of the place's names the text mentions, ignoring case, Danish spelling and a genitive or
    definite ending ("Region Hovedstadens", "Digitaliseringen"); None when it mentions none."""
    haystack = _collapse_variants(_fold_text(text))
    candidates = [(place.unit, False), (place.organisation, True), *((alias, True) for alias in place.aliases)]
    candidates.append((place.job_field, False))
    for name, is_organisation in candidates:
        key = _place_key(name, organisation=is_organisation) if name else ""
        if len(key) < 2:
            continue
        if re.search(rf"(?<![0-9a-z]){re.escape(key)}(?:s|e|en|ens|et|ets|ne|nes)?(?![0-9a-z])", haystack):
            return name
    return None


def _matches(word: str, words: tuple[frozenset[str], tuple[str, ...]]) -> bool:
    exact, prefixes = words
    return word in exact or word.startswith(prefixes)


def _place_words(place: Place) -> frozenset[str]:
    return _folded_words(*place.names())


def _is_place_word(word: str, place_words: frozenset[str]) -> bool:
    """A word of the target's own name, also with a short ending ("hovedstadens")."""
    return any(word == name or (word.startswith(name) and len(word) - len(name) <= 3) for name in place_words)


def substantive_words(ask: str, place: Place) -> list[str]:
    """The ask's words without politeness, function words, "a job"/"anything" words and the target's own name."""
    place_words = _place_words(place)
    return [
        word
        for word in _fold_text(ask).split()
        if word not in FILLER_WORDS
        and word not in VAGUE_WORDS
        and not word.isdigit()
        and len(word) > 1
        and not _is_place_word(word, place_words)
    ]


def ask_is_vague(ask: str, place: Place) -> bool:
    return not substantive_words(ask, place)


def ask_is_request(ask: str) -> bool:
    """A question (a question mark) or a request naming something concrete to do: hear, introduce, advise…"""
    return "?" in ask or any(_matches(word, REQUEST_WORDS) for word in _fold_text(ask).split())


def _length_findings(part: str, words: int) -> list[Finding]:
    minimum, maximum = MIN_WORDS.get(part, 0), MAX_WORDS[part]
    if words < minimum:
        message = _("A little more, please: about %(minimum)d words make this part clear, and it has %(count)d.") % {
            "minimum": minimum,
            "count": words,
        }
        return [Finding(part, "too_short", message, True)]
    if words > maximum:
        message = _(
            "Shorten this part to at most %(maximum)d words (it has %(count)d): the other person should "
            "read it in a minute."
        ) % {"maximum": maximum, "count": words}
        return [Finding(part, "too_long", message, True)]
    return []


def _not_named_message(place: Place) -> str:
    if place.unit:
        return _("Mention %(unit)s or %(organisation)s by name: it shows you know whom you are writing to.") % {
            "unit": place.unit,
            "organisation": place.organisation,
        }
    if place.organisation:
        return _("Mention %(organisation)s by name: it shows you know whom you are writing to.") % {
            "organisation": place.organisation
        }
    return _("Mention the job field %(field)s by name: it shows what you are aiming at.") % {"field": place.job_field}


def _knowledge_findings(text: str, place: Place) -> list[Finding]:
    name = named_in(text, place)
    if name is None:
        return [Finding("knowledge", "not_named", _not_named_message(place), True)]
    return [Finding("knowledge", "ok", _("Good: you show that you know %(name)s.") % {"name": name}, False)]


def _ask_findings(text: str, place: Place) -> list[Finding]:
    if ask_is_vague(text, place):
        message = _(
            "Your ask is still too general: “a job” or “anything” leaves the other person guessing how to help. "
            "Ask for something they can say yes to over a coffee, such as how the unit works or an introduction."
        )
        return [Finding("ask", "vague_ask", message, True)]
    if not ask_is_request(text):
        message = _(
            "Phrase your ask as a question or a specific request, for example: “Could you tell me how the team "
            "plans the coming year?”"
        )
        return [Finding("ask", "not_a_request", message, True)]
    return [Finding("ask", "ok", _("A clear ask: they know exactly how they can help."), False)]


_OK_MESSAGES = {
    "offer": lambda: _("Clear: you say what you bring."),
    "difference": lambda: _("Good: you connect what you offer with what they need."),
    "their_gain": lambda: _("Nice: you show what is in it for them."),
}


def _part_findings(part: str, text: str, place: Place, words: int) -> list[Finding]:
    if not text.strip():
        if part in OPTIONAL_PARTS:
            message = _(
                "Optional: write what they might get out of meeting you. It makes your request a gift, not a favour."
            )
            return [Finding(part, "tip", message, False)]
        return [
            Finding(part, "empty", _("This part is still empty. A few sentences in your own words are enough."), True)
        ]
    if is_placeholder(text):
        message = _("This looks like placeholder text. Replace it with a few sentences in your own words.")
        return [Finding(part, "placeholder", message, True)]
    if part == "ask" and ask_is_vague(text, place):
        return _ask_findings(text, place)  # "Et job" is vague first, short second: say what helps most
    findings = _length_findings(part, words)
    if findings:
        return findings
    if part == "knowledge":
        return _knowledge_findings(text, place)
    if part == "ask":
        return _ask_findings(text, place)
    return [Finding(part, "ok", _OK_MESSAGES[part](), False)]


def _checklist_findings(text: BriefText) -> list[Finding]:
    missing = {
        "read_website": _("Read their website and strategy, then tick it off."),
        "knows_unit": _("Find out what the unit does, then tick it off."),
        "read_news": _("Look for recent news about them, then tick it off."),
    }
    return [
        Finding("checklist", "checklist", message, True) for name, message in missing.items() if not getattr(text, name)
    ]


def _level(findings: Iterable[Finding], text: BriefText) -> Level:
    problem_parts = {finding.part for finding in findings if finding.blocking}
    if not problem_parts:
        return Level.READY
    all_written = all(getattr(text, part).strip() for part in REQUIRED_PARTS)
    return Level.ALMOST if all_written and len(problem_parts) <= ALMOST_PROBLEMS else Level.NOT_READY


def assess(text: BriefText, place: Place) -> Readiness:
    """Feedback on every part, the checklist and the whole, and the level they add up to."""
    words = {part: count_words(getattr(text, part)) for part in PARTS}
    findings: list[Finding] = []
    for part in PARTS:
        findings += _part_findings(part, getattr(text, part), place, words[part])
    findings += _checklist_findings(text)
    total = sum(words.values())
    if total > MAX_TOTAL_WORDS:
        message = _(
            "The whole brief has %(count)d words. Keep it to %(maximum)d at most: it prepares a coffee, not an essay."
        ) % {"count": total, "maximum": MAX_TOTAL_WORDS}
        findings.append(Finding("brief", "total_too_long", message, True))
    return Readiness(_level(findings, text), tuple(findings), words, total)


def readiness_of(brief: Any) -> Readiness:
    """The readiness of a saved brief, for its own target."""
    return assess(BriefText.of(brief), Place.of_target(brief.target))


def brief_passes(brief: Any) -> bool:
    """Whether a request for a coffee meeting may be sent with this brief."""
    return readiness_of(brief).passes


def feedback(brief: Any) -> list[Finding]:
    """What still stops the brief (empty when it passes), for the request flow to show."""
    return readiness_of(brief).problems
