"""The forms of the brief and of the request flow. They validate input; the actions in `actions.py` make changes."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from kaffebro.meetings.actions import BriefFields
from kaffebro.meetings.models import MAX_PART_CHARS, DeclineReason, OutcomeKind, ProposedTime
from kaffebro.meetings.readiness import MAX_WORDS


def _part(label, help_text, part: str, *, rows: int = 5) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=MAX_PART_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows, "data-max-words": MAX_WORDS[part]}),
    )


class PrepBriefForm(forms.Form):
    knowledge = _part(
        _("What I know about the organisation and the unit"),
        _("What they do, what they are working on now, and what you learnt from their website, strategy and news."),
        "knowledge",
    )
    offer = _part(
        _("What I offer"),
        _("Your experience and skills that matter to them, in a few sentences."),
        "offer",
    )
    difference = _part(
        _("How I could make a difference for them"),
        _("Connect what you offer with what they are working on or struggling with."),
        "difference",
    )
    ask = _part(
        _("Exactly what help I ask for"),
        _("A question or a specific request they can say yes to over a coffee, not “a job”."),
        "ask",
        rows=3,
    )
    their_gain = _part(
        _("What they might get out of meeting me (optional)"),
        _("For example a fresh view on a problem, or knowledge from your field."),
        "their_gain",
        rows=3,
    )
    read_website = forms.BooleanField(label=_("I have read their website and strategy"), required=False)
    knows_unit = forms.BooleanField(label=_("I know what the unit does"), required=False)
    read_news = forms.BooleanField(label=_("I have looked for recent news about them"), required=False)
    version = forms.IntegerField(min_value=0, initial=0, required=False, widget=forms.HiddenInput)

    def clean_version(self) -> int:
        """The version the page showed; a page without one was opened before any brief existed."""
        return self.cleaned_data["version"] or 0

    def brief_fields(self) -> BriefFields:
        data = self.cleaned_data
        return BriefFields(
            knowledge=data["knowledge"],
            offer=data["offer"],
            difference=data["difference"],
            ask=data["ask"],
            their_gain=data["their_gain"],
            read_website=data["read_website"],
            knows_unit=data["knows_unit"],
            read_news=data["read_news"],
        )


# The request flow. Each form checks only the shape of what was typed (a translated message per field);
# the matching action in `actions.py` checks everything else and may still refuse.

MAX_TIMES = 3
DURATIONS = (30, 45, 60, 90, 120)
LOCAL_INPUT_FORMAT = "%Y-%m-%dT%H:%M"  # what an <input type="datetime-local"> posts


class TextField(forms.CharField):
    """Text that every database can store: a NUL character gets a message instead of a crash."""

    def clean(self, value):
        value = super().clean(value)
        if value and "\x00" in value:
            raise forms.ValidationError(_("This text contains a character that cannot be saved."))
        return value


def _text(label, *, max_length: int, required: bool = False, rows: int | None = 4, help_text="") -> TextField:
    """A trimmed text field: a text area of `rows` rows, or a one-line input when `rows` is None."""
    return TextField(
        label=label,
        help_text=help_text,
        required=required,
        max_length=max_length,
        strip=True,
        widget=forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput,
    )


class SendForm(forms.Form):
    """The seeker's short personal message that goes with the brief."""

    message = _text(
        _("A short message (optional)"),
        max_length=2000,
        help_text=_("A line or two in your own words; your brief goes with it."),
    )


class ApproveForm(forms.Form):
    note = _text(
        _("Your introduction"),
        max_length=3000,
        required=True,
        rows=8,
        help_text=_("This is what the person to meet reads from you. Edit it freely."),
    )


class ChangesForm(forms.Form):
    changes = _text(
        _("What should the seeker change?"),
        max_length=2000,
        required=True,
        help_text=_("The request goes back to the seeker as a draft, with your words."),
    )


class DeclineForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Why?"),
        choices=DeclineReason.choices,
        widget=forms.RadioSelect,
        help_text=_("“Not now” does not count against anyone: it only says that the timing is wrong."),
    )


def _durations() -> list[tuple[int, str]]:
    """The lengths to choose from, in the viewer's language (a callable, so it is read per form)."""
    return [(minutes, _("%(minutes)d minutes") % {"minutes": minutes}) for minutes in DURATIONS]


class ProposeTimesForm(forms.Form):
    """Up to three start times (datetime-local, in the viewer's time zone), one length, and a place or a link.

    The three inputs share the name `starts`, so the form reads them as a list and refuses a fourth.
    """

    duration = forms.TypedChoiceField(label=_("Length"), coerce=int, initial=45, choices=_durations)
    place = _text(_("Place"), max_length=300, rows=None, help_text=_("A café and its address, or a meeting room."))
    video_link = forms.URLField(
        label=_("Or a video link"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_("For a video call instead of meeting in person."),
    )

    def __init__(self, data=None, *args, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.typed_starts: list[str] = [str(value) for value in data.getlist("starts")] if data is not None else []

    def clean(self):
        cleaned = super().clean() or {}
        cleaned["starts"] = self._clean_starts()
        if not cleaned.get("place") and not cleaned.get("video_link") and "video_link" not in self.errors:
            self.add_error("place", _("Give a place to meet or a video link."))
        return cleaned

    def _clean_starts(self) -> list[datetime.datetime]:
        typed = [value.strip() for value in self.typed_starts if value.strip()]
        if not typed:
            self.add_error(None, _("Propose at least one time."))
            return []
        if len(typed) > MAX_TIMES:
            self.add_error(None, _("Propose at most %(count)d times.") % {"count": MAX_TIMES})
            return []
        zone = timezone.get_current_timezone()
        now = timezone.now()
        starts = []
        for value in typed:
            try:
                local = datetime.datetime.strptime(value[:16], LOCAL_INPUT_FORMAT)
            except ValueError:
                self.add_error(None, _("“%(value)s” is not a date and time.") % {"value": value[:40]})
                return []
            moment = timezone.make_aware(local, zone)
            if moment <= now:
                shown = formats.date_format(timezone.localtime(moment, zone), "DATETIME_FORMAT")
                self.add_error(None, _("%(time)s has already passed: propose a time to come.") % {"time": shown})
                return []
            starts.append(moment)
        if len(set(starts)) != len(starts):
            self.add_error(None, _("Propose different times."))
            return []
        return sorted(starts)

    def times(self) -> list[tuple[datetime.datetime, datetime.datetime]]:
        length = datetime.timedelta(minutes=self.cleaned_data["duration"])
        return [(start, start + length) for start in self.cleaned_data["starts"]]


def time_label(proposed) -> str:
    """A proposed time as the viewer reads it: "14 March 2026 10:00 to 10:45", in their time zone."""
    starts = timezone.localtime(proposed.starts)
    ends = timezone.localtime(proposed.ends)
    return _("%(starts)s to %(ends)s") % {
        "starts": formats.date_format(starts, "DATETIME_FORMAT"),
        "ends": formats.time_format(ends, "TIME_FORMAT"),
    }


class TimeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return time_label(obj)


class PickTimeForm(forms.Form):
    proposed = TimeChoiceField(
        label=_("Choose a time"), queryset=ProposedTime.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposed"].queryset = choices  # type: ignore[attr-defined]


class HeldForm(forms.Form):
    happened = forms.TypedChoiceField(
        label=_("Did the meeting happen?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
    )


class FollowUpForm(forms.Form):
    learned = _text(_("What I learned"), max_length=4000, required=True, rows=5)
    next_step = _text(_("My next step"), max_length=2000, required=True, rows=3)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in OutcomeKind.choices:
            self.fields[f"outcome_{kind}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"note_{kind}"] = _text(
                _("Note on “%(outcome)s” (optional)") % {"outcome": label}, max_length=500, rows=None
            )

    def outcome_rows(self) -> list[tuple]:
        """(checkbox, note) bound fields, one row per kind of outcome, for the template."""
        return [(self[f"outcome_{kind}"], self[f"note_{kind}"]) for kind in OutcomeKind.values]

    def outcomes(self) -> list[tuple[str, str]]:
        data = self.cleaned_data
        return [(kind, data[f"note_{kind}"]) for kind in OutcomeKind.values if data[f"outcome_{kind}"]]


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_("What came of it?"), choices=OutcomeKind.choices)
    note = _text(_("Note (optional)"), max_length=500, rows=None)
