"""/me: the member's account preferences and seeker profile, changed by the same forms and actions as the pages."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from kaffebro.accounts.actions import update_preferences
from kaffebro.accounts.forms import PreferencesForm
from kaffebro.api.openapi import MAY_BE_NOT_FOUND, example
from kaffebro.api.serializers.account import MemberSerializer, SeekerProfileSerializer
from kaffebro.api.serializers.common import model_field, run_form
from kaffebro.api.views.base import ApiView, activate_member_preferences
from kaffebro.network import access
from kaffebro.network.actions import PROFILE_FIELDS, save_seeker_profile
from kaffebro.network.forms import SeekerProfileForm
from kaffebro.network.models import SeekerProfile

TAGS = ["me"]


def member_data(user) -> dict:
    return {
        "code": user.code,
        "email": user.email,
        "display_name": user.display_name,
        "language": user.language,
        "time_zone": user.time_zone,
        "is_coach": user.is_coach,
        "seeker_profile": access.seeker_profile_of(user),
    }


class MeView(ApiView):
    serializer_class = MemberSerializer

    @extend_schema(tags=TAGS, summary="Your account", responses=MemberSerializer)
    def get(self, request):
        return Response(MemberSerializer(member_data(request.user)).data)

    @extend_schema(
        tags=TAGS,
        summary="Change your name, language or time zone",
        request=MemberSerializer(partial=True),
        responses=MemberSerializer,
        examples=[example({"language": "en", "time_zone": "Europe/Copenhagen"})],
    )
    def patch(self, request):
        user = request.user
        incoming = MemberSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        current = {"display_name": user.display_name, "language": user.language, "time_zone": user.time_zone}
        update_preferences(user, **run_form(PreferencesForm({**current, **incoming.validated_data})))
        activate_member_preferences(request, user)
        return Response(MemberSerializer(member_data(user)).data)


def _profile_defaults() -> dict:
    """What a new seeker profile starts from: the model's defaults."""
    return {name: model_field(SeekerProfile, name).get_default() for name in PROFILE_FIELDS}


def _form_data(values: dict) -> dict:
    """The profile as the page's form posts it: the two word lists as comma-separated text."""
    return {**values, **{name: ", ".join(values[name]) for name in ("competencies", "job_fields")}}


class SeekerProfileView(ApiView):
    serializer_class = SeekerProfileSerializer

    @extend_schema(
        tags=TAGS,
        summary="Your seeker profile (404 until you have one)",
        responses=SeekerProfileSerializer,
        extensions=MAY_BE_NOT_FOUND,
    )
    def get(self, request):
        profile = access.seeker_profile_of(request.user)
        if profile is None:
            raise Http404
        return Response(SeekerProfileSerializer(profile).data)

    @extend_schema(
        tags=TAGS,
        summary="Change your seeker profile; the first change makes you a job seeker",
        request=SeekerProfileSerializer(partial=True),
        responses=SeekerProfileSerializer,
        examples=[
            example(
                {
                    "headline": "Development consultant with a knack for data",
                    "job_fields": ["data analysis"],
                    "regions": ["hovedstaden"],
                }
            )
        ],
    )
    def patch(self, request):
        user = request.user
        incoming = SeekerProfileSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        profile = access.seeker_profile_of(user)
        current = {name: getattr(profile, name) for name in PROFILE_FIELDS} if profile else _profile_defaults()
        cleaned = run_form(SeekerProfileForm(_form_data({**current, **incoming.validated_data})))
        return Response(SeekerProfileSerializer(save_seeker_profile(user, **cleaned)).data)
