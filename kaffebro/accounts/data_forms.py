"""The form that confirms an account deletion: the member types their address and password again."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kaffebro.accounts.forms import EMAIL_MAX, PASSWORD_MAX
from kaffebro.accounts.models import User


class DeleteAccountForm(forms.Form):
    email = forms.EmailField(
        label=_("Your e-mail address"), max_length=EMAIL_MAX, widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    understood = forms.BooleanField(label=_("I understand that my account and all my data are deleted for good."))

    def __init__(self, member: User, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.member = member

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if email != self.member.email.lower():
            raise ValidationError(_("That is not the e-mail address of your account."), code="wrong_email")
        return email
