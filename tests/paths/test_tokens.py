"""A way-in token carries one viewer's path to the request flow and nothing else."""

import pytest
from django.core import signing

from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import BadWayIn, read_way_in, sign_way_in

SPEC = TargetSpec("unit", unit_id=3, organisation_id=2)


def test_the_token_round_trips_for_its_viewer():
    token = sign_way_in(7, SPEC, (11, 12))
    assert read_way_in(7, token) == (SPEC, (11, 12))


def test_another_viewer_cannot_use_it():
    with pytest.raises(BadWayIn):
        read_way_in(8, sign_way_in(7, SPEC, (11, 12)))


def test_an_altered_token_is_refused():
    token = sign_way_in(7, SPEC, (11, 12))
    with pytest.raises(BadWayIn):
        read_way_in(7, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))


def test_an_old_token_is_refused(monkeypatch):
    token = sign_way_in(7, SPEC, (11, 12))
    monkeypatch.setattr(signing.TimestampSigner, "unsign", _expired)
    with pytest.raises(BadWayIn):
        read_way_in(7, token)


def _expired(self, value, max_age=None):
    raise signing.SignatureExpired("too old")
