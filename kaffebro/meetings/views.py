"""The preparation brief, and the request for a coffee meeting that sends it, page by page.

The brief: the seeker writes it for one of their targets and sees how ready it is as they type.

Views are thin: the target and the brief are read through `meetings.access` (404 for anything
that is not the viewer's), the brief changes only through `actions.save_brief`, and the
feedback comes from the pure `readiness` check.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.accounts.ratelimit import rate_limited
from kaffebro.core.access_log import log_read
from kaffebro.core.models import AccessKind, Event
from kaffebro.meetings import access, actions, calendar, states, texts
from kaffebro.meetings.forms import (
    ApproveForm,
    ChangesForm,
    DeclineForm,
    FollowUpForm,
    HeldForm,
    OutcomeForm,
    PickTimeForm,
    PrepBriefForm,
    ProposeTimesForm,
    SendForm,
)
from kaffebro.meetings.models import (
    DeclineReason,
    MeetingRequest,
    PrepBrief,
    ProposedTime,
    RequestKind,
    RequestState,
)
from kaffebro.meetings.readiness import (
    CHECKLIST,
    MAX_TOTAL_WORDS,
    PARTS,
    BriefText,
    Place,
    Readiness,
    assess,
    level_summary,
    part_label,
    readiness_of,
)
from kaffebro.meetings.timeline import timeline
from kaffebro.network import access as network_access
from kaffebro.network.access import PlacedTarget, target_place
from kaffebro.network.models import Target
from kaffebro.paths.results import WayIn
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import BadWayIn, read_way_in


def _initial(brief: PrepBrief | None) -> dict:
    if brief is None:
        return {"version": 0}
    return {**{name: getattr(brief, name) for name in PARTS + CHECKLIST}, "version": brief.version}


def _typed(form: PrepBriefForm) -> BriefText:
    """What the seeker typed, valid or not, for the readiness check."""
    return BriefText.of({name: form.data.get(name) for name in PARTS + CHECKLIST})


def _groups(readiness: Readiness) -> list[dict]:
    """The findings by part, in the order of the form, for the feedback panel."""
    order = [*PARTS, "checklist", "brief"]
    return [
        {"part": part, "label": part_label(part), "findings": readiness.for_part(part)}
        for part in order
        if readiness.for_part(part)
    ]


def _readiness_context(readiness: Readiness) -> dict:
    return {
        "readiness": readiness,
        "summary": level_summary(readiness.level),
        "groups": _groups(readiness),
        "max_total_words": MAX_TOTAL_WORDS,
    }


def _render_brief(request, target: Target, brief: PrepBrief | None, form: PrepBriefForm, text: BriefText, status=200):
    organisation, unit = target_place(target)
    posting = target.posting
    deadline_timeline = (
        timeline(posting.deadline, today=timezone.localdate())
        if posting is not None and posting.deadline is not None
        else None
    )
    return render(
        request,
        "meetings/brief.html",
        {
            "nav": "profile",
            "target": target,
            "placed": PlacedTarget(target, organisation, unit),
            "organisation": organisation,
            "unit": unit,
            "posting": posting,
            "is_public": organisation is not None and organisation.is_public,
            "timeline": deadline_timeline,
            "brief": brief,
            "form": form,
            **_readiness_context(assess(text, Place.of_target(target))),
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def brief(request, code):
    """The seeker's brief for one of their targets: write it, improve it, see how ready it is."""
    target = access.own_target(request.user, code)
    existing = access.brief_for(request.user, target)
    if request.method != "POST":
        form = PrepBriefForm(initial=_initial(existing))
        return _render_brief(request, target, existing, form, BriefText.of(existing) if existing else BriefText())
    form = PrepBriefForm(request.POST)
    if form.is_valid():
        try:
            actions.save_brief(request.user, target, form.brief_fields(), base_version=form.cleaned_data["version"])
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("Your brief is saved."))
            return redirect("meetings:brief", target.code)
    return _render_brief(request, target, existing, form, _typed(form))


@require_POST
def brief_check(request, code):
    """htmx fragment: the readiness of what the seeker has typed so far; nothing is saved."""
    target = access.own_target(request.user, code)
    form = PrepBriefForm(request.POST)
    readiness = assess(_typed(form), Place.of_target(target))
    return render(request, "meetings/_readiness.html", _readiness_context(readiness))


# ---------------------------------------------------------------------------------------------------------------
# The request flow: from a path card to a coffee meeting and its follow-up.
#
# Every page reads the request through `access` (404 unless the viewer is a party) and every change is one
# action; a refused action comes back as a form error on the same page (status 200), never as a crash.
# ---------------------------------------------------------------------------------------------------------------

# Which transitions of `states.TRANSITIONS` each role may start; the page offers the intersection with
# `states.actions_from(state)`, so it shows exactly what is possible now.
ROLE_TRANSITIONS = {
    "seeker": frozenset(
        {
            "send_to_connector",
            "send_direct",
            "pick_time",
            "reschedule",
            "cancel",
            "withdraw",
            "confirm_held",
            "not_held",
            "log_follow_up",
        }
    ),
    "connector": frozenset({"approve_introduction", "ask_for_changes", "decline_introduction"}),
    "person": frozenset({"accept", "decline", "pick_time", "reschedule", "cancel", "confirm_held", "not_held"}),
}
# The connector answers for a person who is not a member: Kaffebro never writes to them.
ANSWERS_FOR_A_NON_MEMBER = frozenset({"accept", "decline"})
SCHEDULED_STATES = (RequestState.SCHEDULED, RequestState.HELD, RequestState.FOLLOWED_UP)
LIST_SECTIONS = ("mine", "to_answer", "invitations")
PATHS_SEARCHED = 50  # as many ways as `actions.start_request` checks the token against


def offered_transitions(meeting: MeetingRequest, role: str) -> set[str]:
    """The transitions the page offers this role now (the table's, for this role and kind of request)."""
    allowed = set(ROLE_TRANSITIONS.get(role, ()))
    if role == "connector" and meeting.person_member_id is None:
        allowed |= ANSWERS_FOR_A_NON_MEMBER
    if role == "seeker":
        allowed.discard("send_direct" if meeting.kind == RequestKind.INTRODUCTION else "send_to_connector")
    return allowed & set(states.actions_from(meeting.state))


# The stages a request passes on its way, in order; a direct request has no connector stage.
STAGES = (
    RequestState.DRAFT,
    RequestState.WITH_CONNECTOR,
    RequestState.WITH_PERSON,
    RequestState.SCHEDULING,
    RequestState.SCHEDULED,
    RequestState.HELD,
    RequestState.FOLLOWED_UP,
)
ENDINGS = (RequestState.DECLINED, RequestState.WITHDRAWN, RequestState.EXPIRED)


@dataclass(frozen=True)
class Stage:
    label: str
    status: str  # "done", "current", "upcoming" or "ended"


def stages_of(meeting: MeetingRequest, reached: set[str]) -> list[Stage]:
    """The request's way as a list of stages: done, the current one, and what is still to come.

    A request that ended (declined, withdrawn, closed) shows the stages it reached, then how it ended.
    """
    stages = [str(stage) for stage in STAGES if stage != RequestState.WITH_CONNECTOR or meeting.kind != "direct"]
    if meeting.state in ENDINGS:
        shown = [Stage(_state_label(stage), "done") for stage in stages if stage in reached or stage == stages[0]]
        return [*shown, Stage(_state_label(meeting.state), "ended")]
    current = stages.index(meeting.state)
    return [
        Stage(_state_label(stage), "done" if number < current else "current" if number == current else "upcoming")
        for number, stage in enumerate(stages)
    ]


def _state_label(state: str) -> str:
    return str(RequestState(state).label)


# What each event of a request says in its history, and which stage it reached.
HISTORY = {
    "meeting.start_request": (_lazy("Request started"), RequestState.DRAFT),
    "meeting.send_request": (_lazy("Request sent"), None),  # where to: `first_sent` and `reached_person` say
    "meeting.approve_introduction": (_lazy("Introduction approved"), RequestState.WITH_PERSON),
    "meeting.ask_for_changes": (_lazy("Changes asked for"), RequestState.DRAFT),
    "meeting.decline_introduction": (_lazy("Introduction declined"), RequestState.DECLINED),
    "meeting.accept": (_lazy("Accepted"), RequestState.SCHEDULING),
    "meeting.decline": (_lazy("Declined"), RequestState.DECLINED),
    "meeting.times_proposed": (_lazy("Times proposed"), RequestState.SCHEDULING),
    "meeting.pick_time": (_lazy("Time agreed"), RequestState.SCHEDULED),
    "meeting.reschedule": (_lazy("Time to be agreed again"), RequestState.SCHEDULING),
    "meeting.cancel": (_lazy("Meeting cancelled"), RequestState.WITHDRAWN),
    "meeting.withdraw": (_lazy("Request withdrawn"), RequestState.WITHDRAWN),
    "meeting.confirm_held": (_lazy("Said whether the meeting happened"), None),
    "meeting.log_follow_up": (_lazy("Follow-up logged"), RequestState.FOLLOWED_UP),
    "meeting.record_outcome": (_lazy("Outcome recorded"), None),
    "meeting.expire": (_lazy("Closed without an answer"), RequestState.EXPIRED),
    "meeting.invited": (_lazy("Invited to coffee"), RequestState.SCHEDULING),
}


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    label: str
    actor: str


def history_of(meeting: MeetingRequest) -> tuple[list[HistoryEntry], set[str]]:
    """The request's event log as a dated list (labels only: events never hold free text), and the stages reached."""
    entries: list[HistoryEntry] = []
    reached: set[str] = set()
    if meeting.first_sent is not None and meeting.kind == RequestKind.INTRODUCTION:
        reached.add(RequestState.WITH_CONNECTOR)
    if meeting.reached_person is not None:
        reached.add(RequestState.WITH_PERSON)
    for event in Event.objects.filter(subject=meeting.code, kind__startswith="meeting.").select_related("actor"):
        label, stage = HISTORY.get(event.kind, (None, None))
        if event.kind == "meeting.confirm_held" and event.data.get("happened"):
            stage = RequestState.HELD
        if stage:
            reached.add(str(stage))
        if label:
            entries.append(HistoryEntry(event.created, str(label), event.actor.display_name if event.actor else ""))
    entries.reverse()  # the log is newest first; a history reads oldest first
    return entries, reached


def _intro_template(meeting: MeetingRequest, connector, person: str) -> str:
    """The connector's introduction, ready to edit: who the seeker is and what they ask, in the connector's words."""
    return _(
        "Hi %(person)s,\n\n"
        "I would like to introduce you to %(seeker)s, whom I know and think well of. %(seeker)s has prepared "
        "a short brief about what they know of your work and what they would like to ask you over a coffee. "
        "It would mean a lot if you could spare half an hour.\n\n"
        "Best wishes,\n%(connector)s"
    ) % {"person": person, "seeker": meeting.seeker.display_name, "connector": connector.display_name}


@dataclass
class Forms:
    """The forms of the request page; the one that was posted is bound and carries its errors."""

    send: SendForm | None = None
    approve: ApproveForm | None = None
    changes: ChangesForm | None = None
    decline_introduction: DeclineForm | None = None
    decline: DeclineForm | None = None
    propose: ProposeTimesForm | None = None
    pick: PickTimeForm | None = None
    held: HeldForm | None = None
    follow_up: FollowUpForm | None = None
    outcome: OutcomeForm | None = None
    other: forms.Form | None = None  # never shown: an action without fields (accept, withdraw, …) has no form


def _request_context(request, meeting: MeetingRequest, bound: dict) -> dict:
    user = request.user
    role = access.role_in(user, meeting)
    offered = offered_transitions(meeting, role)
    proposals = list(meeting.proposed_times.select_related("proposed_by"))
    pickable = access.pickable_times(meeting, user, proposals) if "pick_time" in offered else []
    history, reached = history_of(meeting)
    seen = access.seen_by(user, meeting)
    forms_ = Forms(
        send=SendForm(initial={"message": meeting.message}) if offered & {"send_direct", "send_to_connector"} else None,
        approve=ApproveForm(initial={"note": _intro_template(meeting, user, seen.person)})
        if "approve_introduction" in offered
        else None,
        changes=ChangesForm() if "ask_for_changes" in offered else None,
        decline_introduction=DeclineForm() if "decline_introduction" in offered else None,
        decline=DeclineForm() if "decline" in offered else None,
        propose=ProposeTimesForm(initial={"place": meeting.place, "video_link": meeting.video_link})
        if access.may_propose(meeting, role)
        else None,
        pick=PickTimeForm(choices=ProposedTime.objects.filter(pk__in=[time.pk for time in pickable]))
        if pickable
        else None,
        held=HeldForm() if access.asks_if_held(meeting, role, offered) else None,
        follow_up=FollowUpForm() if "log_follow_up" in offered else None,
        outcome=OutcomeForm()
        if role == "seeker" and meeting.state in (RequestState.HELD, RequestState.FOLLOWED_UP)
        else None,
    )
    problems = []
    for name, form in bound.items():
        if getattr(forms_, name) is None:
            # An action without a form of its own, or one no longer possible (someone moved the request on):
            # say why above the actions, without its form.
            problems += [str(error) for errors in form.errors.values() for error in errors]
        else:
            setattr(forms_, name, form)
    return {
        "nav": "meetings",
        "meeting": meeting,
        "role": role,
        "seen": seen,
        "offered": offered,
        "forms": forms_,
        "problems": problems,
        "stages": stages_of(meeting, reached),
        "history": history,
        "proposals": proposals if access.attends(meeting, role) else [],
        "pickable": {time.pk for time in pickable},
        "attends": access.attends(meeting, role),
        "has_invitation": access.attends(meeting, role)
        and meeting.starts is not None
        and meeting.state in SCHEDULED_STATES,
        "brief_readiness": readiness_of(meeting.brief) if role == "seeker" else None,
        "introduction_text": texts.introduction_for_non_member(meeting)
        if role == "connector" and meeting.person_member_id is None and meeting.state == RequestState.WITH_PERSON
        else "",
        "thank_you": texts.thank_you(meeting)
        if role == "seeker" and meeting.state in (RequestState.HELD, RequestState.FOLLOWED_UP)
        else "",
        "outcomes": list(meeting.outcomes.all()) if role == "seeker" else [],
        "not_now": DeclineReason.NOT_NOW,
    }


def _render_request(request, meeting: MeetingRequest, **bound):
    return render(request, "meetings/request.html", _request_context(request, meeting, bound))


def _refused_on(form: forms.Form, refused: actions.Refused) -> None:
    """A refused action as a form error: on its field when the form has one, else above the form."""
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def _act(request, code: str, form_name: str, form: forms.Form, perform, success: str):
    """Run one action from a posted form: on success back to the request with a message, else the page with errors."""
    meeting = access.access_request(request.user, code)
    if form.is_valid():
        try:
            perform(meeting, form)
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            messages.success(request, success)
            return redirect("meetings:request", meeting.code)
    meeting = access.access_request(request.user, code)  # as it is now, if someone else moved it on
    return _render_request(request, meeting, **{form_name: form})


@require_safe
def request_list(request):
    """The viewer's requests in three sections: asked by them, introductions to answer, invitations to them."""
    user = request.user
    found = access.requests_for(user).select_related("seeker", "connector", "person", "brief__target")
    sections = {
        "mine": found.filter(seeker=user),
        "to_answer": found.filter(connector=user),
        "invitations": found.filter(person_member=user).exclude(
            state__in=(RequestState.DRAFT, RequestState.WITH_CONNECTOR)
        ),
    }
    pages = {
        name: Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
        for name, rows in sections.items()
    }
    return render(
        request,
        "meetings/list.html",
        {
            "nav": "meetings",
            "pages": pages,
            "waiting": states.WAITING_FOR_AN_ANSWER,
        },
    )


@dataclass(frozen=True)
class Way:
    """A way in read from a path card's token, as the seeker's own search shows it now."""

    token: str
    spec: TargetSpec
    way: WayIn | None  # None when the way is no longer among the seeker's paths


def _way_from(request, token: str) -> Way:
    """The way in a token names, for its own viewer only: anyone else, or an altered token, gets 404."""
    try:
        spec, person_ids = read_way_in(request.user.pk, token)
    except BadWayIn:
        raise Http404 from None
    ways = find_paths(request.user, spec, k=PATHS_SEARCHED)
    way = next((way for way in ways.paths if tuple(way.person_ids) == person_ids), None)
    return Way(token, spec, way)


def _own_target_for(user, spec: TargetSpec):
    """The seeker's own target for the place a way leads to, if they have one."""
    for placed in network_access.placed_targets(user):
        target = placed.target
        if spec.kind == "field":
            if target.kind == "field" and (target.job_field.strip().casefold(), target.region) == (
                spec.field.strip().casefold(),
                spec.region,
            ):
                return placed
        elif TargetSpec.for_target(target) == spec:
            return placed
    return None


def _render_start(request, way: Way, form: SendForm, status: int = 200):
    placed = _own_target_for(request.user, way.spec)
    brief = access.brief_for(request.user, placed.target) if placed else None
    return render(
        request,
        "meetings/start.html",
        {
            "nav": "meetings",
            "way": way.way,
            "token": way.token,
            "placed": placed,
            "brief": brief,
            "readiness": readiness_of(brief) if brief else None,
            "form": form,
        },
        status=status,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def start(request):
    """From a path card: who will be asked, how ready the brief is, a message, and "Send"."""
    token = (request.POST if request.method == "POST" else request.GET).get("way", "")
    if not token or len(token) > 4000:
        raise Http404
    way = _way_from(request, token)
    if request.method != "POST":
        return _render_start(request, way, SendForm())
    form = SendForm(request.POST)
    if not form.is_valid():
        return _render_start(request, way, form)
    draft_only = request.POST.get("draft") == "1"
    try:
        with transaction.atomic():  # a refused send leaves no draft behind: nothing changed
            meeting = actions.start_request(request.user, token)
            if draft_only:
                return redirect("meetings:brief", meeting.brief.target.code)
            if meeting.state != RequestState.DRAFT:  # already asked: the open request is returned, not a second one
                messages.info(request, _("You have already asked for this meeting. Here is where it is now."))
                return redirect("meetings:request", meeting.code)
            actions.send_request(request.user, meeting, form.cleaned_data["message"])
    except actions.Refused as refused:
        _refused_on(form, refused)
        return _render_start(request, way, form)
    messages.success(request, _("Your request is sent."))
    return redirect("meetings:request", meeting.code)


BRIEF_READ_BY = {"connector": AccessKind.CONNECTOR_OPENED_BRIEF, "person": AccessKind.PERSON_OPENED_BRIEF}


def log_brief_read(user, meeting: MeetingRequest) -> None:
    """The seeker's access log notes that the connector or the person to meet opened the request with her brief."""
    kind = BRIEF_READ_BY.get(access.role_in(user, meeting))
    if kind is not None:
        log_read(user, meeting.seeker, kind, meeting.code)


@require_safe
def request_page(request, code):
    """One request, for each of its parties: what their role may see and exactly what they can do now."""
    meeting = access.access_request(request.user, code)
    log_brief_read(request.user, meeting)
    return _render_request(request, meeting)


@require_POST
@rate_limited("meeting_send")
def send(request, code):
    return _act(
        request,
        code,
        "send",
        SendForm(request.POST),
        lambda meeting, form: actions.send_request(request.user, meeting, form.cleaned_data["message"]),
        _("Your request is sent."),
    )


@require_POST
def approve(request, code):
    return _act(
        request,
        code,
        "approve",
        ApproveForm(request.POST),
        lambda meeting, form: actions.approve_introduction(request.user, meeting, form.cleaned_data["note"]),
        _("Thank you. The introduction is on its way."),
    )


@require_POST
def ask_for_changes(request, code):
    return _act(
        request,
        code,
        "changes",
        ChangesForm(request.POST),
        lambda meeting, form: actions.ask_for_changes(request.user, meeting, form.cleaned_data["changes"]),
        _("The request went back to the seeker with your words."),
    )


@require_POST
def decline_introduction(request, code):
    return _act(
        request,
        code,
        "decline_introduction",
        DeclineForm(request.POST),
        lambda meeting, form: actions.decline_introduction(request.user, meeting, form.cleaned_data["reason"]),
        _("You declined the introduction."),
    )


@require_POST
def accept(request, code):
    return _act(
        request,
        code,
        "other",
        forms.Form(request.POST),
        lambda meeting, form: actions.accept(request.user, meeting),
        _("Accepted. Now find a time."),
    )


@require_POST
def decline(request, code):
    return _act(
        request,
        code,
        "decline",
        DeclineForm(request.POST),
        lambda meeting, form: actions.decline(request.user, meeting, form.cleaned_data["reason"]),
        _("The request is declined."),
    )


@require_POST
def propose_times(request, code):
    form = ProposeTimesForm(request.POST)
    return _act(
        request,
        code,
        "propose",
        form,
        lambda meeting, form: actions.propose_times(
            request.user,
            meeting,
            form.times(),
            place=form.cleaned_data["place"],
            video_link=form.cleaned_data["video_link"],
        ),
        _("Your times are proposed."),
    )


@require_POST
def pick_time(request, code):
    meeting = access.access_request(request.user, code)
    form = PickTimeForm(request.POST, choices=ProposedTime.objects.filter(request=meeting))
    return _act(
        request,
        code,
        "pick",
        form,
        lambda meeting, form: actions.pick_time(request.user, meeting, form.cleaned_data["proposed"]),
        _("The time is agreed. Download the invitation for your calendar."),
    )


@require_POST
def reschedule(request, code):
    return _act(
        request,
        code,
        "other",
        forms.Form(request.POST),
        lambda meeting, form: actions.reschedule(request.user, meeting),
        _("The time is open again: propose new times."),
    )


@require_POST
def cancel(request, code):
    return _act(
        request,
        code,
        "other",
        forms.Form(request.POST),
        lambda meeting, form: actions.cancel(request.user, meeting),
        _("The meeting is cancelled."),
    )


@require_POST
def withdraw(request, code):
    return _act(
        request,
        code,
        "other",
        forms.Form(request.POST),
        lambda meeting, form: actions.withdraw(request.user, meeting),
        _("Your request is withdrawn."),
    )


@require_POST
def confirm_held(request, code):
    return _act(
        request,
        code,
        "held",
        HeldForm(request.POST),
        lambda meeting, form: actions.confirm_held(request.user, meeting, form.cleaned_data["happened"]),
        _("Thank you for saying."),
    )


@require_POST
def follow_up(request, code):
    return _act(
        request,
        code,
        "follow_up",
        FollowUpForm(request.POST),
        lambda meeting, form: actions.log_follow_up(
            request.user,
            meeting,
            form.cleaned_data["learned"],
            form.cleaned_data["next_step"],
            form.outcomes(),
        ),
        _("Your follow-up is logged. Remember to say thank you."),
    )


@require_POST
def record_outcome(request, code):
    return _act(
        request,
        code,
        "outcome",
        OutcomeForm(request.POST),
        lambda meeting, form: actions.record_outcome(
            request.user, meeting, form.cleaned_data["kind"], form.cleaned_data["note"]
        ),
        _("The outcome is recorded."),
    )


@require_safe
def invitation(request, code):
    """The meeting's iCalendar invitation, for the two who meet; 404 for anyone else and before a time is agreed."""
    meeting = access.access_request(request.user, code)
    role = access.role_in(request.user, meeting)
    if not access.attends(meeting, role) or meeting.starts is None or meeting.state not in SCHEDULED_STATES:
        raise Http404
    try:
        invitation = calendar.build_invitation(meeting, request.user)
    except (calendar.NotInvited, calendar.NoTimeYet):
        raise Http404 from None
    response = HttpResponse(invitation, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kaffebro-{meeting.code}.ics"'
    return response
