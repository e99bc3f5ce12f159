"""Cursor pages: stable under inserts, and a cursor nobody can forge.

A cursor is signed, so one that was altered or made up is a clear 400, never a
database error; each list view names its stable order (`cursor_ordering`).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import Cursor, CursorPagination
from rest_framework.utils.urls import replace_query_param

SALT = "kaffebro.api.cursor"
MAX_PAGE_SIZE = 100
_DIGITS = re.compile(r"\A[0-9]{1,3}\Z")  # ASCII digits only: int() also reads "٣" and refuses "²"


class SignedCursorPagination(CursorPagination):
    page_size = settings.PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    ordering = ("-created", "-id")

    def get_ordering(self, request, queryset, view):
        return tuple(getattr(view, "cursor_ordering", self.ordering))

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not _DIGITS.match(raw) or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError(
                {self.page_size_query_param: [_("Ask for 1 to %(max)d per page.") % {"max": self.max_page_size}]}
            )
        return int(raw)

    def get_schema_operation_parameters(self, view):
        cursor, page_size = super().get_schema_operation_parameters(view)
        cursor["description"] = "The page to answer: the `next` or `previous` address of a page holds it."
        page_size["schema"].update(minimum=1, maximum=self.max_page_size, default=self.page_size)
        return [cursor, page_size]

    def encode_cursor(self, cursor: Cursor) -> str:
        tokens = {"o": cursor.offset, "r": int(cursor.reverse), "p": cursor.position}
        signed = signing.dumps(tokens, salt=SALT)
        return replace_query_param(self.base_url, self.cursor_query_param, signed)

    def decode_cursor(self, request) -> Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        try:
            tokens = signing.loads(encoded, salt=SALT)
            offset, reverse, position = int(tokens["o"]), bool(tokens["r"]), tokens["p"]
        except (signing.BadSignature, KeyError, TypeError, ValueError):
            raise ValidationError(
                {
                    self.cursor_query_param: [
                        _("This cursor is not valid. Use the links `next` and `previous` as given.")
                    ]
                }
            ) from None
        if offset < 0 or (position is not None and not isinstance(position, str)):
            raise ValidationError({self.cursor_query_param: [_("This cursor is not valid.")]})
        return Cursor(offset=min(offset, self.offset_cutoff), reverse=reverse, position=position)
