"""Every error of the API as `application/problem+json` (RFC 9457), in the reader's language.

A problem has a `type` (a link to its explanation in the API documentation), a short
`title`, the HTTP `status`, a `detail` for this occurrence, the `instance` (the path
asked for) and, for mistakes in the request, `errors`: one entry per field with a JSON
pointer into the request body. Refusals of the domain's actions keep their own translated
message: a refusal tied to a field is 422, a refusal of the current state 409.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.signals import got_request_exception
from django.http import Http404
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from kaffebro.api.actions import KeyInUse, KeyReused
from kaffebro.meetings.actions import StaleBrief
from kaffebro.network.actions import Refused

PROBLEM_MEDIA_TYPE = "application/problem+json"
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem: its slug (the anchor of its explanation), status and title."""

    slug: str
    status: int
    title: Promise
    explanation: Promise


PROBLEM_TYPES = {
    kind.slug: kind
    for kind in (
        ProblemType(
            "validation-failed",
            400,
            gettext_lazy("The request has mistakes"),
            gettext_lazy("A field is missing or not valid; `errors` says which and why. Nothing was changed."),
        ),
        ProblemType(
            "bad-request",
            400,
            gettext_lazy("The request could not be read"),
            gettext_lazy("The body is not valid JSON or form data, or is too large. Nothing was changed."),
        ),
        ProblemType(
            "not-authenticated",
            401,
            gettext_lazy("Authentication needed"),
            gettext_lazy("Send a personal token as `Authorization: Bearer kb_…`, or call from a logged-in session."),
        ),
        ProblemType(
            "permission-denied",
            403,
            gettext_lazy("Not allowed"),
            gettext_lazy("You may not do this. A session needs its CSRF token for every change."),
        ),
        ProblemType(
            "not-found",
            404,
            gettext_lazy("Not found"),
            gettext_lazy("Nothing with this address or code exists for you; someone else's things look the same."),
        ),
        ProblemType(
            "method-not-allowed",
            405,
            gettext_lazy("Method not allowed"),
            gettext_lazy("This address does not answer this method; the `Allow` header lists the ones it does."),
        ),
        ProblemType(
            "not-acceptable",
            406,
            gettext_lazy("Cannot answer in that format"),
            gettext_lazy("The API answers in JSON only: accept `application/json`."),
        ),
        ProblemType(
            "conflict",
            409,
            gettext_lazy("Not possible now"),
            gettext_lazy("The action is refused in the current state of things, e.g. a request that moved on."),
        ),
        ProblemType(
            "idempotency-key-in-use",
            409,
            gettext_lazy("The same request is still running"),
            gettext_lazy("A request with this Idempotency-Key has not finished yet; ask again in a moment."),
        ),
        ProblemType(
            "unsupported-media-type",
            415,
            gettext_lazy("Unsupported body format"),
            gettext_lazy("Send JSON (`application/json`); a contact file goes as `multipart/form-data`."),
        ),
        ProblemType(
            "refused",
            422,
            gettext_lazy("Refused"),
            gettext_lazy("The request is well formed, but the action refuses it; `errors` names the field."),
        ),
        ProblemType(
            "idempotency-key-reused",
            422,
            gettext_lazy("Idempotency-Key used for another request"),
            gettext_lazy("A key belongs to one request: the same method, address and body. Use a new key."),
        ),
        ProblemType(
            "throttled",
            429,
            gettext_lazy("Too many requests"),
            gettext_lazy("Slow down: the `Retry-After` header says how many seconds to wait."),
        ),
        ProblemType(
            "server-error",
            500,
            gettext_lazy("Something went wrong on our side"),
            gettext_lazy("The error is logged. Nothing was changed; please try again later."),
        ),
    )
}

_BY_EXCEPTION: tuple[tuple[type[exceptions.APIException], str], ...] = (
    (exceptions.ValidationError, "validation-failed"),
    (exceptions.ParseError, "bad-request"),
    (exceptions.NotAuthenticated, "not-authenticated"),
    (exceptions.AuthenticationFailed, "not-authenticated"),
    (exceptions.PermissionDenied, "permission-denied"),
    (exceptions.NotFound, "not-found"),
    (exceptions.MethodNotAllowed, "method-not-allowed"),
    (exceptions.NotAcceptable, "not-acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported-media-type"),
    (exceptions.Throttled, "throttled"),
)


def type_uri(slug: str) -> str:
    """Where the problem is explained: its anchor on the API documentation page."""
    return f"{settings.SITE_URL}{reverse('api:docs')}#problem-{slug}"


def problem(request, slug: str, detail: str, *, errors: list[dict] | None = None, headers=None) -> Response:
    kind = PROBLEM_TYPES[slug]
    body: dict[str, Any] = {
        "type": type_uri(slug),
        "title": str(kind.title),
        "status": kind.status,
        "detail": str(detail),
        "instance": request.get_full_path() if request is not None else "",
    }
    if errors is not None:
        body["errors"] = errors
    return Response(body, status=kind.status, headers=headers, content_type=PROBLEM_MEDIA_TYPE)


def _pointer_part(key: Any) -> str:
    return str(key).replace("~", "~0").replace("/", "~1")


def field_errors(detail: Any, path: tuple = ()) -> Iterator[dict]:
    """DRF's nested error detail as a flat list: the top-level field, a JSON pointer and the message."""
    if isinstance(detail, dict):
        for key, value in detail.items():
            inner = () if key in ("non_field_errors", "__all__") else (key,)
            yield from field_errors(value, (*path, *inner))
    elif isinstance(detail, list):
        for index, value in enumerate(detail):
            nested = isinstance(value, dict | list)
            yield from field_errors(value, (*path, index) if nested else path)
    else:
        yield {
            "field": str(path[0]) if path else None,
            "pointer": "#" + "".join(f"/{_pointer_part(part)}" for part in path),
            "detail": str(detail),
        }


def _validation_problem(request, detail: Any) -> Response:
    errors = list(field_errors(detail))
    if len(errors) == 1:
        summary = errors[0]["detail"]
    else:
        summary = _("Correct the %(count)d mistakes listed under errors; nothing was changed.") % {"count": len(errors)}
    return problem(request, "validation-failed", summary, errors=errors)


def refusal_problem(request, refused: Refused) -> Response:
    """A domain action said no: 422 when it names a field, else 409 (the state of things does not allow it)."""
    if isinstance(refused, KeyReused):
        return problem(request, "idempotency-key-reused", refused.message)
    if isinstance(refused, KeyInUse):
        return problem(request, "idempotency-key-in-use", refused.message)
    if refused.field and not isinstance(refused, StaleBrief):
        errors = [{"field": refused.field, "pointer": f"#/{_pointer_part(refused.field)}", "detail": refused.message}]
        return problem(request, "refused", refused.message, errors=errors)
    return problem(request, "conflict", refused.message)


def _api_exception_problem(request, exc: exceptions.APIException) -> Response:
    if isinstance(exc, exceptions.ValidationError):
        return _validation_problem(request, exc.detail)
    headers = {}
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    if isinstance(exc, exceptions.Throttled):
        headers["Retry-After"] = str(int(exc.wait or 1))
        detail = _("Too many requests. Wait %(seconds)d seconds before you try again.") % {
            "seconds": int(exc.wait or 1)
        }
        return problem(request, "throttled", detail, headers=headers)
    if isinstance(exc, exceptions.PermissionDenied) and str(exc.detail).startswith("CSRF Failed"):
        detail = _("A change from a logged-in session needs its CSRF token. Scripts should use an API token.")
        return problem(request, "permission-denied", detail)
    if isinstance(exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed) and exc.status_code == 403:
        return problem(request, "permission-denied", str(exc.detail))
    slug = next((slug for kind, slug in _BY_EXCEPTION if isinstance(exc, kind)), None)
    if slug is None:
        slug = "conflict" if exc.status_code == status.HTTP_409_CONFLICT else "bad-request"
    return problem(request, slug, str(exc.detail), headers=headers)


def _django_validation_problem(request, error: DjangoValidationError) -> Response:
    detail = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
    return _validation_problem(request, detail)


def exception_handler(exc: Exception, context: dict) -> Response:
    """DRF's exception handler: every exception becomes a problem; nothing escapes as an HTML page."""
    request = context.get("request")
    set_rollback()
    if isinstance(exc, Refused):
        return refusal_problem(request, exc)
    if isinstance(exc, Http404):
        return problem(request, "not-found", _("Nothing here has this code, or it is not yours to see."))
    if isinstance(exc, DjangoPermissionDenied):
        return problem(request, "permission-denied", _("You may not do this."))
    if isinstance(exc, DjangoValidationError):
        return _django_validation_problem(request, exc)
    if isinstance(exc, SuspiciousOperation):
        return problem(request, "bad-request", _("The request could not be read. Nothing was changed."))
    if isinstance(exc, exceptions.APIException):
        return _api_exception_problem(request, exc)
    logger.exception("API request %s failed", getattr(request, "path", ""))
    django_request = getattr(request, "_request", None)
    got_request_exception.send(sender=None, request=django_request)
    return problem(request, "server-error", _("Something went wrong on our side. Nothing was changed."))
