"""The forms of candidate suggestions and the digest setting. They check the shape of input; the actions decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kaffebro.accounts.models import User
from kaffebro.jobs.access.suggestions import INBOX_STATES, Choice
from kaffebro.jobs.actions.suggestions import (
    MAX_HOW_KNOWN_CHARS,
    MAX_MESSAGE_CHARS,
    MAX_REASON_CHARS,
    MAX_WHY_FIT_CHARS,
)
from kaffebro.jobs.models import SuggestionState
from kaffebro.network.models import Posting, Unit
from kaffebro.notifications.models import DigestDelivery

# A search for an organisation by name.
MAX_QUERY_CHARS = 100


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_lazy("Organisation"),
        max_length=MAX_QUERY_CHARS,
        required=False,
        help_text=_lazy("Type part of the name, for example “Region”."),
    )


class SuggestForm(forms.Form):
    """Whom to suggest, for which posting or unit of the chosen organisation, and the endorsement."""

    seeker = forms.ChoiceField(label=_lazy("Job seeker"))
    place = forms.ChoiceField(
        label=_lazy("Job posting or unit"),
        help_text=_lazy("A unit with no posting is fine: decision-makers welcome names before a job is advertised."),
    )
    how_known = forms.CharField(
        label=_lazy("How you know the person"),
        max_length=MAX_HOW_KNOWN_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("For example: we worked together for three years, or we met for coffee last month."),
    )
    why_fit = forms.CharField(
        label=_lazy("Why they fit"),
        max_length=MAX_WHY_FIT_CHARS,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_lazy("What they would bring to this place, in your own words."),
    )

    def __init__(self, *args, seekers: list[User], postings: list[Posting], units: list[Unit], **kwargs):
        super().__init__(*args, **kwargs)
        self.seekers = {seeker.code: seeker for seeker in seekers}
        self.postings = {posting.code: posting for posting in postings}
        self.units = {unit.code: unit for unit in units}
        seeker_field: Any = self.fields["seeker"]
        seeker_field.choices = [("", _("Choose a job seeker"))] + [
            (seeker.code, seeker.display_name) for seeker in seekers
        ]
        place_choices: list[tuple[str, object]] = [("", _("Choose a posting or a unit"))]
        if postings:
            place_choices.append(
                (_("Job postings"), [(f"posting:{posting.code}", posting.title) for posting in postings])
            )
        if units:
            place_choices.append((_("Units"), [(f"unit:{unit.code}", unit.name) for unit in units]))
        place_field: Any = self.fields["place"]
        place_field.choices = place_choices

    def chosen(self) -> dict:
        """The action's arguments: the seeker, and the posting or the unit."""
        kind, _sep, code = self.cleaned_data["place"].partition(":")
        return {
            "seeker": self.seekers[self.cleaned_data["seeker"]],
            "posting": self.postings.get(code) if kind == "posting" else None,
            "unit": self.units.get(code) if kind == "unit" else None,
        }


class ConsentForm(forms.Form):
    """The digest of the consent text the page showed, posted back so the record is word for word what she read."""

    shown = forms.CharField(max_length=64, widget=forms.HiddenInput)


class CoffeeForm(forms.Form):
    message = forms.CharField(
        label=_lazy("A short message (optional)"),
        max_length=MAX_MESSAGE_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class NotAFitForm(forms.Form):
    reason = forms.CharField(
        label=_lazy("A kind word back to the colleague who suggested (optional)"),
        max_length=MAX_REASON_CHARS,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy("Only the colleague who suggested reads it, not the job seeker."),
    )


class EmptyForm(forms.Form):
    """An action that asks for nothing but the click."""


def inbox_state_choices() -> list[tuple[str, str]]:
    return [("", _("Still in play")), ("all", _("All"))] + [
        (state, str(SuggestionState(state).label)) for state in INBOX_STATES
    ]


class InboxFilterForm(forms.Form):
    """The inbox filters, read from the query string; the values are checked again by `access.InboxFilter`."""

    posting = forms.ChoiceField(label=_lazy("Job posting"), required=False)
    unit = forms.ChoiceField(label=_lazy("Unit"), required=False)
    state = forms.ChoiceField(label=_lazy("State"), required=False)

    def __init__(self, *args, postings: list[Choice], units: list[Choice], **kwargs):
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = dict(self.fields)
        fields["posting"].choices = [("", _("All postings"))] + [(c.code, c.label) for c in postings]
        fields["unit"].choices = [("", _("All units"))] + [(c.code, c.label) for c in units]
        fields["state"].choices = inbox_state_choices()


class DigestDeliveryForm(forms.Form):
    delivery = forms.ChoiceField(
        label=_lazy("How you get the weekly digest"),
        choices=DigestDelivery.choices,
        widget=forms.RadioSelect,
    )
