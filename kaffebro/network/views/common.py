"""Small helpers every network view shares: pagination, htmx detection and safe redirects back."""

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme


def typed_text(request: HttpRequest, name: str, *, max_length: int = 200) -> str:
    """What the visitor typed into a query-string field, trimmed, bounded and safe for any database (no NUL)."""
    return request.GET.get(name, "").replace("\x00", "").strip()[:max_length]


def paginate(request: HttpRequest, items) -> Page:
    """One page of `items`; a missing, malformed or too large page number gives the nearest real page."""
    return Paginator(items, settings.PAGE_SIZE).get_page(request.GET.get("page"))


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
