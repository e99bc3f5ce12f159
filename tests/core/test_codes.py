"""Opaque codes: URL-safe, twelve characters, and never mistaken for a command-line option."""

import re

from kaffebro.core.codes import CODE_LENGTH, new_code


def test_codes_are_url_safe_and_never_start_with_a_dash():
    codes = [new_code() for _ in range(5000)]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", code) and len(code) == CODE_LENGTH for code in codes)
    assert not [code for code in codes if code.startswith("-")]
    assert len(set(codes)) == len(codes)
