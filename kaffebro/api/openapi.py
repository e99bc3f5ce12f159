"""The OpenAPI schema: the token scheme, the Idempotency-Key header, and every error each operation can answer.

Every operation declares its problem responses (`application/problem+json`), so a client
(and schemathesis) knows every status it may meet: 401, 403, 406 and 429 everywhere; 400
where something is sent; 404 where a code is looked up; 409 and 422 where an action may
refuse; 415 where a body is read.
"""

from __future__ import annotations

from django.conf import settings
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiExample, OpenApiParameter

from kaffebro.api.idempotency import HEADER, KEY_PATTERN
from kaffebro.api.problems import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES

NOT_FOUND_EXTENSION = "x-not-found"
# `extend_schema(extensions=MAY_BE_NOT_FOUND)`: an operation without a code in its path that still answers 404.
MAY_BE_NOT_FOUND = {NOT_FOUND_EXTENSION: True}

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 describes it.",
    "properties": {
        "type": {"type": "string", "format": "uri", "description": "Where this kind of problem is explained."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The path that was asked for."},
        "errors": {
            "type": "array",
            "items": {"$ref": "#/components/schemas/FieldError"},
            "description": "For mistakes in the request and refusals of a field: one entry each.",
        },
    },
    "required": ["type", "title", "status", "detail", "instance"],
}
FIELD_ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "field": {"type": "string", "nullable": True, "description": "The field; null for the request as a whole."},
        "pointer": {"type": "string", "description": "A JSON pointer into the request, e.g. #/times/0/starts."},
        "detail": {"type": "string"},
    },
    "required": ["field", "pointer", "detail"],
}
HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "description": 'Bearer realm="Kaffebro API"'}},
    429: {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
}


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "kaffebro.api.authentication.ApiTokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "bearerFormat": "kb_<secret>",
            "description": "A personal token from Settings → API tokens (/account/tokens/).",
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "kaffebro.api.authentication.SessionAuthentication"
    name = "session"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": settings.SESSION_COOKIE_NAME,
            "description": "The web session of a logged-in member; a change needs the X-CSRFToken header.",
        }


class ApiAutoSchema(AutoSchema):
    """Adds the Idempotency-Key header to every operation whose view method is `idempotent`."""

    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        method = getattr(self.view, self.method.lower(), None)
        if getattr(method, "idempotent", False):
            parameters.append(
                OpenApiParameter(
                    HEADER,
                    str,
                    OpenApiParameter.HEADER,
                    pattern=KEY_PATTERN,
                    description=(
                        "Any unique string, e.g. a UUID: sending the same request again with the same key answers "
                        "the first answer again and changes nothing more (kept 24 hours)."
                    ),
                )
            )
        return parameters


def example(value: dict, name: str = "Example") -> OpenApiExample:
    """A request body as it could be sent: shown on the documentation page and tried by schemathesis."""
    return OpenApiExample(name, value=value, request_only=True)


def _problem_codes(path: str, method: str, operation: dict) -> list[int]:
    codes = {401, 403, 406, 429}
    if operation.get("parameters") or "requestBody" in operation:
        codes.add(400)
    if "{" in path or operation.pop(NOT_FOUND_EXTENSION, False):
        codes.add(404)
    if method != "get":
        codes |= {409, 422}
    if "requestBody" in operation:
        codes.add(415)
    return sorted(codes)


def _response_name(status: int) -> str:
    return f"Problem{status}"


def add_problem_responses(result, generator, request, public):
    """drf-spectacular post-processing hook: the problem schema and the error responses of every operation."""
    components = result.setdefault("components", {})
    components.setdefault("schemas", {}).update(Problem=PROBLEM_SCHEMA, FieldError=FIELD_ERROR_SCHEMA)
    responses = components.setdefault("responses", {})
    for status in sorted({kind.status for kind in PROBLEM_TYPES.values()} - {500}):
        titles = sorted({str(kind.title) for kind in PROBLEM_TYPES.values() if kind.status == status})
        responses[_response_name(status)] = {
            "description": "; ".join(titles),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
            **({"headers": HEADERS[status]} if status in HEADERS else {}),
        }
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            for status in _problem_codes(path, method, operation):
                operation["responses"].setdefault(
                    str(status), {"$ref": f"#/components/responses/{_response_name(status)}"}
                )
    return result
