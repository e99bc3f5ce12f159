"""Preparation briefs with their readiness, and coffee-meeting requests as each party may see them."""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.api.serializers.network import TargetSerializer
from kaffebro.meetings.models import MAX_PART_CHARS, DeclineReason, OutcomeKind, RequestKind, RequestState
from kaffebro.meetings.readiness import PARTS, Level
from kaffebro.meetings.states import TRANSITIONS

# The actions of POST /requests/{code}/{action}/: every row of the transition table a member starts
# (all but the system's "expire"), and the two actions that change no state (times, outcomes).
REQUEST_ACTIONS = (
    *(name for name, transition in TRANSITIONS.items() if transition.who != "system"),
    "propose_times",
    "record_outcome",
)


def _part(**kwargs) -> serializers.CharField:
    return serializers.CharField(max_length=MAX_PART_CHARS, allow_blank=True, **kwargs)


class BriefTextSerializer(serializers.Serializer):
    """The four parts (and the optional one) in the seeker's words, and the checklist."""

    knowledge = _part(required=False, help_text=gettext_lazy("What I know about the organisation and the unit"))
    offer = _part(required=False, help_text=gettext_lazy("What I offer"))
    difference = _part(required=False, help_text=gettext_lazy("How I could make a difference for them"))
    ask = _part(required=False, help_text=gettext_lazy("Exactly what help I ask for"))
    their_gain = _part(required=False, help_text=gettext_lazy("What they might get out of meeting me (optional)"))
    read_website = serializers.BooleanField(required=False, default=False)
    knows_unit = serializers.BooleanField(required=False, default=False)
    read_news = serializers.BooleanField(required=False, default=False)


class BriefCreateSerializer(BriefTextSerializer):
    target = serializers.CharField(max_length=16, help_text=gettext_lazy("The code of your target it is for."))


class BriefUpdateSerializer(BriefTextSerializer):
    version = serializers.IntegerField(
        min_value=1,
        max_value=2**31 - 1,
        help_text=gettext_lazy("The version you read: a brief saved since then is not overwritten (409)."),
    )


class FindingSerializer(serializers.Serializer):
    part = serializers.ChoiceField([(name, name) for name in (*PARTS, "checklist", "brief")])
    rule = serializers.CharField()
    message = serializers.CharField()
    blocking = serializers.BooleanField(help_text=gettext_lazy("True when it stops the request from being sent."))


class ReadinessSerializer(serializers.Serializer):
    level = serializers.ChoiceField([(level.value, level.value) for level in Level])
    label = serializers.CharField()
    summary = serializers.CharField()
    passes = serializers.BooleanField(help_text=gettext_lazy("Whether a request may be sent with it."))
    words = serializers.DictField(child=serializers.IntegerField(min_value=0))
    total_words = serializers.IntegerField(min_value=0)
    findings = FindingSerializer(many=True)


class BriefSerializer(serializers.Serializer):
    code = serializers.CharField()
    target = TargetSerializer()
    version = serializers.IntegerField()
    knowledge = serializers.CharField()
    offer = serializers.CharField()
    difference = serializers.CharField()
    ask = serializers.CharField()
    their_gain = serializers.CharField()
    read_website = serializers.BooleanField()
    knows_unit = serializers.BooleanField()
    read_news = serializers.BooleanField()
    created = serializers.DateTimeField()
    updated = serializers.DateTimeField()
    readiness = ReadinessSerializer()


class BriefPartsSerializer(serializers.Serializer):
    """The brief as the connector and the person to meet read it with a request."""

    knowledge = serializers.CharField()
    offer = serializers.CharField()
    difference = serializers.CharField()
    ask = serializers.CharField()
    their_gain = serializers.CharField()


class PartySerializer(serializers.Serializer):
    display_name = serializers.CharField()


class RequestSummarySerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.ChoiceField(RequestKind.choices)
    state = serializers.ChoiceField(RequestState.choices)
    state_label = serializers.CharField()
    role = serializers.ChoiceField([("seeker", "seeker"), ("connector", "connector"), ("person", "person")])
    seeker = PartySerializer()
    connector = PartySerializer(allow_null=True)
    person = serializers.CharField(
        allow_null=True,
        help_text=gettext_lazy("The person to meet as you may see them; null while the name is hidden from you."),
    )
    answer_due = serializers.DateTimeField(allow_null=True)
    state_changed = serializers.DateTimeField()
    created = serializers.DateTimeField()


class ProposedTimeSerializer(serializers.Serializer):
    ref = serializers.CharField(help_text=gettext_lazy("Send it as `time` to pick this time."))
    starts = serializers.DateTimeField()
    ends = serializers.DateTimeField()
    proposed_by_you = serializers.BooleanField()
    you_may_pick = serializers.BooleanField()


class OutcomeSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(OutcomeKind.choices)
    note = serializers.CharField(max_length=500, allow_blank=True, required=False, default="")


class OutcomeRecordSerializer(OutcomeSerializer):
    created = serializers.DateTimeField()


class RequestSerializer(RequestSummarySerializer):
    """One request as its viewer's role may see it (the request page's rules); null marks what is not theirs."""

    actions = serializers.ListField(
        child=serializers.ChoiceField([(name, name) for name in REQUEST_ACTIONS]),
        help_text=gettext_lazy("What you can do now: POST /api/v1/requests/{code}/{action}/."),
    )
    brief = BriefPartsSerializer(allow_null=True)
    brief_code = serializers.CharField(allow_null=True, help_text=gettext_lazy("Your brief (seeker only)."))
    message = serializers.CharField(allow_null=True)
    introduction_note = serializers.CharField(allow_null=True)
    changes_asked = serializers.CharField(allow_null=True)
    decline_reason = serializers.ChoiceField(DeclineReason.choices, allow_blank=True)
    place = serializers.CharField(allow_null=True)
    video_link = serializers.CharField(allow_null=True)
    starts = serializers.DateTimeField(allow_null=True)
    ends = serializers.DateTimeField(allow_null=True)
    proposed_times = ProposedTimeSerializer(many=True)
    learned = serializers.CharField(allow_null=True)
    next_step = serializers.CharField(allow_null=True)
    outcomes = OutcomeRecordSerializer(many=True)


class RequestStartSerializer(serializers.Serializer):
    way = serializers.CharField(max_length=4000, help_text=gettext_lazy("The `way` of a path from GET /api/v1/paths/."))


class TimeSerializer(serializers.Serializer):
    starts = serializers.DateTimeField()
    ends = serializers.DateTimeField()


class RequestActionSerializer(serializers.Serializer):
    """Everything an action may need; each action reads its own fields and the page's form checks them."""

    message = serializers.CharField(required=False, allow_blank=True, help_text="send_to_connector, send_direct")
    note = serializers.CharField(required=False, allow_blank=True, help_text="approve_introduction")
    changes = serializers.CharField(required=False, allow_blank=True, help_text="ask_for_changes")
    reason = serializers.ChoiceField(DeclineReason.choices, required=False, help_text="decline_introduction, decline")
    times = TimeSerializer(many=True, required=False, help_text="propose_times: up to three")
    place = serializers.CharField(required=False, allow_blank=True, help_text="propose_times")
    video_link = serializers.CharField(required=False, allow_blank=True, help_text="propose_times")
    time = serializers.CharField(required=False, max_length=64, help_text="pick_time: the `ref` of a proposed time")
    learned = serializers.CharField(required=False, allow_blank=True, help_text="log_follow_up")
    next_step = serializers.CharField(required=False, allow_blank=True, help_text="log_follow_up")
    outcomes = OutcomeSerializer(many=True, required=False, help_text="log_follow_up")
    outcome = OutcomeSerializer(required=False, help_text="record_outcome")
