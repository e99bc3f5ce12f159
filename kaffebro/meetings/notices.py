"""What the parties to a coffee meeting request are told, for every event the request actions write.

`register_notices()` (called from `MeetingsConfig.ready()`) registers one notice per event kind with
`kaffebro.notifications`. For each event, `recipients` names the members who should hear of it: only
the seeker, the connector and the person to meet when they are a member — never a person who is not
a member, who has no account to be notified on — and, as a rule, not the member who acted. The two who
meet also hear of their own calendar changes (a time agreed, moved or called off), since the invitation
in their calendar must follow.

`render` runs in the recipient's language and time zone (the registry activates them) whenever the
inbox shows the notice or it is mailed, so each text is written afresh from the event's ids and the
request as it is now, with names only as the recipient may see them (`texts`). For a time agreed, a
reminder, a new time being sought and a meeting called off, the mail carries the iCalendar invitation
(`calendar.build_invitation`), but only while the event is still the latest change to the calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import overload

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.html import escape, linebreaks
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kaffebro.accounts.models import User
from kaffebro.core.models import Event
from kaffebro.meetings import calendar, texts
from kaffebro.meetings.models import DeclineReason, MeetingRequest, ProposedTime, RequestKind, RequestState
from kaffebro.notifications.registry import Gone, Rendered, register

PREFIX = "meeting."
ATTACHMENT_NAME = "invitation.ics"
AFTER_THE_MEETING = (RequestState.HELD, RequestState.FOLLOWED_UP)


# Who hears of what


def _attendees(request: MeetingRequest) -> list[int]:
    """The two who meet, when they have an account: the seeker, and a member person to meet."""
    return [request.seeker_id] + ([request.person_member_id] if request.person_member_id else [])


def _send(request: MeetingRequest, event: Event) -> list[int]:
    state = event.data.get("state")
    to_connector = state == RequestState.WITH_CONNECTOR if state else request.kind == RequestKind.INTRODUCTION
    if to_connector:
        return [request.connector_id] if request.connector_id else []
    return [request.person_member_id] if request.person_member_id else []


def _to_connector(request: MeetingRequest, event: Event) -> list[int]:
    return [request.connector_id] if request.connector_id else []


def _to_person(request: MeetingRequest, event: Event) -> list[int]:
    return [request.person_member_id] if request.person_member_id else []


def _to_seeker(request: MeetingRequest, event: Event) -> list[int]:
    return [request.seeker_id]


def _approved(request: MeetingRequest, event: Event) -> list[int]:
    return [request.seeker_id, *_to_person(request, event)]


def _answered(request: MeetingRequest, event: Event) -> list[int]:
    """The person to meet (or the connector for a non-member) answered: the seeker, and the connector if not them."""
    return [request.seeker_id, *_to_connector(request, event)]


def _the_other_attendee(request: MeetingRequest, event: Event) -> list[int]:
    return [member for member in _attendees(request) if member != event.actor_id]


def _calendar(request: MeetingRequest, event: Event) -> list[int]:
    """Both who meet, the one who acted too: their calendar must follow the change."""
    return _attendees(request)


def _withdrawn(request: MeetingRequest, event: Event) -> list[int]:
    """Whoever has seen the request; the seeker too when an invitation is in their calendar."""
    members = []
    if request.connector_id and request.first_sent is not None:
        members.append(request.connector_id)
    if request.person_member_id and request.reached_person is not None:
        members.append(request.person_member_id)
    if request.starts is not None:
        members.append(request.seeker_id)
    return members


def _held(request: MeetingRequest, event: Event) -> list[int]:
    """The other one who met, asked to say too; when it did happen, only while they have not said yet."""
    others = _the_other_attendee(request, event)
    if _happened(event):
        others = [
            member
            for member in others
            if (request.seeker_says_held if member == request.seeker_id else request.other_says_held) is None
        ]
    return others


def _expired(request: MeetingRequest, event: Event) -> list[int]:
    """The seeker, and whoever the request waited for (the connector, or the person to meet once it reached them)."""
    if request.reached_person is None:
        return [request.seeker_id, *_to_connector(request, event)]
    return [request.seeker_id, *_to_person(request, event)]


def _follow_up_logged(request: MeetingRequest, event: Event) -> list[int]:
    """The connector who made the meeting possible hears that it happened and was followed up."""
    return _to_connector(request, event) if request.kind == RequestKind.INTRODUCTION else []


def _nobody(request: MeetingRequest, event: Event) -> list[int]:
    return []


Rule = Callable[[MeetingRequest, Event], list[int]]

# The event kinds the request actions write (without the "meeting." prefix) and who hears of each.
# `CALENDAR_KINDS` are the ones whose actor hears of them too.
RECIPIENTS: dict[str, Rule] = {
    "start_request": _nobody,
    "send_request": _send,
    "send_to_connector": _to_connector,
    "send_direct": _to_person,
    "approve_introduction": _approved,
    "ask_for_changes": _to_seeker,
    "decline_introduction": _to_seeker,
    "accept": _answered,
    "decline": _answered,
    "times_proposed": _the_other_attendee,
    "pick_time": _calendar,
    "reschedule": _calendar,
    "cancel": _calendar,
    "withdraw": _withdrawn,
    "confirm_held": _held,
    "not_held": _held,
    "log_follow_up": _follow_up_logged,
    "record_outcome": _nobody,
    "expire": _expired,
    "reminder": _calendar,
    "follow_up_reminder": _to_seeker,
    "invited": _to_seeker,
}
CALENDAR_KINDS = {"pick_time", "reschedule", "cancel", "withdraw", "reminder"}
# Kinds nobody is told about: registered (so the task does not warn) but kept out of mail.
SILENT_KINDS = {"start_request", "record_outcome"}


def _name(event: Event) -> str:
    return event.kind.removeprefix(PREFIX)


def _happened(event: Event) -> bool:
    return _name(event) != "not_held" and bool(event.data.get("happened", True))


def _request_of(event: Event) -> MeetingRequest | None:
    found = MeetingRequest.objects.select_related("seeker", "connector", "person", "person_member", "brief")
    request_id = event.data.get("request")
    if isinstance(request_id, int):
        return found.filter(pk=request_id, code=event.subject).first()
    return found.filter(code=event.subject).first()


def recipients(event: Event) -> list[int]:
    """The members to notify about a request event: parties to the request, and only members."""
    request = _request_of(event)
    rule = RECIPIENTS.get(_name(event))
    if request is None or rule is None:
        return []
    parties = {request.seeker_id, request.connector_id, request.person_member_id} - {None}
    wanted = rule(request, event)
    if _name(event) not in CALENDAR_KINDS:
        wanted = [member for member in wanted if member != event.actor_id]
    return sorted({member for member in wanted if member in parties})


# What they read


@dataclass
class Reading:
    """One event as one recipient reads it, with names as that recipient may see them."""

    event: Event
    request: MeetingRequest
    recipient: User
    role: str  # "seeker", "connector" or "person"

    @property
    def name(self) -> str:
        return _name(self.event)

    @property
    def is_actor(self) -> bool:
        return self.event.actor_id is not None and self.event.actor_id == self.recipient.pk

    def values(self) -> dict[str, object]:
        request, recipient = self.request, self.recipient
        values: dict[str, object] = {
            "seeker": texts.seeker_name(request),
            "person": texts.person_shown_to(recipient, request),
            "connector": texts.connector_name_for(recipient, request),
            "other": texts.other_side_for(recipient, request),
            "actor": self.actor_name(),
            "days": settings.MEETING_ANSWER_DAYS,
            "follow_up_days": settings.MEETING_FOLLOW_UP_DAYS,
            "place": request.place,
            "video": request.video_link,
        }
        if request.starts is not None:
            values["when"] = date_format(timezone.localtime(request.starts), "DATETIME_FORMAT")
        return values

    def actor_name(self) -> str:
        request, actor_id = self.request, self.event.actor_id
        if actor_id is None:
            return ""
        if actor_id == request.seeker_id:
            return texts.seeker_name(request)
        if actor_id == request.connector_id:
            return texts.connector_name_for(self.recipient, request)
        if actor_id == request.person_member_id:
            return texts.person_shown_to(self.recipient, request)
        return ""


def _role(request: MeetingRequest, recipient: User) -> str | None:
    if recipient.pk == request.seeker_id:
        return "seeker"
    if request.connector_id is not None and recipient.pk == request.connector_id:
        return "connector"
    if request.person_member_id is not None and recipient.pk == request.person_member_id:
        # The person to meet sees an introduction only once the connector approved it.
        return "person" if request.reached_person is not None else None
    return None


def _where(values: dict[str, object]) -> list[str]:
    lines = []
    if values.get("when"):
        lines.append(_("When: %(when)s") % values)
    if values.get("place"):
        lines.append(_("Where: %(place)s") % values)
    if values.get("video"):
        lines.append(_("Video: %(video)s") % values)
    return ["\n".join(lines)] if lines else []


def _kind_decline(reason: str, values: dict[str, object], *, by_connector: bool) -> tuple[str, list[str]]:
    """A decline told kindly to the seeker; "not now" says plainly that it counts against nobody."""
    who = "connector" if by_connector else "person"
    values = {**values, "who": capfirst(str(values[who]))}
    if reason == DeclineReason.NOT_NOW:
        subject = (
            _("%(who)s cannot make an introduction right now") if by_connector else _("%(who)s cannot meet right now")
        ) % values
        body = [
            _(
                "%(who)s has answered “not now”. That is about their time, not about you, and it counts "
                "against nobody: not against you, and not against them."
            )
            % values,
            _("You are welcome to ask again later, or to try another way in from your paths."),
        ]
    elif reason == DeclineReason.NOT_A_FIT:
        subject = _("%(who)s does not think they are the right person") % values
        body = [
            _(
                "%(who)s thanks you for asking, but does not think they are the right person to help with this. "
                "A clear answer saves you time."
            )
            % values,
            _("Your paths may show another way in that fits better."),
        ]
    else:
        subject = _("%(who)s has said no, thank you") % values
        body = [
            _("%(who)s has thanked you and said no this time. It happens, and it says nothing about you.") % values,
            _("Your paths may show another way in."),
        ]
    return subject, body


Text = tuple[str, list[str]]


def _sent(r: Reading, v: dict[str, object]) -> Text:
    if r.role == "connector":
        return (
            _("%(seeker)s asks you for an introduction") % v,
            [
                _(
                    "%(seeker)s would like you to introduce them to %(person)s for a short coffee meeting. Read "
                    "their brief, then introduce them with a note of your own, ask for changes, or say not now."
                )
                % v,
                _(
                    "A “not now” counts against nobody. After %(days)d days without an answer, the "
                    "request closes by itself."
                )
                % v,
            ],
        )
    return (
        _("%(seeker)s asks you for a coffee meeting") % v,
        [
            _(
                "%(seeker)s would like to meet you for a short coffee meeting, and has prepared a brief saying "
                "why and what they would like to ask you."
            )
            % v,
            _("Say yes, or say not now: a no is fine and counts against nobody."),
        ],
    )


def _approve(r: Reading, v: dict[str, object]) -> Text:
    if r.role == "person":
        return (
            _("%(connector)s introduces you to %(seeker)s") % v,
            [
                _(
                    "%(connector)s would like you to meet %(seeker)s for a short coffee meeting. Read the "
                    "introduction and the brief, then say yes or not now: a no counts against nobody."
                )
                % v
            ],
        )
    if r.request.person_member_id is None:
        body = _(
            "%(connector)s has agreed to introduce you. %(person)s is not on Kaffebro, so %(connector)s "
            "introduces you by hand and will record the answer here."
        )
    else:
        body = _("%(connector)s has introduced you to %(person)s. Now it is their turn to answer.")
    return _("%(connector)s has introduced you") % v, [body % v]


def _changes(r: Reading, v: dict[str, object]) -> Text:
    body = [
        _(
            "%(connector)s has read your request and suggests a few changes before introducing you. Adjust your "
            "brief or your message, and send it again."
        )
        % v
    ]
    if r.request.state == RequestState.DRAFT and r.request.changes_asked:
        body.append(_("What %(connector)s wrote:") % v + "\n" + r.request.changes_asked)
    return _("%(connector)s suggests changes to your request") % v, body


def _decline_introduction(r: Reading, v: dict[str, object]) -> Text:
    return _kind_decline(str(r.event.data.get("reason", "")), v, by_connector=True)


def _accept(r: Reading, v: dict[str, object]) -> Text:
    if r.role == "connector":
        return (
            _("%(person)s said yes to meeting %(seeker)s") % {**v, "person": capfirst(str(v["person"]))},
            [_("Thank you for the introduction: %(seeker)s and %(person)s will now find a time.") % v],
        )
    return (
        _("%(person)s said yes to a coffee meeting") % {**v, "person": capfirst(str(v["person"]))},
        [
            _(
                "Propose up to three times and a place (a café or a video link), or pick one of the times "
                "proposed to you."
            )
        ],
    )


def _decline(r: Reading, v: dict[str, object]) -> Text:
    if r.role == "connector":
        return (
            _("%(person)s will not meet %(seeker)s this time") % {**v, "person": capfirst(str(v["person"]))},
            [_("Thank you for making the introduction all the same. There is nothing more for you to do.")],
        )
    return _kind_decline(str(r.event.data.get("reason", "")), v, by_connector=False)


def _times(r: Reading, v: dict[str, object]) -> Text:
    ids = [time_id for time_id in r.event.data.get("times", []) if isinstance(time_id, int)]
    times = ProposedTime.objects.filter(request=r.request, pk__in=ids).order_by("starts")
    listed = ["\u2022 " + date_format(timezone.localtime(time.starts), "DATETIME_FORMAT") for time in times]
    body = [
        _(
            "%(actor)s has proposed times for your coffee meeting with them. Pick the one that suits you, or "
            "propose others."
        )
        % v
    ]
    if listed:
        body.append("\n".join(listed))
    else:
        body.append(_("These times have since changed: see the request for the times proposed now."))
    body += _where({**v, "when": ""})
    return _("%(actor)s proposed times for your coffee meeting") % {**v, "actor": capfirst(str(v["actor"]))}, body


def _pick(r: Reading, v: dict[str, object]) -> Text:
    body = [_("The time for your coffee meeting with %(other)s is agreed.") % v, *_where(v)]
    body.append(_("The invitation for your calendar is attached, and you can download it from the request."))
    return _("Coffee meeting with %(other)s: %(when)s") % v, body


def _reschedule(r: Reading, v: dict[str, object]) -> Text:
    if r.is_actor:
        first = _("You asked to find a new time for your coffee meeting with %(other)s.") % v
    else:
        first = _("%(actor)s asked to find a new time for your coffee meeting.") % {
            **v,
            "actor": capfirst(str(v["actor"])),
        }
    body = [
        first,
        _(
            "The old time (%(when)s) is taken out of your calendar. Propose new times or pick one of theirs; a "
            "new invitation follows when you agree."
        )
        % v,
    ]
    return _("A new time is needed for your coffee meeting with %(other)s") % v, body


def _cancel(r: Reading, v: dict[str, object]) -> Text:
    if r.is_actor:
        body = [_("You called off your coffee meeting with %(other)s.") % v]
    else:
        body = [_("%(actor)s has called off your coffee meeting.") % {**v, "actor": capfirst(str(v["actor"]))}]
    if r.request.starts is not None:
        body.append(_("It is taken out of your calendar."))
    return _("Your coffee meeting with %(other)s is off") % v, body


def _withdraw(r: Reading, v: dict[str, object]) -> Text:
    if r.role == "seeker":
        named = texts.person_name_for(r.recipient, r.request) is not None
        return (
            _("You withdrew your request to meet %(person)s") % v
            if named
            else _("You withdrew your request for a coffee meeting"),
            [_("The meeting is taken out of your calendar.")],
        )
    body = [
        _("%(seeker)s has withdrawn the request for a coffee meeting. There is nothing more for you to do.") % v,
        _("Thank you for your time."),
    ]
    if r.role == "person" and r.request.starts is not None:
        body.insert(1, _("The meeting is taken out of your calendar."))
    return _("%(seeker)s withdrew the request") % v, body


def _held_text(r: Reading, v: dict[str, object]) -> Text:
    actor = capfirst(str(v["actor"]))
    if _happened(r.event):
        return (
            _("Did your coffee meeting with %(other)s take place?") % v,
            [
                _("%(actor)s says the meeting took place. Say so on the request too: it takes one click.")
                % {**v, "actor": actor}
            ],
        )
    return (
        _("Your coffee meeting with %(other)s did not take place") % v,
        [_("%(actor)s says the meeting did not take place. Find a new time, or call it off.") % {**v, "actor": actor}],
    )


def _follow_up(r: Reading, v: dict[str, object]) -> Text:
    return (
        _("%(seeker)s has had the coffee meeting you made possible") % v,
        [
            _(
                "%(seeker)s met %(person)s and has written down what they learned and their next step. Thank you "
                "for the introduction: this is how people find their way in."
            )
            % v
        ],
    )


def _expire(r: Reading, v: dict[str, object]) -> Text:
    if r.role == "seeker":
        named = texts.person_name_for(r.recipient, r.request) is not None
        return (
            _("Your request to meet %(person)s has closed") % v
            if named
            else _("Your request for a coffee meeting has closed"),
            [
                _(
                    "Your request got no answer within %(days)d days, so it has been closed, politely and without "
                    "a reminder to anyone. That happens: people are busy, and it says nothing about you."
                )
                % v,
                _("You can try another way in from your paths."),
            ],
        )
    return (
        _("The request from %(seeker)s has closed") % v,
        [
            _(
                "The request from %(seeker)s waited %(days)d days without an answer, so it has been closed. "
                "There is nothing more for you to do."
            )
            % v
        ],
    )


def _reminder(r: Reading, v: dict[str, object]) -> Text:
    body = [_("A reminder: you meet %(other)s for a coffee soon.") % v, *_where(v)]
    if r.role == "seeker":
        body.append(_("Read your brief once more, and bring your question."))
    return _("Reminder: coffee meeting with %(other)s, %(when)s") % v, body


def _follow_up_reminder(r: Reading, v: dict[str, object]) -> Text:
    if r.request.state == RequestState.FOLLOWED_UP:
        return (
            _("Has anything come of your meeting with %(person)s?") % v,
            [
                _(
                    "It is %(follow_up_days)d days since your coffee meeting. If a name was passed on or you were "
                    "invited to apply or to an interview, record it on the request."
                )
                % v
            ],
        )
    return (
        _("How did your coffee meeting with %(person)s go?") % v,
        [
            _(
                "It is %(follow_up_days)d days since your coffee meeting. Write down what you learned and your next "
                "step, and remember to say thank you: the request has a thank-you you can adapt."
            )
            % v
        ],
    )


def _invited(r: Reading, v: dict[str, object]) -> Text:
    actor = capfirst(str(v["actor"]))
    body = [
        _(
            "%(actor)s would like to meet you for a short coffee meeting. They asked themselves, so no "
            "introduction is needed."
        )
        % {**v, "actor": actor},
        _(
            "Propose up to three times and a place (a café or a video link), or pick one of the times "
            "proposed to you. Before you meet, write a few lines in your brief: what you offer and what you "
            "would like to ask."
        ),
    ]
    if r.request.message:
        body.append(_("What %(actor)s wrote:") % {**v, "actor": actor} + "\n" + r.request.message)
    return _("%(actor)s invites you to a coffee meeting") % {**v, "actor": actor}, body


def _silent(r: Reading, v: dict[str, object]) -> Text:
    raise Gone


WRITERS: dict[str, Callable[[Reading, dict[str, object]], Text]] = {
    "start_request": _silent,
    "send_request": _sent,
    "send_to_connector": _sent,
    "send_direct": _sent,
    "approve_introduction": _approve,
    "ask_for_changes": _changes,
    "decline_introduction": _decline_introduction,
    "accept": _accept,
    "decline": _decline,
    "times_proposed": _times,
    "pick_time": _pick,
    "reschedule": _reschedule,
    "cancel": _cancel,
    "withdraw": _withdraw,
    "confirm_held": _held_text,
    "not_held": _held_text,
    "log_follow_up": _follow_up,
    "record_outcome": _silent,
    "expire": _expire,
    "reminder": _reminder,
    "follow_up_reminder": _follow_up_reminder,
    "invited": _invited,
}


# The invitation that goes with a calendar change


def _calendar_method(r: Reading) -> str | None:
    """REQUEST or CANCEL when this event's invitation is still the calendar's latest word; None otherwise."""
    request = r.request
    if r.role == "connector" or request.starts is None or request.ends is None:
        return None
    sequence = r.event.data.get("sequence")
    if sequence is not None and sequence != request.calendar_sequence:
        return None  # a later change carries a newer invitation
    name = r.name
    if name in ("pick_time", "reminder"):
        return calendar.REQUEST if request.state == RequestState.SCHEDULED else None
    if name == "reschedule":
        return calendar.CANCEL if request.state == RequestState.SCHEDULING else None
    if name in ("cancel", "withdraw"):
        return calendar.CANCEL
    return None


class Invitation(Sequence[tuple[str, bytes, str]]):
    """The attachment, built only when the mail is built (the inbox never reads it), in the reader's language."""

    def __init__(self, request: MeetingRequest, recipient: User, method: str):
        self.request, self.recipient, self.method = request, recipient, method
        self.language = translation.get_language()
        self._built: list[tuple[str, bytes, str]] | None = None

    def _items(self) -> list[tuple[str, bytes, str]]:
        if self._built is None:
            with translation.override(self.language):
                content = calendar.build_invitation(self.request, self.recipient, self.method)
            self._built = [(ATTACHMENT_NAME, content, f"text/calendar; method={self.method}")]
        return self._built

    @overload
    def __getitem__(self, index: int) -> tuple[str, bytes, str]: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[str, bytes, str]]: ...

    def __getitem__(self, index):
        return self._items()[index]

    def __len__(self) -> int:
        return len(self._items())

    def __iter__(self) -> Iterator[tuple[str, bytes, str]]:
        return iter(self._items())


def render(event: Event, recipient: User) -> Rendered:
    """The notice for one recipient, in their language (active); Gone when it is no longer theirs to see."""
    writer = WRITERS.get(_name(event))
    request = _request_of(event)
    if writer is None or request is None:
        raise Gone
    role = _role(request, recipient)
    if role is None:
        raise Gone
    reading = Reading(event=event, request=request, recipient=recipient, role=role)
    values = reading.values()
    if "when" not in values and _name(event) in ("pick_time", "reschedule", "reminder"):
        values["when"] = pgettext("meeting time", "no time agreed")
    subject, paragraphs = writer(reading, values)
    method = _calendar_method(reading)
    attachments: Sequence[tuple[str, bytes, str]] = Invitation(request, recipient, method) if method is not None else ()
    text = "\n\n".join(paragraphs)
    return Rendered(
        subject=subject,
        text=text,
        html="".join(linebreaks(escape(paragraph)) for paragraph in paragraphs),
        link=reverse("meetings:request", args=[request.code]),
        attachments=attachments,
    )


def register_notices() -> None:
    """One notice per event kind the request actions write; called from `MeetingsConfig.ready()`."""
    for name in RECIPIENTS:
        register(PREFIX + name, render=render, recipients=recipients, email=name not in SILENT_KINDS)
