"""Personal API tokens: a name, the first characters, when made and last used; the secret once, at creation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.api.actions import MAX_NAME_LENGTH


class TokenSerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=MAX_NAME_LENGTH)
    prefix = serializers.CharField(
        read_only=True, help_text=gettext_lazy("The first characters of the secret, to tell your tokens apart.")
    )
    created = serializers.DateTimeField(read_only=True)
    last_used = serializers.DateTimeField(read_only=True, allow_null=True)


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True,
        allow_null=True,
        help_text=gettext_lazy(
            "The whole token, shown this once: copy it now. Null when the answer is replayed for an "
            "Idempotency-Key: the secret is never stored."
        ),
    )
