"""The API describing itself: the OpenAPI schema, a documentation page made from it, and 404 for any other path.

The documentation page renders the schema on the server into plain HTML (no Swagger or
Redoc: they load scripts from a CDN, which the site's content security policy forbids).
"""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.views import SpectacularJSONAPIView

from kaffebro.api.problems import PROBLEM_TYPES
from kaffebro.api.views.base import ApiView

METHOD_ORDER = ("get", "post", "put", "patch", "delete")
REF_PREFIX = "#/components/schemas/"


class SchemaView(SpectacularJSONAPIView):
    """GET /api/v1/schema/: the OpenAPI 3 schema as JSON (for a logged-in session or a token)."""

    @classmethod
    def as_view(cls, **initkwargs):
        return login_not_required(super().as_view(**initkwargs))


class NotFoundView(ApiView):
    """Any other path under /api/v1/: a 404 problem (never the site's HTML page), after authentication."""

    schema = None

    def get(self, request, *args, **kwargs):
        raise Http404

    post = put = patch = delete = options = get


def describe(schema: dict) -> list[dict]:
    """A schema as readable parts: plain text, and links to the components it refers to."""
    if "$ref" in schema:
        return [{"ref": schema["$ref"].removeprefix(REF_PREFIX)}]
    for combiner, word in (("allOf", " & "), ("oneOf", " | "), ("anyOf", " | ")):
        if combiner in schema:
            parts: list[dict] = []
            for number, inner in enumerate(schema[combiner]):
                parts += ([{"text": word}] if number else []) + describe(inner)
            return parts + ([{"text": " | null"}] if schema.get("nullable") else [])
    if schema.get("type") == "array":
        return [{"text": _("array of") + " "}, *describe(schema.get("items", {}))]
    text = schema.get("type", _("any value"))
    if "format" in schema:
        text += f" ({schema['format']})"
    if "enum" in schema:
        text += ": " + ", ".join(repr(value) if value == "" else str(value) for value in schema["enum"])
    limits = [
        f"{key} {schema[key]}" for key in ("minimum", "maximum", "minLength", "maxLength", "maxItems") if key in schema
    ]
    if "pattern" in schema:
        limits.append(f"pattern {schema['pattern']}")
    if limits:
        text += " [" + ", ".join(limits) + "]"
    if schema.get("type") == "object" and "additionalProperties" in schema:
        return [{"text": _("object of") + " "}, *describe(schema["additionalProperties"] or {})]
    return [{"text": text + (" | null" if schema.get("nullable") else "")}]


def _content(content: dict) -> list[dict]:
    return [
        {"media_type": media_type, "schema": describe(body.get("schema", {}))} for media_type, body in content.items()
    ]


def _examples(content: dict) -> list[dict]:
    return [
        {"name": name, "json": json.dumps(example.get("value"), indent=2, ensure_ascii=False)}
        for body in content.values()
        for name, example in body.get("examples", {}).items()
    ]


def _operations(schema: dict) -> list[dict]:
    shared_responses = schema.get("components", {}).get("responses", {})
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method in METHOD_ORDER:
            operation = methods.get(method)
            if operation is None:
                continue
            responses = []
            for status, response in sorted(operation.get("responses", {}).items()):
                response = shared_responses.get(response.get("$ref", "").rsplit("/", 1)[-1], response)
                responses.append(
                    {
                        "status": status,
                        "description": response.get("description", ""),
                        "content": _content(response.get("content", {})),
                    }
                )
            operations.append(
                {
                    "anchor": operation.get("operationId", f"{method}-{path}"),
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": [
                        {
                            "name": parameter["name"],
                            "location": parameter["in"],
                            "required": parameter.get("required", False),
                            "schema": describe(parameter.get("schema", {})),
                            "description": parameter.get("description", ""),
                        }
                        for parameter in operation.get("parameters", [])
                    ],
                    "request": _content(operation.get("requestBody", {}).get("content", {})),
                    "examples": _examples(operation.get("requestBody", {}).get("content", {})),
                    "responses": responses,
                }
            )
    return operations


def _components(schema: dict) -> list[dict]:
    components = []
    for name, component in sorted(schema.get("components", {}).get("schemas", {}).items()):
        required = set(component.get("required", []))
        components.append(
            {
                "name": name,
                "description": component.get("description", ""),
                "summary": [] if "properties" in component else describe(component),
                "properties": [
                    {
                        "name": field,
                        "required": field in required,
                        "read_only": body.get("readOnly", False),
                        "schema": describe(body),
                        "description": body.get("description", ""),
                    }
                    for field, body in component.get("properties", {}).items()
                ],
            }
        )
    return components


@require_safe
def docs_page(request):
    """The reference of every operation: its parameters, request and responses, and what each problem means."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return render(
        request,
        "api/docs.html",
        {
            "nav": "settings",
            "info": schema.get("info", {}),
            "operations": _operations(schema),
            "components": _components(schema),
            "problems": sorted(PROBLEM_TYPES.values(), key=lambda kind: (kind.status, kind.slug)),
        },
    )
