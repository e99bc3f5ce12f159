"""/digest: the connector's weekly digest as it is now, from the same `build_digest` as its page and mail.

`kaffebro/jobs/digest.py` is the digest's access module: only seekers who let the connector see that
they are looking, their targets at shared organisations, and names from the connector's own cards.
A member who is not a connector gets an empty digest that says so, as the page does (not a 403:
the page shows everyone the delivery setting).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from kaffebro.api.serializers.jobs import DigestSerializer
from kaffebro.api.views.base import ApiView
from kaffebro.jobs import digest as digest_module

TAGS = ["digest"]


def digest_data(digest: digest_module.Digest, *, is_connector: bool, delivery: str) -> dict:
    """The digest as its page shows it: seekers by name only, and codes only of what is the connector's to open."""
    return {
        "is_connector": is_connector,
        "delivery": delivery,
        "looking": [
            {
                "name": item.seeker.display_name,
                "headline": item.profile.headline,
                "places": [
                    {
                        "label": place.label(),
                        "organisation": place.organisation.code if place.organisation else None,
                        "known": place.known,
                        "names": list(place.names),
                    }
                    for place in item.places
                ],
            }
            for item in digest.looking
        ],
        "introductions": [
            {"code": request.code, "seeker": request.seeker.display_name, "answer_due": request.answer_due}
            for request in digest.introductions
        ],
        "cards": [
            {
                "code": card.code,
                "helper": card.share.helper.display_name,
                "seeker": card.share.seeker.display_name,
                "created": card.created,
            }
            for card in digest.cards
        ],
    }


class DigestView(ApiView):
    serializer_class = DigestSerializer
    pagination_class = None  # at most digest.MAX_SEEKERS seekers and MAX_WAITING of each kind waiting

    @extend_schema(
        tags=TAGS,
        summary="Your weekly digest as it is now: who you know is looking, toward where, and what waits for you",
        responses=DigestSerializer,
    )
    def get(self, request):
        user = request.user
        data = digest_data(
            digest_module.build_digest(user),
            is_connector=digest_module.is_connector(user),
            delivery=digest_module.delivery_of(user),
        )
        return Response(DigestSerializer(data).data)
