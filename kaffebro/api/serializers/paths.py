"""Ways in, exactly as the paths pages show them: a hidden person has no name here either."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.paths.service import DEFAULT_K

MAX_K = 50


class PathQuerySerializer(serializers.Serializer):
    target = serializers.CharField(
        max_length=16,
        help_text=gettext_lazy("The code of one of your targets, or of an organisation, unit or posting."),
    )
    k = serializers.IntegerField(
        min_value=1, max_value=MAX_K, default=DEFAULT_K, required=False, help_text=gettext_lazy("How many paths.")
    )


class StepSerializer(serializers.Serializer):
    position = serializers.ChoiceField([("first", "first"), ("middle", "middle"), ("target", "target")])
    name = serializers.CharField(
        allow_null=True, help_text=gettext_lazy("Null while the rules hide who it is: see role_label instead.")
    )
    shown_as = serializers.CharField(help_text=gettext_lazy("The name, or the role and place when it is hidden."))
    organisation = serializers.CharField()
    unit = serializers.CharField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    how_known = serializers.CharField()
    strength_label = serializers.CharField()
    contact_code = serializers.CharField(help_text=gettext_lazy("Your own contact card for this person, if any."))
    is_member = serializers.BooleanField()


class FactorSerializer(serializers.Serializer):
    label = serializers.CharField()
    detail = serializers.CharField()
    value = serializers.FloatField()


class WayInSerializer(serializers.Serializer):
    score = serializers.FloatField()
    hops = serializers.IntegerField(min_value=1, max_value=3)
    explanation = serializers.CharField()
    steps = StepSerializer(many=True)
    factors = FactorSerializer(many=True)
    way = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy(
            "Send it to POST /api/v1/requests/ to ask for a coffee meeting along this path; null when the first "
            "person is not a member (ask them yourself). Valid for a day."
        ),
    )


class PathTargetSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        [("target", "target"), ("organisation", "organisation"), ("unit", "unit"), ("posting", "posting")]
    )
    code = serializers.CharField()
    name = serializers.CharField()


class WaysInSerializer(serializers.Serializer):
    target = PathTargetSerializer()
    count = serializers.IntegerField(
        min_value=0, help_text=gettext_lazy("How many different first persons lead there.")
    )
    paths = WayInSerializer(many=True)
