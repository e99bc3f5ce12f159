"""Forms for the account pages. They validate input; the actions in actions.py change state."""

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from kaffebro.accounts import throttle
from kaffebro.accounts.actions import DISPLAY_NAME_MAX
from kaffebro.accounts.clients import UNKNOWN_CLIENT, client_address
from kaffebro.accounts.models import Language, User, time_zone_choices

EMAIL_MAX = 254
PASSWORD_MAX = 128


def limit_password_fields(form: forms.Form) -> None:
    """Refuse absurdly long passwords on Django's own password forms, which set no maximum."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and isinstance(field.widget, forms.PasswordInput):
            field.max_length = PASSWORD_MAX
            field.validators.append(MaxLengthValidator(PASSWORD_MAX))
            field.widget.attrs["maxlength"] = str(PASSWORD_MAX)


class SignUpForm(forms.Form):
    display_name = forms.CharField(
        label=_("Your name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("Shown to the people you connect with on Kaffebro."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"), max_length=EMAIL_MAX, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX,
        help_text=_("At least 10 characters, not a common password and not only digits."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name

    def clean(self):
        cleaned = self.cleaned_data
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", ValidationError(_("The two passwords differ."), code="password_mismatch"))
        elif password1:
            candidate = User(email=cleaned.get("email", ""), display_name=cleaned.get("display_name", ""))
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class LoginForm(AuthenticationForm):
    """E-mail and password; a member who has not confirmed the address yet is told how to."""

    error_messages = {
        "invalid_login": _("The e-mail address or the password is not right. Both are checked as you typed them."),
        "inactive": _("This account is closed."),
        "unverified": _("Confirm your e-mail address before you log in: open the link we mailed you."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"] = forms.EmailField(
            label=_("E-mail address"),
            max_length=EMAIL_MAX,
            widget=forms.EmailInput(attrs={"autocomplete": "email", "autofocus": True}),
        )
        limit_password_fields(self)
        self.needs_verification = False

    def clean(self):
        """Refused without checking the password during a cool-off; a wrong password counts towards one."""
        email, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if email is None or not password:
            return super().clean()
        client = client_address(self.request) if self.request is not None else UNKNOWN_CLIENT
        return throttle.guard(email, client, super().clean)

    def confirm_login_allowed(self, user) -> None:
        super().confirm_login_allowed(user)
        if not user.email_verified:
            self.needs_verification = True
            raise ValidationError(self.error_messages["unverified"], code="unverified")


class SecondStepForm(forms.Form):
    """The log-in's second step: a code from the authenticator app, or one of the recovery codes."""

    code = forms.CharField(
        label=_("Code"),
        max_length=40,
        help_text=_("The six digits your authenticator app shows, or one of your recovery codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}),
    )


class SetUpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        help_text=_("The six digits the app shows for Kaffebro."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class ConfirmPasswordForm(forms.Form):
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        max_length=PASSWORD_MAX,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )


class ChangePasswordForm(PasswordChangeForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_password_fields(self)


class ResetPasswordForm(SetPasswordForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_password_fields(self)


class EmailForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), max_length=EMAIL_MAX, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class EmailChangeForm(forms.Form):
    email = forms.EmailField(
        label=_("New e-mail address"),
        max_length=EMAIL_MAX,
        help_text=_("We mail a link to this address. Your address changes when you open it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class PreferencesForm(forms.Form):
    display_name = forms.CharField(
        label=_("Display name"),
        max_length=DISPLAY_NAME_MAX,
        help_text=_("Shown to the people you connect with on Kaffebro."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=Language.choices,
        help_text=_("Kaffebro and the mail it sends you are in this language, whatever the browser asks for."),
    )
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=time_zone_choices,
        help_text=_("Meeting times are shown in this time zone."),
    )

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise ValidationError(_("Enter your name."), code="required")
        return name


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=Language.choices)
    next = forms.CharField(required=False, max_length=2000)
