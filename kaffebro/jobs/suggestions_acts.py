"""What each row of the suggestions' state table does when a party takes it, for the pages and the API alike.

A row of `suggestions_states.TRANSITIONS` says who may take a step and from where; its act here says
which form cleans what was sent, which action in `actions/suggestions.py` performs it, and what is
said once it is done. The pages and `/api/v1/suggestions/` read the same acts, so a step cannot take
different input or do something else depending on where it was clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext as _

from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.forms_suggestions import CoffeeForm, ConsentForm, EmptyForm, NotAFitForm


@dataclass(frozen=True)
class Act:
    """One step a party may take: the form it posts, the action it performs, and what is said when it is done."""

    form: type[forms.Form]
    perform: Callable
    done: str


def acts() -> dict[str, Act]:
    """The steps by transition name, in the active language; each one's `who` is the table's."""
    return {
        "consent": Act(
            ConsentForm,
            lambda user, s, data: actions.consent(user, s, shown=data["shown"]),
            _("Thank you. The suggestion has gone to the decision-maker."),
        ),
        "decline": Act(EmptyForm, lambda user, s, data: actions.decline(user, s), _("The suggestion is declined.")),
        "withdraw": Act(EmptyForm, lambda user, s, data: actions.withdraw(user, s), _("Your suggestion is withdrawn.")),
        "invite_to_coffee": Act(
            CoffeeForm,
            lambda user, s, data: actions.invite_to_coffee(user, s, data.get("message", "")),
            _("Invited to a coffee meeting. Find a time together on the meeting's page."),
        ),
        "invite_to_apply": Act(
            EmptyForm, lambda user, s, data: actions.invite_to_apply(user, s), _("Invited to apply.")
        ),
        "invite_to_interview": Act(
            EmptyForm, lambda user, s, data: actions.invite_to_interview(user, s), _("Invited to an interview.")
        ),
        "record_hired": Act(EmptyForm, lambda user, s, data: actions.record_hired(user, s), _("Recorded as hired.")),
        "not_a_fit": Act(
            NotAFitForm,
            lambda user, s, data: actions.not_a_fit(user, s, data.get("reason", "")),
            _("Answered: not a fit this time."),
        ),
        "archive": Act(EmptyForm, lambda user, s, data: actions.archive(user, s), _("Archived.")),
    }
