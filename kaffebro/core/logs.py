"""Structured logs: every line written while a request runs says which request it belongs to.

`RequestIdMiddleware` runs first: it takes the reverse proxy's `X-Request-ID` (or makes one),
returns it in the response header and writes one access line per request with the status and
the duration. `LogUserMiddleware` runs after authentication and adds the member's id. The
`RequestContextFilter` copies all of it onto every record, from any logger, so a line from deep
inside an action can be matched with the proxy's log and with the reference a user quotes from
the error page. Only ids go into logs: never an e-mail address, and never the query string (a
search box sends names there).
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass

REQUEST_ID_HEADER = "X-Request-ID"
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9-]{1,64}")
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# The fields the filter puts on every record, in the order the formatters write them.
FIELDS = ("request_id", "method", "path", "status", "duration_ms", "user_id")

access_log = logging.getLogger("kaffebro.request")


@dataclass
class RequestContext:
    request_id: str
    method: str
    path: str
    user_id: int | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("kaffebro_request", default=None)


def request_id_from(supplied: str) -> str:
    """The proxy's id when it is a plausible one, otherwise a new one: a client cannot inject text into logs."""
    return supplied if VALID_REQUEST_ID.fullmatch(supplied) else str(uuid.uuid4())


def printable(path: str) -> str:
    """The path with control characters escaped: a `%0A` in a URL must not start a forged log line."""
    return CONTROL_CHARACTERS.sub(lambda match: f"\\x{ord(match.group()):02x}", path)


class RequestIdMiddleware:
    """First in the chain, so even a redirect or an error page from another middleware has an id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id_from(request.headers.get(REQUEST_ID_HEADER, ""))
        context = RequestContext(request.request_id, printable(request.method or ""), printable(request.path))
        request.log_context = context
        token = _current.set(context)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request.request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            access_log.info(
                "%s %s %s",
                context.method,
                context.path,
                response.status_code,
                extra={"status": response.status_code, "duration_ms": duration_ms},
            )
            return response
        finally:
            _current.reset(token)


class LogUserMiddleware:
    """After authentication: the member's id for the request's log lines (the user is already loaded by then)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        context = _current.get()
        if context is None:
            return self.get_response(request)
        context.user_id = request.user.pk
        response = self.get_response(request)
        context.user_id = request.user.pk  # a log-in or log-out in the view changed who it is
        return response


class RequestContextFilter(logging.Filter):
    """Puts the current request's fields on every record; outside a request (worker, commands) they are None.

    Django logs a 4xx answer ("Not Found: …") after the last middleware has returned; such a record
    carries the request itself, and the request its context.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        context = _current.get() or getattr(getattr(record, "request", None), "log_context", None)
        record.request_id = context.request_id if context else None
        record.method = context.method if context else None
        record.path = context.path if context else None
        record.user_id = context.user_id if context else None
        record.status = getattr(record, "status", None) or getattr(record, "status_code", None)
        record.duration_ms = getattr(record, "duration_ms", None)
        return True


def present_fields(record: logging.LogRecord) -> dict[str, object]:
    return {name: value for name in FIELDS if (value := getattr(record, name, None)) is not None}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for a log collector; the default in production (`LOG_FORMAT=json`)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            **present_fields(record),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """A line for people at a terminal (`LOG_FORMAT=text`, the default in development), fields at the end."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        fields = " ".join(f"{name}={value}" for name, value in present_fields(record).items())
        return super().formatMessage(record) + (f" [{fields}]" if fields else "")
