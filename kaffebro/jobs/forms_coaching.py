"""The forms of coaching: a seeker names her coach, a coach writes a note. The actions decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from kaffebro.jobs.actions.coaching import MAX_EMAIL_CHARS, MAX_NOTE_CHARS


class GrantForm(forms.Form):
    email = forms.EmailField(
        label=_("Your coach's e-mail address"),
        max_length=MAX_EMAIL_CHARS,
        help_text=_(
            "The address your coach uses on Kaffebro. They will see your targets, ways in, meetings and outcomes."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=_("A note to the seeker"),
        max_length=MAX_NOTE_CHARS,
        help_text=_("The seeker reads every note you write on their pipeline page."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
