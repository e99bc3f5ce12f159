"""The API app's personal data: the member's personal tokens and the answers kept for idempotent requests.

Registered with `kaffebro.core.personal_data` from `ApiConfig.ready()`; see docs/privacy.md. A token's digest is
never exported (it is what finds the token; the secret itself is never kept); a kept answer's body is (it is what
the API answered the member). A token used recently counts as the member using Kaffebro, so an account used only
through the API is never taken for an inactive one.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.db.models import Max

from kaffebro.api.models import ApiToken, IdempotencyRecord
from kaffebro.core.personal_data import AppData, Erasure, Export, register

EXPORTS = (
    Export(
        "api.tokens",
        ApiToken,
        lambda user: ApiToken.objects.filter(user=user),
        ("code", "user", "name", "prefix", "created", "last_used", "revoked"),
    ),
    Export(
        "api.idempotent_answers",
        IdempotencyRecord,
        lambda user: IdempotencyRecord.objects.filter(user=user),
        ("user", "key", "request", "request_hash", "status", "body", "created"),
    ),
)


def erase(erasure: Erasure) -> None:
    ApiToken.objects.filter(user=erasure.user).delete()
    IdempotencyRecord.objects.filter(user=erasure.user).delete()


def last_token_use(user_ids: list[int]) -> Mapping[int, datetime.datetime]:
    rows = ApiToken.objects.filter(user_id__in=user_ids, last_used__isnull=False).values("user_id")
    return {row["user_id"]: row["latest"] for row in rows.annotate(latest=Max("last_used"))}


register(AppData("api", exports=EXPORTS, erase=erase, last_seen=last_token_use))
