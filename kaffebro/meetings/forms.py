"""The preparation brief form. It validates input; `actions.save_brief` makes the change."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaffebro.meetings.actions import BriefFields
from kaffebro.meetings.models import MAX_PART_CHARS
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
