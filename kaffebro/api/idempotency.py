"""`Idempotency-Key` on the API's POSTs: a retried request gets the first answer and has one effect.

The view's work runs in one transaction that first claims the key (see `actions.claim_key`);
a successful answer is stored with the key, a failed one rolls the claim back so the
client may fix the request and send it again with the same key. Secrets (a new token)
are never stored: a replay answers them as null.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from kaffebro.api import actions

HEADER = "Idempotency-Key"
KEY_PATTERN = r"^[!-~]{1,255}$"  # 1 to 255 visible ASCII characters, e.g. a UUID
_KEY = re.compile(KEY_PATTERN)
REPLAYED_HEADER = "Idempotent-Replayed"


def _file_digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return f"file:{digest.hexdigest()}"


def _canonical(data: Any) -> Any:
    """What the request sent, in one canonical form: form fields as lists, files by their content."""
    if hasattr(data, "lists"):
        return {key: [_canonical(value) for value in values] for key, values in data.lists()}
    if isinstance(data, UploadedFile):
        return _file_digest(data)
    return data


def fingerprint(request) -> str:
    body = json.dumps(_canonical(request.data), sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8", "surrogatepass")).hexdigest()


def _redacted(data: Any, secrets: tuple[str, ...]) -> Any:
    if isinstance(data, dict) and secrets:
        return {key: None if key in secrets else value for key, value in data.items()}
    return data


def idempotent(secrets: tuple[str, ...] = ()):
    """Wrap a view's `post`: with an `Idempotency-Key` header it runs at most once per key and body.

    `secrets` names fields of the answer that are never stored (a replay answers them as null).
    """

    def decorate(method):
        @functools.wraps(method)
        def wrapper(view, request, *args, **kwargs):
            key = request.headers.get(HEADER)
            if key is None:
                return method(view, request, *args, **kwargs)
            if not _KEY.match(key):
                raise ValidationError({HEADER: [_("Send 1 to 255 visible ASCII characters, e.g. a UUID.")]})
            request_line = f"{request.method} {request.get_full_path()}"[:300]
            with transaction.atomic():
                claimed = actions.claim_key(request.user, key, request_line, fingerprint(request))
                if isinstance(claimed, actions.Replay):
                    return Response(claimed.body, status=claimed.status, headers={REPLAYED_HEADER: "true"})
                response = method(view, request, *args, **kwargs)
                if 200 <= response.status_code < 300:
                    actions.remember_answer(claimed, response.status_code, _redacted(response.data, secrets))
                else:
                    transaction.set_rollback(True)
                return response

        wrapper.idempotent = True  # type: ignore[attr-defined]
        return wrapper

    return decorate
