"""The forms of profiles in play. They check only the shape of what was sent (a translated message per
field); the actions in `actions/shares.py` check everything else and may still refuse."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaffebro.core.converters import looks_like_code
from kaffebro.jobs.access.shares import MAX_QUERY_CHARS
from kaffebro.jobs.actions.shares import MAX_MESSAGE_CHARS, MAX_NOTE_CHARS, MAX_RECIPIENTS
from kaffebro.jobs.models import ShareAnswer

DIGEST_CHARS = 64


class CodesField(forms.MultipleChoiceField):
    """Codes of the viewer's own contact cards, ticked on the page; whose they are is the action's to check."""

    def valid_value(self, value: str) -> bool:
        return looks_like_code(str(value))

    def validate(self, value: list[str]) -> None:
        super().validate(value)
        if len(value) > MAX_RECIPIENTS:
            raise forms.ValidationError(
                _("Choose at most %(count)d people for one share.") % {"count": MAX_RECIPIENTS}, code="too_many"
            )


def _note_field() -> forms.CharField:
    return forms.CharField(
        label=_("Your note to them"),
        help_text=_("A few sentences: how you know the person, and why you think they should meet."),
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a short note: it is what makes them read on.")},
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search your contacts"), required=False, max_length=MAX_QUERY_CHARS)

    def query(self) -> str:
        return self.cleaned_data["q"] if self.is_valid() else ""


class ShareForm(forms.Form):
    recipients = CodesField(
        label=_("Who should receive the profile"),
        error_messages={"required": _("Choose at least one person.")},
    )
    note = _note_field()


class ShownForm(forms.Form):
    """A consent: the digest of the text the page showed, so exactly that text is recorded."""

    shown = forms.CharField(max_length=DIGEST_CHARS, widget=forms.HiddenInput)


class GrantForm(ShownForm):
    helper = forms.CharField(max_length=20, widget=forms.HiddenInput)

    def clean_helper(self) -> str:
        helper = self.cleaned_data["helper"]
        if not looks_like_code(helper):
            raise forms.ValidationError(_("Choose one of the people listed."))
        return helper


class CardAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        choices=[(ShareAnswer.COFFEE, ShareAnswer.COFFEE.label), (ShareAnswer.NOT_NOW, ShareAnswer.NOT_NOW.label)]
    )
    message = forms.CharField(
        label=_("A few words with the invitation (optional)"),
        required=False,
        max_length=MAX_MESSAGE_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PassOnForm(forms.Form):
    recipient = forms.CharField(
        label=_("Pass it on to"),
        max_length=20,
        error_messages={"required": _("Choose one of your contacts.")},
    )
    note = _note_field()

    def clean_recipient(self) -> str:
        recipient = self.cleaned_data["recipient"]
        if not looks_like_code(recipient):
            raise forms.ValidationError(_("Choose one of your contacts."))
        return recipient


class RecordAnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Their answer"),
        choices=[(answer, ShareAnswer(answer).label) for answer in ShareAnswer.values if answer != ShareAnswer.PENDING],
        widget=forms.RadioSelect,
    )
