"""The token page's form; the action checks the name again and the limit on tokens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kaffebro.api.actions import MAX_NAME_LENGTH


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=MAX_NAME_LENGTH,
        help_text=_("What the token is for, so you recognise it later, e.g. “my spreadsheet”."),
    )
