"""Account pages: sign-up, e-mail confirmation, log-in, passwords, settings and language.

The views stay thin: forms validate, actions in actions.py change state.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlsafe_base64_decode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaffebro.accounts import actions
from kaffebro.accounts.forms import (
    ChangePasswordForm,
    EmailForm,
    LanguageForm,
    LoginForm,
    PreferencesForm,
    ResetPasswordForm,
    SignUpForm,
)
from kaffebro.accounts.models import Language, User
from kaffebro.accounts.tokens import InvalidToken, member_for_token
from kaffebro.core.converters import looks_like_code

MEMBER_BACKEND = "kaffebro.accounts.backends.EmailBackend"
LANGUAGE_COOKIE_FALLBACK_AGE = 60 * 60 * 24 * 365


def _current_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in Language.values else settings.LANGUAGE_CODE


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    form = SignUpForm(request.POST or None, initial={"language": _current_language()})
    if request.method == "POST" and form.is_valid():
        actions.sign_up(
            display_name=form.cleaned_data["display_name"],
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password1"],
            language=form.cleaned_data["language"],
        )
        return redirect("accounts:signup_done")
    return render(request, "accounts/signup.html", {"form": form})


@login_not_required
@require_http_methods(["GET", "HEAD"])
def signup_done(request):
    return render(request, "accounts/signup_done.html")


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request, token: str):
    """GET only shows a button, because mail scanners open links; the address is confirmed on POST."""
    if request.method != "POST":
        try:
            member_for_token(token)
        except InvalidToken:
            return _invalid_verification_link(request)
        return render(request, "accounts/verify.html", {"token": token})
    try:
        verification = actions.verify_email(token)
    except InvalidToken:
        return _invalid_verification_link(request)
    if not verification.newly_verified:
        messages.info(request, _("Your e-mail address was already confirmed. Log in with your password."))
        return redirect("accounts:login")
    login(request, verification.member, backend=MEMBER_BACKEND)
    translation.activate(verification.member.language)
    messages.success(request, _("Thank you: your e-mail address is confirmed and you are logged in."))
    return redirect(settings.LOGIN_REDIRECT_URL)


def _invalid_verification_link(request):
    return render(request, "accounts/verify_invalid.html", {"form": EmailForm()}, status=400)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def resend_verification(request):
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    if request.method == "POST" and form.is_valid():
        actions.resend_verification(form.cleaned_data["email"])
        return redirect("accounts:signup_done")
    return render(request, "accounts/resend_verification.html", {"form": form})


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@method_decorator(login_not_required, name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    """Mails the reset link through the member's own-language task, never revealing whether the address exists."""

    form_class = PasswordResetForm
    template_name = "accounts/password_reset_form.html"
    success_url = reverse_lazy("accounts:password_reset_done")

    def form_valid(self, form):
        actions.request_password_reset(form.cleaned_data["email"])
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = ResetPasswordForm
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def get_user(self, uidb64):
        """The link names the member by their opaque code, never by the integer id."""
        try:
            code = urlsafe_base64_decode(uidb64).decode()
        except (ValueError, UnicodeDecodeError):
            return None
        if not looks_like_code(code):
            return None
        return User.objects.filter(code=code, is_active=True).first()

    def form_valid(self, form):
        actions.reset_password(form.user, form.cleaned_data["new_password1"])
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@require_http_methods(["GET", "HEAD", "POST"])
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form, "nav": "settings"})


@require_http_methods(["GET", "HEAD", "POST"])
def account_settings(request):
    user = request.user
    initial = {"display_name": user.display_name, "language": user.language, "time_zone": user.time_zone}
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.update_preferences(user, **form.cleaned_data)
        translation.activate(user.language)
        messages.success(request, _("Your settings are saved."))
        return redirect("accounts:settings")
    return render(request, "accounts/settings.html", {"form": form, "nav": "settings"})


@login_not_required
@require_POST
def set_language(request):
    """The language switch in the header: a cookie for everyone, and the member's saved choice."""
    form = LanguageForm(request.POST)
    if not form.is_valid():
        return render(request, "accounts/language_invalid.html", status=400)
    language = form.cleaned_data["language"]
    if request.user.is_authenticated:
        actions.set_language(request.user, language)
    response = redirect(_safe_next(request, form.cleaned_data["next"]))
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE or LANGUAGE_COOKIE_FALLBACK_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )
    return response


def _safe_next(request, target: str) -> str:
    """The page to return to, if it is on this site; otherwise the start page."""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:landing")
