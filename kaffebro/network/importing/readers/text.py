"""Turning an uploaded file's bytes into text, whatever program wrote it, or refusing it with a reason.

Exports arrive as UTF-8 (LinkedIn, Google, Apple), UTF-8 with a BOM (Excel's "CSV UTF-8"), Windows-1252 (Danish
Excel's plain "CSV") and UTF-16 (Excel's "Unicode text", sometimes without a BOM). Files that are not text at all,
or whose letters were garbled by an earlier wrong conversion, are refused rather than imported as nonsense names.
"""

from __future__ import annotations

import re

from kaffebro.network.importing.readers import rejections

# Magic numbers of files members upload by mistake; each kind gets its own advice.
WORKBOOK_MAGIC = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)  # Excel 97-2003 .xls
ARCHIVE_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")  # ZIP, which also holds .xlsx, .ods and .numbers workbooks
OTHER_MAGIC = (
    b"%PDF-",
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",  # JPEG
    b"GIF87a",
    b"GIF89a",
    b"II*\x00",  # TIFF
    b"MM\x00*",
    b"\x7fELF",  # a Linux program
    b"MZ\x90\x00",  # a Windows program
)
GZIP_MAGIC = b"\x1f\x8b"
# Names stored inside a ZIP that mark it as a spreadsheet workbook rather than a plain archive.
WORKBOOK_MARKERS = (b"xl/", b"opendocument.spreadsheet", b"Index/Document.iwa")
BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
SAMPLE_BYTES = 64 * 1024
# A UTF-8 letter outside ASCII read as Windows-1252 becomes "Ã" or "Â" followed by one of these: "ø" turns into
# "Ã" and a cedilla, "å" into "Ã" and a yen sign.
_CONTINUATION = bytes(range(0x80, 0xC0)).decode("cp1252", errors="ignore")
MOJIBAKE = re.compile("[ÂÃ][" + re.escape(_CONTINUATION) + "]")
CONTROL = re.compile(r"[\x01-\x08\x0e-\x1f\x7f]")  # not tab, newlines, or the vertical tab FileMaker puts in cells


def decode(data: bytes) -> str:
    """The file as text with `\\n` newlines and a final newline; refuses empty, binary and garbled files."""
    if not data:
        raise rejections.empty()
    refuse_binary(data)
    text = decode_bytes(data)
    if not text.strip():
        raise rejections.empty()
    sample = text[:SAMPLE_BYTES]
    if "\x00" in text or len(CONTROL.findall(sample)) > max(2, len(sample) // 100):
        raise rejections.binary()
    if MOJIBAKE.search(text):
        raise rejections.encoding()
    text = text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\x1a")  # DOS-era files end with Ctrl-Z
    return text if text.endswith("\n") else text + "\n"


def refuse_binary(data: bytes) -> None:
    """Refuse the files people pick by mistake, by their magic number, with advice for the commonest: workbooks.

    Only the first bytes are looked at: an archive is never unpacked, so a ZIP or gzip bomb costs nothing."""
    if data.startswith(WORKBOOK_MAGIC):
        raise rejections.workbook()
    if data.startswith(ARCHIVE_MAGIC):
        head = data[:SAMPLE_BYTES]
        raise rejections.workbook() if any(marker in head for marker in WORKBOOK_MARKERS) else rejections.archive()
    if data.startswith(GZIP_MAGIC):
        raise rejections.compressed()
    if data.startswith(OTHER_MAGIC) or (data[8:12] == b"WEBP" and data.startswith(b"RIFF")):
        raise rejections.binary()


def decode_bytes(data: bytes) -> str:
    """Decode by BOM, then by the NUL pattern of BOM-less UTF-16, then UTF-8, then Windows-1252."""
    encoding = next((name for bom, name in BOMS if data.startswith(bom)), None) or utf16_without_bom(data)
    candidates = [encoding] if encoding else ["utf-8", "cp1252"]
    for candidate in candidates:
        try:
            return data.decode(candidate)
        except UnicodeDecodeError:
            continue
    raise rejections.encoding()


def utf16_without_bom(data: bytes) -> str | None:
    """Recognise UTF-16 without a BOM: Latin text then has a NUL in every other byte, on the same side."""
    sample = data[: SAMPLE_BYTES - SAMPLE_BYTES % 2]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    if odd_nuls >= pairs * 0.3 and even_nuls <= pairs * 0.05:
        return "utf-16-le"
    if even_nuls >= pairs * 0.3 and odd_nuls <= pairs * 0.05:
        return "utf-16-be"
    return None
