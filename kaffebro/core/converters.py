"""The shape of an opaque code in a URL or a query string.

Accepting only the characters a code is made of means a malformed code (a NUL
byte, a quote, a very long string) never reaches the database, where PostgreSQL
would refuse it with an error: it is simply a code that does not exist.
"""

import re

from kaffebro.core.codes import CODE_LENGTH

CODE_PATTERN = rf"[A-Za-z0-9_-]{{1,{CODE_LENGTH + 4}}}"
_WHOLE_CODE = re.compile(rf"\A{CODE_PATTERN}\Z")


def looks_like_code(value: str) -> bool:
    """Whether a value could be a code at all, before it is looked up."""
    return bool(_WHOLE_CODE.match(value))


class CodeConverter:
    """`<code:name>` in a URL pattern: a malformed code is a URL that does not exist (404)."""

    regex = CODE_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value
