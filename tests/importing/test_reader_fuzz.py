"""Whatever a member uploads, the readers answer with contacts or with the importer's own refusal, never a crash.

A crash here would be a 500 on upload, or a background import that dies without telling the member why. The
inputs are random bytes, random damage to every fixture (quotes, delimiters, line breaks, vCard syntax, NULs and
foreign letters in random places) and random spreadsheets built from the header names members use.
Derandomised, so CI runs the same examples every time; the whole file runs in a few seconds.
"""

import datetime
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from kaffebro.network.importing.readers import read_contacts
from kaffebro.network.importing.records import ContactRecord, ImportRejected, ReadResult

FIXTURES = Path(__file__).parent / "fixtures"
FORMATS = ["auto", "linkedin", "vcard", "csv"]
CODES = {
    "empty",
    "too_large",
    "binary",
    "encoding",
    "not_contacts",
    "no_name_column",
    "unbalanced_quotes",
    "too_many_rows",
    "wrong_format",
}
FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None)
# Fragments that matter to one reader or another, spliced into texts at random places.
PIECES = [
    '"',
    '""',
    ",",
    ";",
    "\t",
    "\n",
    "\r",
    "\r\n",
    "\n ",
    ":",
    "\\",
    "\\,",
    "=",
    "=\n",
    "=C3=B8",
    "=F8",
    "\x00",
    "\ufeff",
    "ø",
    "Å",
    "\N{LATIN CAPITAL LETTER A WITH TILDE}\N{CEDILLA}",  # ø garbled by a wrong conversion
    "🌱",
    "BEGIN:VCARD\n",
    "END:VCARD\n",
    "VERSION:2.1\n",
    "FN;CHARSET=x-unknown;ENCODING=QUOTED-PRINTABLE:=FF=\n",
    "N:;;;\n",
    "ORG:;;;\n",
    "PHOTO;ENCODING=b:!!!\n",
    "X;a=b,c;a=b,c;a=b,c;=:v\n",
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
    "Navn;Fornavn;Efternavn;Virksomhed\n",
    "31 Feb 2024",
    "2/30/17, 9:41 AM",
    "99/99/99",
]
HEADERS = [
    "Navn",
    "Fornavn",
    "Efternavn",
    "Name",
    "First Name",
    "Last Name",
    "E-mail",
    "Email Address",
    "Telefon",
    "Virksomhed",
    "Company",
    "Afdeling",
    "Stilling",
    "Title",
    "Job Title",
    "LinkedIn",
    "URL",
    "Connected On",
    "Hvordan vi kender hinanden",
    "Noter",
    "",
]
CELL_TEXT = st.text(alphabet=st.sampled_from('abcæøåÆØÅ 🌱"\n,;\t:=\\-/.@0123456789'), max_size=12)


def fixture_names() -> list[str]:
    return sorted(path.name for path in FIXTURES.iterdir() if path.is_file())


def read_safely(data: bytes, fmt: str, mapping: dict[str, str] | None = None) -> None:
    """The whole promise: a ReadResult with well-formed records, or ImportRejected with a known code and a message."""
    with translation.override("en"):
        try:
            result = read_contacts(data, format=fmt, mapping=mapping)
        except ImportRejected as refused:
            assert refused.code in CODES
            assert str(refused.message)
            return
    assert isinstance(result, ReadResult)
    assert result.format in ("linkedin", "vcard", "csv")
    for record in result.records:
        assert isinstance(record, ContactRecord)
        assert record.full_name and record.full_name == record.full_name.strip()
        assert record.row_number >= 1
        assert record.connected_on is None or isinstance(record.connected_on, datetime.date)
    for row_number, reason in result.skipped:
        assert row_number >= 1 and reason


@st.composite
def damaged(draw, text: str) -> str:
    """The text with a few random cuts, insertions of meaningful fragments and swapped characters."""
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, len(text)))
        action = draw(st.sampled_from(["insert", "delete", "cut", "replace"]))
        if action == "insert":
            text = text[:at] + draw(st.sampled_from(PIECES) | st.text(max_size=5)) + text[at:]
        elif action == "delete":
            text = text[:at] + text[at + draw(st.integers(1, 40)) :]
        elif action == "cut":
            text = text[:at]
        else:
            text = text[:at] + draw(st.characters()) + text[at + 1 :]
    return text


@st.composite
def spreadsheets(draw) -> tuple[bytes, dict[str, str] | None]:
    """A random spreadsheet: known and unknown headers, any delimiter and encoding, sometimes a member's mapping."""
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(HEADERS) | CELL_TEXT, min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(CELL_TEXT, max_size=7), max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())

    def line(cells: list[str]) -> str:
        return delimiter.join('"' + cell.replace('"', '""') + '"' if quote else cell for cell in cells)

    text = newline.join([line(header), *map(line, rows)])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"]))
    data = text.encode(encoding, errors="replace")
    fields = st.sampled_from(["", "full_name", "first_name", "title", "email", "connected_on", "bogus"])
    mapping = draw(st.none() | st.dictionaries(st.sampled_from(header), fields, max_size=4))
    return data, mapping


@FUZZ
@given(data=st.binary(max_size=3000), fmt=st.sampled_from(FORMATS))
def test_random_bytes(data, fmt):
    read_safely(data, fmt)


@FUZZ
@given(data=st.binary(max_size=200), fmt=st.sampled_from(FORMATS))
def test_random_bytes_after_a_bom_or_magic_number(data, fmt):
    for prefix in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04", b"BEGIN:VCARD\r\n"):
        read_safely(prefix + data, fmt)


@pytest.mark.parametrize("name", fixture_names())
def test_damaged_fixtures(name):
    original = (FIXTURES / name).read_bytes()
    text = original.decode("utf-8", errors="surrogateescape")

    @settings(max_examples=25, deadline=None, derandomize=True, database=None)
    @given(damage=damaged(text), fmt=st.sampled_from(FORMATS), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
    def check(damage, fmt, encoding):
        read_safely(damage.encode(encoding, errors="surrogateescape" if encoding == "utf-8" else "replace"), fmt)

    check()


@settings(max_examples=150, deadline=None, derandomize=True, database=None)
@given(spreadsheet=spreadsheets(), fmt=st.sampled_from(["auto", "csv", "linkedin"]))
def test_random_spreadsheets(spreadsheet, fmt):
    data, mapping = spreadsheet
    read_safely(data, fmt, mapping)


@FUZZ
@given(cards=st.lists(st.lists(st.sampled_from(PIECES) | CELL_TEXT, max_size=6), max_size=5))
def test_random_vcards(cards):
    text = "".join("BEGIN:VCARD\nVERSION:3.0\n" + "".join(card) + "\nEND:VCARD\n" for card in cards)
    read_safely(text.encode(), "auto")
