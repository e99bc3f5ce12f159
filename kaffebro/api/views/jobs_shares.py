"""/consents, /shares and /cards: profiles put in play, for the seeker, the helper and a member recipient.

The same reads and actions as the pages (`kaffebro/jobs/views/shares.py`): a consent is given to
exactly the text the API showed (its digest comes back as `shown`); the seeker never sees a
non-member's name; a card's reader is noted in the seeker's access log as on the card page. The
steps are rows of `kaffebro/jobs/shares_states.py`: a party who may never take one gets 403, a
step from the wrong state 409.
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from kaffebro.api.idempotency import idempotent
from kaffebro.api.openapi import MAY_BE_NOT_FOUND, example
from kaffebro.api.serializers.common import run_form
from kaffebro.api.serializers.jobs import (
    CARD_ANSWERS,
    SHARE_ACTIONS,
    CardAnswerSerializer,
    CardSerializer,
    ConsentGrantSerializer,
    ConsentOfferSerializer,
    ConsentSerializer,
    PlayableSerializer,
    RecipientSearchSerializer,
    RecordAnswerSerializer,
    SeekersShareSerializer,
    ShareActionSerializer,
    ShareCreateSerializer,
    ShareSerializer,
    SuggestedRecipientSerializer,
)
from kaffebro.api.views.base import ApiView
from kaffebro.core.access_log import log_read
from kaffebro.core.models import AccessKind
from kaffebro.jobs import shares_states as states
from kaffebro.jobs.access import shares as access
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.forms_shares import (
    CardAnswerForm,
    GrantForm,
    PassOnForm,
    RecordAnswerForm,
    SearchForm,
    ShareForm,
    ShownForm,
)
from kaffebro.jobs.models import ConsentScope, ProfileShare, ShareRecipient, ShareState
from kaffebro.network.models import SeekerProfile

TAGS_CONSENTS = ["consents"]
TAGS_SHARES = ["shares"]
TAGS_CARDS = ["cards"]


# The seeker's consents


class ConsentListView(ApiView):
    serializer_class = ConsentSerializer
    cursor_ordering = ("-granted", "-id")

    @extend_schema(
        tags=TAGS_CONSENTS, summary="Your consents, in force and withdrawn", responses=ConsentSerializer(many=True)
    )
    def get(self, request):
        return self.paginated(access.consents_of(request.user), ConsentSerializer)

    @extend_schema(
        tags=TAGS_CONSENTS,
        summary="Let a helper put your profile in play without asking each time (a standing consent)",
        request=ConsentGrantSerializer,
        responses={201: ConsentSerializer},
        extensions=MAY_BE_NOT_FOUND,
        examples=[example({"helper": "HELPER_CODE", "shown": "DIGEST_FROM_GET_/consents/helpers/"})],
    )
    @idempotent()
    def post(self, request):
        incoming = ConsentGrantSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = run_form(GrantForm(incoming.validated_data))
        helper = access.eligible_helpers(request.user).filter(person__code=data["helper"]).first()
        if helper is None:
            raise Http404
        consent = actions.grant_consent(request.user, helper, shown=data["shown"])
        return Response(ConsentSerializer(consent).data, status=status.HTTP_201_CREATED)


class ConsentHelpersView(ApiView):
    serializer_class = ConsentOfferSerializer
    pagination_class = None

    @extend_schema(
        tags=TAGS_CONSENTS,
        summary="Who you may give a standing consent to, each with the exact text you would agree to",
        responses=ConsentOfferSerializer(many=True),
    )
    def get(self, request):
        user = request.user
        given = set(
            access.consents_of(user)
            .filter(scope=ConsentScope.STANDING, withdrawn__isnull=True)
            .values_list("helper_id", flat=True)
        )
        offers = []
        for helper in access.eligible_helpers(user)[:100]:
            if helper.pk in given:
                continue
            text = actions.consent_text(user, helper, scope=ConsentScope.STANDING)
            offers.append(
                {
                    "helper": helper.person.code,
                    "name": helper.display_name,
                    "text": text,
                    "shown": actions.text_digest(text),
                }
            )
        return Response(ConsentOfferSerializer(offers, many=True).data)


class ConsentWithdrawView(ApiView):
    serializer_class = ConsentSerializer

    @extend_schema(tags=TAGS_CONSENTS, summary="Withdraw a standing consent", request=None, responses=ConsentSerializer)
    def post(self, request, code):
        consent = access.access_consent(request.user, code)
        actions.withdraw_consent(request.user, consent)
        return Response(ConsentSerializer(access.access_consent(request.user, code)).data)


# The helper's shares


def share_data(helper, share: ProfileShare, names: dict[int, str] | None = None, *, texts: bool = True) -> dict:
    """A share as its helper sees it: their own names for the recipients, and (on its own page) the texts to send."""
    rows = list(share.recipients.all())
    if names is None:
        names = access.card_names(helper, [row.person_id for row in rows])
    profile = access.profile_of(share.seeker)
    headline = profile.headline if profile is not None else ""
    recipients = []
    for row in rows:
        name = names.get(row.person_id) or row.person.name
        by_hand = texts and row.member_id is None
        recipients.append(
            {
                "code": row.code,
                "name": name,
                "is_member": row.member_id is not None,
                "answer": row.answer,
                "answered": row.answered,
                "text_to_send": actions.text_for_non_member(share, person=name, headline=headline) if by_hand else "",
            }
        )
    return {
        "code": share.code,
        "seeker": share.seeker.display_name,
        "state": share.state,
        "note": share.note,
        "created": share.created,
        "recipients": recipients,
    }


def _helpers_rows() -> Prefetch:
    """Each share's recipients with their persons, in the order they were chosen: one query for a whole page."""
    return Prefetch("recipients", ShareRecipient.objects.select_related("person").order_by("created", "id"))


class ShareListView(ApiView):
    serializer_class = ShareSerializer

    @extend_schema(tags=TAGS_SHARES, summary="The shares you made, newest first", responses=ShareSerializer(many=True))
    def get(self, request):
        found = (
            access.shares_by(request.user).select_related("seeker__seeker_profile").prefetch_related(_helpers_rows())
        )
        page = self.paginate_queryset(found)
        names = access.card_names(request.user, [row.person_id for share in page for row in share.recipients.all()])
        return self.get_paginated_response(
            ShareSerializer([share_data(request.user, share, names, texts=False) for share in page], many=True).data
        )

    @extend_schema(
        tags=TAGS_SHARES,
        summary="Put a seeker's profile in play toward some of your contacts (without her standing consent, she is "
        "asked first)",
        request=ShareCreateSerializer,
        responses={201: ShareSerializer},
        extensions=MAY_BE_NOT_FOUND,
        examples=[example({"seeker": "PROFILE_CODE", "recipients": ["CARD_CODE"], "note": "We worked together."})],
    )
    @idempotent()
    def post(self, request):
        incoming = ShareCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        playable = access.playable_seeker(request.user, incoming.validated_data["seeker"])
        form = ShareForm({"recipients": incoming.validated_data["recipients"], "note": incoming.validated_data["note"]})
        data = run_form(form)
        share = actions.send_share(request.user, playable.seeker, data["recipients"], data["note"])
        share = access.access_own_share(request.user, share.code)
        return Response(ShareSerializer(share_data(request.user, share)).data, status=status.HTTP_201_CREATED)


class PlayableListView(ApiView):
    serializer_class = PlayableSerializer
    pagination_class = None

    @extend_schema(tags=TAGS_SHARES, summary="The seekers you may put in play", responses=PlayableSerializer(many=True))
    def get(self, request):
        rows = [
            {
                "seeker": item.profile.code,
                "name": item.seeker.display_name,
                "standing_consent": item.consent is not None,
            }
            for item in access.seekers_for(request.user)
        ]
        return Response(PlayableSerializer(rows, many=True).data)


class SuggestedRecipientsView(ApiView):
    serializer_class = SuggestedRecipientSerializer
    pagination_class = None  # at most access.MAX_SUGGESTIONS

    @extend_schema(
        tags=TAGS_SHARES,
        summary="Which of your own contacts could receive her profile, and why: the decision-maker where she aims "
        "first, then her target unit, organisation and job fields (read only with her standing consent); or a search",
        parameters=[RecipientSearchSerializer],
        responses=SuggestedRecipientSerializer(many=True),
    )
    def get(self, request, code):
        """As the page for putting her in play: opening it is noted in her access log."""
        user = request.user
        playable = access.playable_seeker(user, code)
        incoming = RecipientSearchSerializer(data=request.query_params)
        incoming.is_valid(raise_exception=True)
        query = run_form(SearchForm(incoming.validated_data))["q"]
        log_read(user, playable.seeker, AccessKind.HELPER_OPENED_SEEKER, playable.profile.code)
        targets = access.targets_for_helper(user, playable)
        suggestions = access.suggest(
            user, playable.seeker, targets=targets, job_fields=access.job_fields_of(playable, targets), query=query
        )
        rows = [
            {
                "card": suggestion.card.code,
                "name": suggestion.card.full_name,
                "title": suggestion.card.title,
                "organisation": suggestion.card.organisation_name,
                "is_member": suggestion.is_member,
                "reasons": list(suggestion.reasons),
            }
            for suggestion in suggestions
        ]
        return Response(SuggestedRecipientSerializer(rows, many=True).data)


class ShareDetailView(ApiView):
    serializer_class = ShareSerializer

    @extend_schema(
        tags=TAGS_SHARES, summary="One of your shares, with the text to send each non-member", responses=ShareSerializer
    )
    def get(self, request, code):
        return Response(ShareSerializer(share_data(request.user, access.access_own_share(request.user, code))).data)


def seekers_share_data(seeker, share: ProfileShare, shown: dict[int, str]) -> dict:
    waiting = share.state == ShareState.AWAITING_CONSENT
    text = None
    if waiting:
        rows = len(share.recipients.all())
        text = actions.consent_text(seeker, share.helper, scope=ConsentScope.ONE, recipients=rows)
    return {
        "code": share.code,
        "helper": access.helper_shown_to_seeker(share),
        "state": share.state,
        "note": share.note,
        "created": share.created,
        "recipients": [
            {"shown_as": shown[row.pk], "answer": row.answer, "answered": row.answered}
            for row in share.recipients.all()
        ],
        "consent_text": text,
        "shown": actions.text_digest(text) if text is not None else None,
    }


class MySharesView(ApiView):
    serializer_class = SeekersShareSerializer

    @extend_schema(
        tags=TAGS_SHARES,
        summary="Where your profile is in play: each share and its answers",
        responses=SeekersShareSerializer(many=True),
    )
    def get(self, request):
        page = list(self.paginate_queryset(access.shares_of(request.user)))
        shown = access.recipients_shown_to_seeker(page)
        rows = [seekers_share_data(request.user, share, shown) for share in page]
        return self.get_paginated_response(SeekersShareSerializer(rows, many=True).data)


def _share_by_role(user, code: str) -> tuple[ProfileShare, str]:
    """The share and the viewer's part in it: its seeker or its helper; 404 for anyone else."""
    seekers = access.shares_of(user).filter(code=code).first()
    if seekers is not None:
        return seekers, "seeker"
    return access.access_own_share(user, code), "helper"


class ShareActionView(ApiView):
    serializer_class = SeekersShareSerializer

    @extend_schema(
        tags=TAGS_SHARES,
        operation_id="shares_action",
        summary="The seeker consents (send back `shown`) or declines a share waiting for her; the helper may cancel it",
        parameters=[OpenApiParameter("action", str, OpenApiParameter.PATH, enum=SHARE_ACTIONS)],
        request=ShareActionSerializer,
        responses={200: SeekersShareSerializer},
    )
    def post(self, request, code, action):
        if action not in SHARE_ACTIONS:
            raise Http404
        user = request.user
        share, role = _share_by_role(user, code)
        incoming = ShareActionSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        if states.TRANSITIONS[action].who != role:
            raise PermissionDenied(_("Only the seeker can consent or decline; only the helper can call it off."))
        if not states.allowed(action, share.state):
            raise actions.Refused(_("This share has already moved on. Reload to see where it is now."))
        if action == "consent":
            shown = run_form(ShownForm({"shown": incoming.validated_data.get("shown", "")}))["shown"]
            actions.consent_to_share(user, share, shown=shown)
        elif action == "decline_consent":
            actions.decline_consent(user, share)
        else:
            actions.cancel_share(user, share)
        if role == "helper":
            return Response(ShareSerializer(share_data(user, access.access_own_share(user, code))).data)
        share = access.access_seekers_share(user, code)
        return Response(
            SeekersShareSerializer(seekers_share_data(user, share, access.recipients_shown_to_seeker([share]))).data
        )


class RecordAnswerView(ApiView):
    serializer_class = ShareSerializer

    @extend_schema(
        tags=TAGS_SHARES,
        summary="Record the answer a non-member gave you by hand",
        request=RecordAnswerSerializer,
        responses=ShareSerializer,
        examples=[example({"answer": "coffee"})],
    )
    def post(self, request, code):
        row = access.access_helpers_recipient(request.user, code)
        answer = run_form(RecordAnswerForm(request.data))["answer"]
        if not states.allowed(answer, row.answer):
            raise actions.Refused(_("This answer is already recorded."))
        actions.record_answer(request.user, row, answer)
        return Response(
            ShareSerializer(share_data(request.user, access.access_own_share(request.user, row.share.code))).data
        )


# A member recipient's cards


def card_data(row: ShareRecipient, passed_on_by: str) -> dict:
    share = row.share
    profile: SeekerProfile | None = access.profile_of(share.seeker)
    return {
        "code": row.code,
        "seeker": share.seeker.display_name,
        "helper": share.helper.display_name,
        "passed_on_by": passed_on_by,
        "headline": profile.headline if profile else "",
        "offer": profile.offer if profile else "",
        "competencies": [str(item) for item in profile.competencies] if profile else [],
        "job_fields": [str(item) for item in profile.job_fields] if profile else [],
        "note": share.note,
        "answer": row.answer,
        "open_answers": states.answers_from(row.answer),
        "meeting": row.meeting.code if row.meeting else None,
        "created": row.created,
    }


class CardListView(ApiView):
    serializer_class = CardSerializer

    @extend_schema(tags=TAGS_CARDS, summary="Profiles put in play to you", responses=CardSerializer(many=True))
    def get(self, request):
        page = self.paginate_queryset(access.cards_for(request.user))
        rows = [card_data(row, passed_on_by="") for row in page]  # who passed it on: on the card itself
        return self.get_paginated_response(CardSerializer(rows, many=True).data)


def _opened(user, row: ShareRecipient) -> None:
    log_read(user, row.share.seeker, AccessKind.RECIPIENT_OPENED_CARD, row.code, named=access.shows_name(user))


class CardDetailView(ApiView):
    serializer_class = CardSerializer

    @extend_schema(
        tags=TAGS_CARDS, summary="One card (the seeker's access log notes that you read it)", responses=CardSerializer
    )
    def get(self, request, code):
        row = access.access_card(request.user, code)
        _opened(request.user, row)
        return Response(CardSerializer(card_data(row, access.passed_on_by(row.share))).data)


class CardAnswerView(ApiView):
    serializer_class = CardSerializer

    @extend_schema(
        tags=TAGS_CARDS,
        operation_id="cards_answer",
        summary="Answer once: coffee (an invitation, with an optional message), pass_on (to one of your contacts, "
        "with a note) or not_now",
        parameters=[OpenApiParameter("answer", str, OpenApiParameter.PATH, enum=CARD_ANSWERS)],
        request=CardAnswerSerializer,
        responses=CardSerializer,
        examples=[
            example({"message": "Gerne en kaffe!"}, "coffee"),
            example({"recipient": "CARD_CODE", "note": "Mød hende."}, "pass_on"),
        ],
    )
    @idempotent()
    def post(self, request, code, answer):
        if answer not in CARD_ANSWERS:
            raise Http404
        user = request.user
        row = access.access_card(user, code)
        incoming = CardAnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if not states.allowed(answer, row.answer):
            raise actions.Refused(_("You have already answered this card."))
        if answer == "pass_on":
            passed = run_form(PassOnForm({"recipient": data.get("recipient", ""), "note": data.get("note", "")}))
            actions.pass_on(user, row, passed["recipient"], passed["note"])
        else:
            cleaned = run_form(CardAnswerForm({"answer": answer, "message": data.get("message", "")}))
            actions.answer_card(user, row, cleaned["answer"], cleaned["message"])
        return Response(
            CardSerializer(card_data(row := access.access_card(user, code), access.passed_on_by(row.share))).data
        )
