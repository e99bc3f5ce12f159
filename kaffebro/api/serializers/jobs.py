"""Postings, profile shares, suggestions and outcomes as the API shows them, and what it accepts to change them.

Input serializers check only the JSON's shape; the pages' own forms (`kaffebro/jobs/forms_*.py`)
and actions hold the rules.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework import serializers

from kaffebro.api.serializers.common import OrganisationRefSerializer, UnitRefSerializer, model_field
from kaffebro.jobs.access.shares import MAX_QUERY_CHARS
from kaffebro.jobs.actions.postings import MAX_DESCRIPTION_INPUT_CHARS
from kaffebro.jobs.jobad import MAX_BYTES
from kaffebro.network.models import EmploymentType, Posting
from kaffebro.notifications.models import DigestDelivery

POSTING_ACTIONS = ("close", "reopen", "add_target")
PLACE_QUERY_CHARS = 200  # as much of a search for where to post as the page reads


def _text(model_name: str, **kwargs) -> serializers.CharField:
    return serializers.CharField(
        max_length=model_field(Posting, model_name).max_length, required=False, allow_blank=True, **kwargs
    )


class PersonRefSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PostingFactsSerializer(serializers.Serializer):
    """A posting's public facts, as its page shows them to every member who may see its organisation."""

    code = serializers.CharField()
    title = serializers.CharField()
    organisation = OrganisationRefSerializer()
    unit = UnitRefSerializer(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    is_public = serializers.BooleanField(help_text=gettext_lazy("The job must be advertised."))
    employment_type = serializers.ChoiceField(EmploymentType.choices, allow_blank=True)
    location = serializers.CharField()
    job_field = serializers.CharField()
    description = serializers.CharField(help_text=gettext_lazy("Sanitised HTML."))
    url = serializers.CharField()
    identifier = serializers.CharField()
    contact = PersonRefSerializer(allow_null=True, help_text=gettext_lazy("Named only when a member."))
    closed = serializers.DateTimeField(allow_null=True)
    may_manage = serializers.BooleanField()
    your_target = serializers.CharField(allow_null=True, help_text=gettext_lazy("Your target's code, if it is one."))


class ManagedPostingSerializer(serializers.Serializer):
    """A posting its manager sees in their list; `updated` is what an edit must send back."""

    code = serializers.CharField()
    title = serializers.CharField()
    organisation = OrganisationRefSerializer()
    unit = UnitRefSerializer(allow_null=True)
    decision_maker = PersonRefSerializer(allow_null=True)
    contact_person = PersonRefSerializer(allow_null=True)
    deadline = serializers.DateField(allow_null=True)
    is_public = serializers.BooleanField()
    employment_type = serializers.ChoiceField(EmploymentType.choices, allow_blank=True)
    location = serializers.CharField()
    job_field = serializers.CharField()
    url = serializers.CharField()
    identifier = serializers.CharField()
    source = serializers.CharField()
    closed = serializers.DateTimeField(allow_null=True)
    updated = serializers.DateTimeField()


class PostingFieldsSerializer(serializers.Serializer):
    """What a manager writes; the unit and people by their codes (see the posting form's choices)."""

    title = serializers.CharField(max_length=model_field(Posting, "title").max_length)
    unit = serializers.CharField(max_length=16, required=False, allow_blank=True)
    decision_maker = serializers.CharField(max_length=16, required=False, allow_blank=True)
    contact_person = serializers.CharField(max_length=16, required=False, allow_blank=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    is_public = serializers.BooleanField(required=False, default=False)
    employment_type = serializers.ChoiceField(EmploymentType.choices, required=False, allow_blank=True)
    location = _text("location")
    job_field = _text("job_field")
    description = serializers.CharField(max_length=MAX_DESCRIPTION_INPUT_CHARS, required=False, allow_blank=True)
    url = _text("url")
    identifier = _text("identifier")


class PostingCreateSerializer(PostingFieldsSerializer):
    organisation = serializers.CharField(max_length=16, help_text=gettext_lazy("An organisation you may post for."))


class PostingEditSerializer(PostingFieldsSerializer):
    updated = serializers.DateTimeField(help_text=gettext_lazy("The posting's `updated` as you read it."))


class ImportConfirmSerializer(PostingCreateSerializer):
    matched_by = serializers.ChoiceField(
        [("cvr", "cvr"), ("name", "name"), ("website", "website"), ("key", "key")], required=False, allow_blank=True
    )


class JobAdSerializer(serializers.Serializer):
    """Step one of an import: the saved ad as a file (multipart) or its JSON-LD as text."""

    file = serializers.FileField(required=False)
    text = serializers.CharField(required=False, allow_blank=True, max_length=MAX_BYTES)
    employer = serializers.CharField(required=False, allow_blank=True, max_length=200)


class PostingPreviewSerializer(serializers.Serializer):
    """What the ad would become: send it (corrected as you like) to POST /postings/import/confirm/."""

    organisation = OrganisationRefSerializer()
    matched_by = serializers.CharField()
    title = serializers.CharField()
    deadline = serializers.DateField(allow_null=True)
    is_public = serializers.BooleanField()
    employment_type = serializers.CharField()
    location = serializers.CharField()
    description = serializers.CharField()
    url = serializers.CharField()
    identifier = serializers.CharField()
    warnings = serializers.ListField(
        child=serializers.CharField(), help_text=gettext_lazy("What of the ad could not be read, and why.")
    )


class PlaceSearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=PLACE_QUERY_CHARS,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "For an operator: words in the organisation's name (nothing is found without them). A decision-maker "
            "always gets every organisation they decide in."
        ),
    )


class UnitChoiceSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField(help_text=gettext_lazy("The unit with the units above it."))


class PostingPlaceSerializer(serializers.Serializer):
    """An organisation you may post for, and where in it: the whole of it, or some of its units."""

    code = serializers.CharField(help_text=gettext_lazy("The organisation's code, for POST /postings/."))
    name = serializers.CharField()
    whole = serializers.BooleanField(help_text=gettext_lazy("You may post for the organisation as a whole."))
    units = UnitChoiceSerializer(many=True, help_text=gettext_lazy("The units you may post for."))


# Profiles in play

SHARE_ACTIONS = ("consent", "decline_consent", "cancel")
CARD_ANSWERS = ("coffee", "pass_on", "not_now")


class ConsentSerializer(serializers.Serializer):
    code = serializers.CharField()
    helper = serializers.CharField(source="helper.display_name")
    scope = serializers.CharField()
    text = serializers.CharField(help_text=gettext_lazy("The consent text exactly as you saw it."))
    granted = serializers.DateTimeField()
    withdrawn = serializers.DateTimeField(allow_null=True)


class ConsentOfferSerializer(serializers.Serializer):
    """Someone you may let put your profile in play, with the text you agree to (send its `shown` back)."""

    helper = serializers.CharField(help_text=gettext_lazy("Their code, to send to POST /consents/."))
    name = serializers.CharField()
    text = serializers.CharField()
    shown = serializers.CharField()


class ConsentGrantSerializer(serializers.Serializer):
    helper = serializers.CharField(max_length=20)
    shown = serializers.CharField(max_length=64, help_text=gettext_lazy("The `shown` of the text you agree to."))


class HelperRecipientSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text=gettext_lazy("Your own name for them."))
    is_member = serializers.BooleanField()
    answer = serializers.CharField()
    answered = serializers.DateTimeField(allow_null=True)
    text_to_send = serializers.CharField(help_text=gettext_lazy("For a non-member: the text to send them by hand."))


class ShareSerializer(serializers.Serializer):
    """One of your shares as its helper sees it."""

    code = serializers.CharField()
    seeker = serializers.CharField()
    state = serializers.CharField()
    note = serializers.CharField()
    created = serializers.DateTimeField()
    recipients = HelperRecipientSerializer(many=True)


class ShareCreateSerializer(serializers.Serializer):
    seeker = serializers.CharField(max_length=20, help_text=gettext_lazy("The seeker's profile code."))
    recipients = serializers.ListField(
        child=serializers.CharField(max_length=20), help_text=gettext_lazy("Codes of your own contact cards.")
    )
    note = serializers.CharField(allow_blank=True, max_length=2000)


class SeekerRecipientSerializer(serializers.Serializer):
    shown_as = serializers.CharField(
        help_text=gettext_lazy("A member as their profile allows; anyone else only by role and place.")
    )
    answer = serializers.CharField()
    answered = serializers.DateTimeField(allow_null=True)


class SeekersShareSerializer(serializers.Serializer):
    """A share of your profile: who put it in play, toward whom (never a non-member's name), and the answers."""

    code = serializers.CharField()
    helper = serializers.CharField()
    state = serializers.CharField()
    note = serializers.CharField()
    created = serializers.DateTimeField()
    recipients = SeekerRecipientSerializer(many=True)
    consent_text = serializers.CharField(allow_null=True, help_text=gettext_lazy("While it waits for your consent."))
    shown = serializers.CharField(allow_null=True, help_text=gettext_lazy("Send it back to consent."))


class ShareActionSerializer(serializers.Serializer):
    shown = serializers.CharField(
        max_length=64, required=False, allow_blank=True, help_text=gettext_lazy("For consent.")
    )


class RecordAnswerSerializer(serializers.Serializer):
    answer = serializers.ChoiceField([(answer, answer) for answer in CARD_ANSWERS])


class CardSerializer(serializers.Serializer):
    """A profile put in play to you."""

    code = serializers.CharField()
    seeker = serializers.CharField()
    helper = serializers.CharField()
    passed_on_by = serializers.CharField()
    headline = serializers.CharField()
    offer = serializers.CharField()
    competencies = serializers.ListField(child=serializers.CharField())
    job_fields = serializers.ListField(child=serializers.CharField())
    note = serializers.CharField()
    answer = serializers.CharField()
    open_answers = serializers.ListField(child=serializers.CharField())
    meeting = serializers.CharField(allow_null=True, help_text=gettext_lazy("The coffee request, once you said yes."))
    created = serializers.DateTimeField()


class CardAnswerSerializer(serializers.Serializer):
    message = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="coffee")
    recipient = serializers.CharField(required=False, max_length=20, help_text="pass_on: your contact card's code")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, help_text="pass_on")


class PlayableSerializer(serializers.Serializer):
    """A seeker you may put in play."""

    seeker = serializers.CharField(help_text=gettext_lazy("Her profile's code, for POST /shares/."))
    name = serializers.CharField()
    standing_consent = serializers.BooleanField(help_text=gettext_lazy("false: each share asks her first."))


class RecipientSearchSerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUERY_CHARS,
        required=False,
        allow_blank=True,
        help_text=gettext_lazy(
            "Search your contacts by name, organisation or title; without it, those who work where she wants to land."
        ),
    )


class SuggestedRecipientSerializer(serializers.Serializer):
    """One of your own contacts who could receive her profile, and why they are suggested."""

    card = serializers.CharField(help_text=gettext_lazy("Your contact card's code, for `recipients` in POST /shares/."))
    name = serializers.CharField(help_text=gettext_lazy("Your own name for them."))
    title = serializers.CharField()
    organisation = serializers.CharField()
    is_member = serializers.BooleanField(help_text=gettext_lazy("false: you send them the text yourself."))
    reasons = serializers.ListField(child=serializers.CharField())


# Candidate suggestions

SUGGESTION_PARTY_ACTIONS = ("consent", "decline", "withdraw")
INBOX_ACTIONS = ("invite_to_coffee", "invite_to_apply", "invite_to_interview", "record_hired", "not_a_fit", "archive")


class SuggestionSerializer(serializers.Serializer):
    """A suggestion as its party may see it: the kind word back is the suggester's only."""

    code = serializers.CharField()
    role = serializers.CharField(help_text=gettext_lazy("Your part in it: seeker, suggester or decision_maker."))
    state = serializers.CharField()
    seeker = serializers.CharField()
    suggested_by = serializers.CharField()
    decision_maker = serializers.CharField()
    place = serializers.CharField()
    posting = serializers.CharField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    how_known = serializers.CharField()
    why_fit = serializers.CharField()
    reason_back = serializers.CharField(allow_null=True)
    meeting = serializers.CharField(allow_null=True)
    actions = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("What you may do now."))
    consent_text = serializers.CharField(allow_null=True, help_text=gettext_lazy("The seeker's, while she is asked."))
    shown = serializers.CharField(allow_null=True, help_text=gettext_lazy("Send it back to consent."))
    created = serializers.DateTimeField()


class SuggestionCreateSerializer(serializers.Serializer):
    """As the suggest form: the seeker and the place (`posting:CODE` or `unit:CODE`) of one organisation."""

    seeker = serializers.CharField(max_length=20, help_text=gettext_lazy("The seeker's member code."))
    organisation = serializers.CharField(max_length=20)
    place = serializers.CharField(max_length=40, help_text=gettext_lazy("posting:CODE or unit:CODE"))
    how_known = serializers.CharField(max_length=1000)
    why_fit = serializers.CharField(max_length=2000)


class SuggestionActionSerializer(serializers.Serializer):
    shown = serializers.CharField(max_length=64, required=False, allow_blank=True, help_text="consent")
    message = serializers.CharField(max_length=2000, required=False, allow_blank=True, help_text="invite_to_coffee")
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, help_text="not_a_fit")


class EndorsementSerializer(serializers.Serializer):
    code = serializers.CharField()
    suggested_by = serializers.CharField()
    how_known = serializers.CharField()
    why_fit = serializers.CharField()
    created = serializers.DateTimeField()


class CandidateBriefSerializer(serializers.Serializer):
    """Her preparation brief for the place, as the decision-maker reads it."""

    knowledge = serializers.CharField()
    offer = serializers.CharField()
    difference = serializers.CharField()
    ask = serializers.CharField()


class CandidateSerializer(serializers.Serializer):
    """One candidate for one place in the inbox, with every endorsement; act on `code` (the earliest)."""

    code = serializers.CharField()
    seeker = serializers.CharField()
    headline = serializers.CharField()
    competencies = serializers.ListField(child=serializers.CharField())
    job_fields = serializers.ListField(child=serializers.CharField())
    place = serializers.CharField()
    state = serializers.CharField()
    endorsements = EndorsementSerializer(many=True)
    brief = CandidateBriefSerializer(allow_null=True, help_text=gettext_lazy("Her brief for the place, if any."))
    actions = serializers.ListField(child=serializers.CharField())


# Outcomes, the pipeline and coaching


class RecordedOutcomeSerializer(serializers.Serializer):
    code = serializers.CharField()
    kind = serializers.CharField()
    date = serializers.DateField()
    credit = serializers.CharField()
    target = serializers.CharField(allow_null=True)
    posting = serializers.CharField(allow_null=True)
    organisation = serializers.CharField(allow_null=True)
    connector = serializers.CharField(allow_null=True)
    note = serializers.CharField()
    created = serializers.DateTimeField()


class OutcomeCreateSerializer(serializers.Serializer):
    """The seeker names her `target` and a `credit`: one of the target's `credits` in GET /pipeline/
    (`meeting:CODE`, `share:CODE`, `suggestion:CODE` or `advertised`). A decision-maker names instead the
    `suggestion` of the candidate made to them (for their posting or unit), which is the credit.
    """

    kind = serializers.CharField(max_length=20)
    date = serializers.DateField()
    credit = serializers.CharField(max_length=40, required=False)
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    target = serializers.CharField(max_length=20, required=False)
    suggestion = serializers.CharField(max_length=20, required=False)


class StageSerializer(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()
    status = serializers.CharField()


class EntrySerializer(serializers.Serializer):
    day = serializers.DateField()
    text = serializers.CharField()


class CreditSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()


# One of her targets and the stage it reached: what the pipeline row and the coach's summary both start with.
# (Comments, not docstrings: drf-spectacular would publish a docstring as each component's description.)
class TargetStageSerializer(serializers.Serializer):
    target = serializers.CharField()
    kind = serializers.CharField()
    organisation = serializers.CharField(allow_null=True)
    unit = serializers.CharField(allow_null=True)
    posting = serializers.CharField(allow_null=True)
    job_field = serializers.CharField()
    stage = serializers.CharField(allow_null=True)


class PipelineRowSerializer(TargetStageSerializer):
    stages = StageSerializer(many=True)
    ended = serializers.CharField(allow_null=True)
    next_step = serializers.CharField()
    timeline = EntrySerializer(many=True)
    credits = CreditSerializer(many=True)


class CoachNoteSerializer(serializers.Serializer):
    coach = serializers.CharField(source="coach.display_name")
    text = serializers.CharField()
    created = serializers.DateTimeField()


class PipelineSerializer(serializers.Serializer):
    targets = PipelineRowSerializer(many=True)
    elsewhere = RecordedOutcomeSerializer(
        many=True, help_text=gettext_lazy("Outcomes that match none of your targets.")
    )
    coach_notes = CoachNoteSerializer(many=True)


class CoachGrantSerializer(serializers.Serializer):
    code = serializers.CharField()
    coach = serializers.CharField(source="coach.display_name")
    granted = serializers.DateTimeField()
    withdrawn = serializers.DateTimeField(allow_null=True)


class CoachGrantCreateSerializer(serializers.Serializer):
    email = serializers.CharField(max_length=254, help_text=gettext_lazy("Your coach's e-mail address on Kaffebro."))


class CaseSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("The access's code, for GET /coaching/caseload/{code}/."))
    seeker = serializers.CharField()
    granted = serializers.DateTimeField()
    open_requests = serializers.IntegerField()
    meetings_held = serializers.IntegerField()
    last_activity = serializers.DateTimeField(allow_null=True)
    stalled = serializers.BooleanField()


# A target as her coach reads it: where and how far, with counts instead of the timeline and credits.
class SummarySerializer(TargetStageSerializer):
    ended = serializers.CharField(allow_null=True)
    open_requests = serializers.IntegerField()
    meetings_held = serializers.IntegerField()
    outcomes = serializers.ListField(child=serializers.CharField())


class CaseDetailSerializer(CaseSerializer):
    targets = SummarySerializer(many=True)
    notes = CoachNoteSerializer(many=True, help_text=gettext_lazy("Your own notes on her."))


class CoachNoteCreateSerializer(serializers.Serializer):
    text = serializers.CharField(max_length=4000)


# The connector digest


class DigestPlaceSerializer(serializers.Serializer):
    label = serializers.CharField(help_text=gettext_lazy("The posting or unit and organisation, or the job field."))
    organisation = serializers.CharField(allow_null=True, help_text=gettext_lazy("null for a job field."))
    known = serializers.IntegerField(min_value=0, help_text=gettext_lazy("How many of your contacts work there now."))
    names = serializers.ListField(child=serializers.CharField(), help_text=gettext_lazy("From your own contacts."))


class DigestSeekerSerializer(serializers.Serializer):
    name = serializers.CharField()
    headline = serializers.CharField()
    places = DigestPlaceSerializer(many=True)


class DigestIntroductionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("The request's code, for /requests/{code}/."))
    seeker = serializers.CharField()
    answer_due = serializers.DateTimeField(allow_null=True)


class DigestCardSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("The card's code, for /cards/{code}/."))
    helper = serializers.CharField()
    seeker = serializers.CharField()
    created = serializers.DateTimeField()


class DigestSerializer(serializers.Serializer):
    """Your weekly digest as it is now: who you know is looking and toward where, and what waits for you."""

    is_connector = serializers.BooleanField(
        help_text=gettext_lazy("false: the digest is for members open to introductions, and stays empty.")
    )
    delivery = serializers.ChoiceField(DigestDelivery.choices)
    looking = DigestSeekerSerializer(many=True)
    introductions = DigestIntroductionSerializer(many=True)
    cards = DigestCardSerializer(many=True)
