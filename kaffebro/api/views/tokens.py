"""/tokens: list, create (the secret is shown once) and revoke personal API tokens."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from kaffebro.api import access, actions
from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import example
from kaffebro.api.serializers.tokens import NewTokenSerializer, TokenSerializer
from kaffebro.api.views.base import ApiView

TAGS = ["tokens"]


class TokenListView(ApiView):
    serializer_class = TokenSerializer

    @extend_schema(tags=TAGS, summary="Your active tokens, newest first", responses=TokenSerializer(many=True))
    def get(self, request):
        return self.paginated(access.tokens_of(request.user), TokenSerializer)

    @extend_schema(
        tags=TAGS,
        summary="Create a token; its secret is in this answer only",
        request=TokenSerializer,
        responses={201: NewTokenSerializer},
        examples=[example({"name": "My spreadsheet"})],
    )
    @idempotent(secrets=("token",))
    def post(self, request):
        incoming = TokenSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        new = actions.create_token(request.user, incoming.validated_data["name"])
        return Response({**TokenSerializer(new.token).data, "token": new.value}, status=status.HTTP_201_CREATED)


class TokenDetailView(ApiView):
    serializer_class = TokenSerializer

    @extend_schema(tags=TAGS, summary="Revoke a token: it stops working at once", responses={204: None})
    def delete(self, request, code):
        actions.revoke_token(request.user, access.access_token(request.user, code))
        return Response(status=status.HTTP_204_NO_CONTENT)
