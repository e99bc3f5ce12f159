"""Small helpers every network view shares: pagination, htmx detection, row links and safe redirects back."""

from collections.abc import Callable

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


def typed_text(request: HttpRequest, name: str, *, max_length: int = 200) -> str:
    """What the visitor typed into a query-string field, trimmed, bounded and safe for any database (no NUL)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]


def paginate(request: HttpRequest, items) -> Page:
    """One page of `items`; a missing, malformed or too large page number gives the nearest real page."""
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))


CODE_MARKER = "--code--"  # a valid code (`kaffebro.core.converters`) that no URL pattern contains


def url_for_codes(name: str) -> Callable[[str], str]:
    """`reverse(name, args=[code])` for every row of a list at the cost of one reverse.

    `{% url %}` costs as much as rendering some twenty variables, and a list page needs a few per row; codes are
    made of URL-safe characters only, so putting one in place of the marker gives what reverse() would.
    """
    head, _marker, tail = reverse(name, args=[CODE_MARKER]).rpartition(CODE_MARKER)
    return lambda code: f"{head}{code}{tail}"


def is_htmx(request: HttpRequest) -> bool:
    """An htmx request for a fragment (a history restore after a cache miss needs the whole page)."""
    return request.headers.get("HX-Request") == "true" and request.headers.get("HX-History-Restore-Request") != "true"


def vary_on_htmx(response):
    """The same address answers with a page or a fragment, so caches must keep them apart."""
    patch_vary_headers(response, ["HX-Request"])
    return response


def redirect_back(request: HttpRequest, default: str, *args) -> HttpResponseRedirect:
    """Back to the page the form was on (`next`), if it is on this site; otherwise to `default`."""
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return HttpResponseRedirect(target)
    return HttpResponseRedirect(resolve_url(default, *args))
