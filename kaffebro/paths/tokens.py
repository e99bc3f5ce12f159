"""A way in, handed from a path card to the request flow as a signed, opaque token.

The token names the target and the persons of one path, for one viewer, and
expires; whoever receives it must still check the path against a fresh search
(it proves only what the viewer was shown, not that it is still allowed).
"""

from __future__ import annotations

from dataclasses import asdict

from django.core import signing

from kaffebro.paths.targets import TargetSpec

SALT = "kaffebro.paths.way-in"
MAX_AGE = 24 * 60 * 60


class BadWayIn(Exception):
    """The token was altered, expired, or belongs to someone else."""


def sign_way_in(viewer_id: int, spec: TargetSpec, person_ids: tuple[int, ...]) -> str:
    return signing.dumps({"v": viewer_id, "s": asdict(spec), "p": list(person_ids)}, salt=SALT, compress=True)


def read_way_in(viewer_id: int, token: str) -> tuple[TargetSpec, tuple[int, ...]]:
    try:
        data = signing.loads(token, salt=SALT, max_age=MAX_AGE)
    except signing.BadSignature as error:
        raise BadWayIn(str(error)) from error
    if data.get("v") != viewer_id:
        raise BadWayIn("the token belongs to someone else")
    return TargetSpec(**data["s"]), tuple(int(person) for person in data["p"])
