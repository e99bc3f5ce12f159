"""What every API view shares: authentication, the member's language, problem+json errors, cursor pages.

API views are marked `login_not_required`: the site's log-in middleware would send a
token client to the log-in page, so the API authenticates itself and answers 401
(deny by default holds: `IsAuthenticated` is the default permission).
"""

from __future__ import annotations

import zoneinfo

from django.contrib.auth.decorators import login_not_required
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination

from kaffebro.api.pagination import SignedCursorPagination


def activate_member_preferences(request, user) -> None:
    """The member's own language and time zone win, as on the web pages (the session's middleware did it)."""
    translation.activate(user.language)
    request._request.LANGUAGE_CODE = user.language
    try:
        timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone.deactivate()


class ApiView(GenericAPIView):
    pagination_class: type[BasePagination] | None = SignedCursorPagination

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))

    def perform_authentication(self, request) -> None:
        super().perform_authentication(request)
        if request.user.is_authenticated:
            activate_member_preferences(request, request.user)

    def finalize_response(self, request, response, *args, **kwargs):
        """Answers hold one member's data: never cached by anyone, and different per token and language."""
        response = super().finalize_response(request, response, *args, **kwargs)
        patch_vary_headers(response, ["Authorization", "Accept-Language", "Cookie"])
        add_never_cache_headers(response)
        patch_cache_control(response, private=True)
        return response

    def paginated(self, queryset, serializer_class, **context):
        """One cursor page of `queryset`, serialised."""
        page = self.paginate_queryset(queryset)
        serializer = serializer_class(page, many=True, context={"request": self.request, **context})
        return self.get_paginated_response(serializer.data)
