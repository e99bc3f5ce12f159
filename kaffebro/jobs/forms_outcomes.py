"""The form to record an outcome from the pipeline. It checks the shape of what was typed; the action decides."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from kaffebro.jobs.actions.outcomes import MAX_NOTE_CHARS
from kaffebro.jobs.models import Credit, OutcomeKind, ShareAnswer
from kaffebro.jobs.pipeline import TargetFacts, person_for_seeker

ADVERTISED = "advertised"


@dataclass(frozen=True)
class CreditChoice:
    """One thing that may have led to the outcome: the credit, and the seeker's own object it names."""

    value: str
    label: str
    credit: str
    objects: dict[str, Any]  # the action's keyword arguments: meeting, share_recipient or suggestion


def credit_choices(facts: TargetFacts) -> list[CreditChoice]:
    """Her meetings, profiles in play and suggestions toward the target, and the advertised channel."""
    choices = []
    for request in facts.sent:
        choices.append(
            CreditChoice(
                f"meeting:{request.code}",
                _("The coffee meeting with %(person)s") % {"person": person_for_seeker(request)}
                if request.state in ("held", "followed_up")
                else _("The request to meet %(person)s") % {"person": person_for_seeker(request)},
                Credit.MEETING,
                {"meeting": request},
            )
        )
    for recipient in facts.shares:
        choices.append(
            CreditChoice(
                f"share:{recipient.code}",
                _("%(helper)s put your profile in play (answer: “%(answer)s”)")
                % {"helper": recipient.share.helper.display_name, "answer": ShareAnswer(recipient.answer).label},
                Credit.SHARE,
                {"share_recipient": recipient},
            )
        )
    for suggestion in facts.suggestions:
        choices.append(
            CreditChoice(
                f"suggestion:{suggestion.code}",
                _("%(helper)s suggested you to the decision-maker") % {"helper": suggestion.suggested_by.display_name},
                Credit.SUGGESTION,
                {"suggestion": suggestion},
            )
        )
    choices.append(CreditChoice(ADVERTISED, str(Credit.ADVERTISED.label), Credit.ADVERTISED, {}))
    return choices


class OutcomeForm(forms.Form):
    kind = forms.ChoiceField(label=_lazy("What happened?"), choices=OutcomeKind.choices)
    date = forms.DateField(
        label=_lazy("When"),
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        error_messages={"invalid": _lazy("Give the date as a day.")},
    )
    credit = forms.ChoiceField(
        label=_lazy("What led here?"),
        widget=forms.RadioSelect,
        help_text=_lazy("Credit what made the difference: it is how Kaffebro learns what works."),
    )
    note = forms.CharField(
        label=_lazy("Note (optional)"),
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, credits: list[CreditChoice], **kwargs):
        kwargs.setdefault("initial", {"date": timezone.localdate()})
        super().__init__(*args, **kwargs)
        self.credits = {choice.value: choice for choice in credits}
        credit = self.fields["credit"]
        assert isinstance(credit, forms.ChoiceField)
        credit.choices = [(choice.value, choice.label) for choice in credits]

    def chosen_credit(self) -> CreditChoice:
        return self.credits[self.cleaned_data["credit"]]
