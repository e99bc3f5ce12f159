"""Compiling and checking the translation catalogues without GNU gettext.

`make run` must work on a machine with only Python, so the .mo files are built
with polib; the same reader tells the test suite when a Danish entry is missing
or fuzzy.
"""

import re
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings


def catalogues() -> list[Path]:
    return sorted(path for locale_dir in settings.LOCALE_PATHS for path in Path(locale_dir).glob("*/LC_MESSAGES/*.po"))


def compile_catalogue(po_path: Path) -> Path:
    """Write the .mo beside the .po, leaving out fuzzy entries as msgfmt does."""
    mo_path = po_path.with_suffix(".mo")
    polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
    return mo_path


@dataclass(frozen=True)
class Gap:
    catalogue: str
    msgid: str
    problem: str

    def __str__(self) -> str:
        return f"{self.catalogue}: {self.problem}: {self.msgid!r}"


_PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\w+\}")


def _placeholders(text: str) -> set[str]:
    return set(_PLACEHOLDER.findall(text))


def untranslated(po_path: Path) -> list[Gap]:
    """Entries of a catalogue that are empty, fuzzy, or lose a named placeholder."""
    name = str(po_path.relative_to(settings.BASE_DIR))
    gaps = []
    for entry in polib.pofile(str(po_path)):
        if entry.obsolete:
            continue
        if entry.fuzzy:
            gaps.append(Gap(name, entry.msgid, "fuzzy"))
        elif entry.msgid_plural:
            if not entry.msgstr_plural or not all(entry.msgstr_plural.values()):
                gaps.append(Gap(name, entry.msgid, "missing plural"))
        elif not entry.msgstr:
            gaps.append(Gap(name, entry.msgid, "missing"))
        elif _placeholders(entry.msgid) != _placeholders(entry.msgstr):
            gaps.append(Gap(name, entry.msgid, "placeholders differ"))
    return gaps
