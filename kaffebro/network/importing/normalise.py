"""Keys that make two spellings of one name, organisation or profile address compare equal.

Danish names reach us spelt in several ways: "Søren Ågård" in one address book is
"Soren Aagaard" or "Soeren Agaard" in another, "Københavns Kommune" arrives as
"Kobenhavns Kommune". The keys here fold those variants (and case, accents,
punctuation and legal forms) so that resolution can compare like with like.
Identity keys are stored only as digests: a shared `Person` never holds an e-mail.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import lru_cache
from urllib.parse import unquote, urlsplit

# Letters that do not decompose into a base letter plus an accent.
_LETTERS = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ß": "ss", "đ": "d", "ł": "l", "œ": "oe", "þ": "th"})
# After transliteration, the remaining spelling variants collapse: "aa"/"å", "oe"/"ø"/"o", "ae"/"æ"/"e".
_VARIANTS = (("aa", "a"), ("oe", "o"), ("ae", "e"))
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# Legal forms dropped from organisation names ("Novo Nordisk A/S" = "NOVO NORDISK"), as they read once folded.
_LEGAL_FORMS = {
    "a s",
    "as",
    "aps",
    "ivs",
    "i s",
    "is",
    "p s",
    "k s",
    "amba",
    "a m b a",
    "fmba",
    "f m b a",
    "smba",
    "s m b a",
    "inc",
    "incorporated",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "gmbh",
    "ag",
    "ab",
    "asa",
    "oy",
    "oyj",
    "bv",
    "b v",
    "nv",
    "n v",
    "sa",
    "s a",
    "sarl",
    "srl",
    "spa",
    "corp",
    "corporation",
    "co",
    "company",
    "se",
}
_MAX_LEGAL_FORM_WORDS = 4


# Names and organisations repeat throughout a file and across its keys: fold each spelling once.
_CACHE = 1 << 16


@lru_cache(maxsize=_CACHE)
def fold(text: str) -> str:
    """Lower case, Danish letters transliterated, accents stripped, punctuation to single spaces."""
    text = text.casefold().translate(_LETTERS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _NON_ALNUM.sub(" ", text).strip()


def _collapse_variants(folded: str) -> str:
    for variant, plain in _VARIANTS:
        folded = folded.replace(variant, plain)
    return folded


@lru_cache(maxsize=_CACHE)
def name_key(name: str) -> str:
    """A person's name with every Danish spelling variant collapsed: "Søren Ågård" and "Soren Aagaard" agree.

    The collapse also makes "Michael" and "Michel" agree; `same_name` tells those apart.
    """
    return _collapse_variants(fold(name))


_DANISH_LETTERS = frozenset("æøåÆØÅ")


def same_name(one: str, other: str) -> bool:
    """Whether two spellings are one name: equal once folded, or equal up to how æ, ø and å were written.

    "Søren Ågård" = "Soren Aagaard" = "Soeren Agaard", but "Michael" ≠ "Michel" and "Joe" ≠ "Jo": the
    collapsed key only counts when one of the names has a Danish letter that explains the difference.
    """
    if fold(one) == fold(other):
        return True
    return name_key(one) == name_key(other) and not _DANISH_LETTERS.isdisjoint(one + other)


def _without_legal_form(words: list[str]) -> list[str]:
    """Drop a trailing legal form of up to four words ("a m b a"), keeping at least one word of the name."""
    for size in range(_MAX_LEGAL_FORM_WORDS, 0, -1):
        if len(words) > size and " ".join(words[-size:]) in _LEGAL_FORMS:
            return words[:-size]
    return words


@lru_cache(maxsize=_CACHE)
def organisation_key(name: str) -> str:
    """An organisation's name without case, legal form or Danish spelling variants."""
    words = fold(name).split()
    return _collapse_variants(" ".join(_without_legal_form(words)))


_LINKEDIN_PROFILE = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)?linkedin\.com/(in|pub)/([^?#\s]+)", re.IGNORECASE)
PROFILE_KEY_PREFIXES = ("linkedin.com/in/", "linkedin.com/pub/")


@lru_cache(maxsize=_CACHE)
def normalise_profile_url(url: str) -> str:
    """A LinkedIn profile address in one canonical form; other addresses without scheme and trailing slash.

    LinkedIn exports and vCards write the same profile with or without scheme,
    "www.", a country subdomain, a trailing slash, percent-encoding or a tracking
    query. A current profile is "linkedin.com/in/<name>"; an old public one keeps
    its whole path ("linkedin.com/pub/<name>/1a/2b/3c"), since the name part alone
    is shared by many people.
    """
    url = unquote(url.strip())
    if not url:
        return ""
    profile = _LINKEDIN_PROFILE.match(url)
    if profile:
        kind, path = profile.group(1).lower(), profile.group(2).strip("/").lower()
        return f"linkedin.com/{kind}/{path.split('/')[0] if kind == 'in' else path}"
    parts = urlsplit(url if "://" in url else f"https://{url}")
    return f"{(parts.hostname or '').lower()}{parts.path.rstrip('/')}"


def is_profile_key(normalised_url: str) -> bool:
    """Whether a normalised address names one person (a LinkedIn profile), not a company site or the like."""
    return normalised_url.startswith(PROFILE_KEY_PREFIXES)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def key_digest(kind: str, value: str) -> str:
    """The stored form of an identity key: a SHA-256 digest, so the key itself is never kept."""
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def name_at_organisation(name: str, organisation: str) -> str:
    """The value of a name-at-organisation identity key, as the suppression list stores it."""
    return f"{name_key(name)}@{organisation_key(organisation)}"


# Title words that usually mean the person decides on hiring. Matched on whole folded words or
# word endings, so Danish compounds count: "afdelingschef", "kontorchef", "teamleder".
_DECISION_WORD_ENDINGS = ("chef", "direktor", "direktoer", "leder", "lederen")
_DECISION_PHRASES = (
    "head of",
    "manager",
    "director",
    "chief",
    "ceo",
    "cto",
    "cfo",
    "coo",
    "cio",
    "vp",
    "vice president",
    "owner",
    "partner",
    "founder",
    "ejer",
    "indehaver",
    "stifter",
    "formand",
    "borgmester",
)
_NOT_DECISION = ("projektleder", "project manager", "account manager", "product owner", "scrum master")


@lru_cache(maxsize=_CACHE)
def likely_decision_maker(title: str) -> bool:
    """Whether a title usually means a hiring decision; only a hint the member confirms, never asserted."""
    folded = fold(title)
    if not folded or any(phrase in folded for phrase in _NOT_DECISION):
        return False
    padded = f" {folded} "
    if any(f" {phrase} " in padded for phrase in _DECISION_PHRASES):
        return True
    return any(word.endswith(_DECISION_WORD_ENDINGS) for word in folded.split())


# Free text from a "how we know each other" column, mapped to the tie's kind by keywords (first match wins).
_HOW_KNOWN_WORDS = (
    ("former_colleague", ("tidligere kollega", "former colleague", "ex colleague", "eks kollega")),
    ("colleague", ("kollega", "colleague", "coworker", "co worker")),
    ("manager", ("chef", "leder", "manager", "boss", "medarbejder", "employee")),
    ("client", ("kunde", "client", "customer", "partner", "leverandor", "supplier")),
    ("studies", ("studie", "studiekammerat", "uni", "skole", "school", "studied", "classmate")),
    ("association", ("forening", "netvaerk", "network", "association", "klub", "club")),
    ("family", ("familie", "family", "bror", "soster", "fetter", "kusine", "brother", "sister", "cousin")),
    ("friend", ("ven", "veninde", "friend")),
)


@lru_cache(maxsize=_CACHE)
def how_known_from_text(text: str) -> str:
    """The `HowKnown` value a free-text answer most likely means; "other" when it names none, "" when empty."""
    folded = fold(text)
    if not folded:
        return ""
    padded = f" {_collapse_variants(folded)} "
    for value, words in _HOW_KNOWN_WORDS:
        if any(f" {_collapse_variants(fold(word))}" in padded for word in words):
            return value
    return "other"
