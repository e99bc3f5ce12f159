"""Account pages: sign-up, e-mail confirmation, log-in, passwords, two-factor, settings and language.

The views stay thin: forms validate, actions in actions.py change state. The log-in protection
(cool-off, second step, re-authentication) is described in docs/security.md.
"""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.accounts import actions, sessions, throttle, totp
from kaffebro.accounts.clients import client_address
from kaffebro.accounts.decorators import allowed_before_two_factor, recent_login_required
from kaffebro.accounts.forms import (
    ChangePasswordForm,
    ConfirmPasswordForm,
    EmailChangeForm,
    EmailForm,
    LanguageForm,
    LoginForm,
    PreferencesForm,
    ResetPasswordForm,
    SecondStepForm,
    SetUpCodeForm,
    SignUpForm,
)
from kaffebro.accounts.models import Authenticator, Language, User
from kaffebro.accounts.ratelimit import rate_limited
from kaffebro.accounts.tokens import InvalidToken, email_change_for_token, member_for_token
from kaffebro.core.converters import looks_like_code

MEMBER_BACKEND = "kaffebro.accounts.backends.EmailBackend"
LANGUAGE_COOKIE_FALLBACK_AGE = 60 * 60 * 24 * 365


def _current_language() -> str:
    language = translation.get_language() or settings.LANGUAGE_CODE
    return language if language in Language.values else settings.LANGUAGE_CODE


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("account_mail", methods=["POST"])
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
@rate_limited("account_mail", methods=["POST"])
def resend_verification(request):
    form = EmailForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    if request.method == "POST" and form.is_valid():
        actions.resend_verification(form.cleaned_data["email"])
        return redirect("accounts:signup_done")
    return render(request, "accounts/resend_verification.html", {"form": form})


@method_decorator(login_not_required, name="dispatch")
class LoginView(auth_views.LoginView):
    """The password step. A member with an authenticator is not logged in yet: the code step follows."""

    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if Authenticator.objects.filter(member=user).exists():
            sessions.begin_second_step(self.request.session, user, self.get_success_url())
            return redirect("accounts:login_code")
        login(self.request, user, backend=MEMBER_BACKEND)
        sessions.note_password_confirmed(self.request.session)
        actions.note_logged_in(user)
        return HttpResponseRedirect(self.get_success_url())


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def login_code(request):
    """The second step: the member is logged in only once the code (or a recovery code) is right."""
    pending = sessions.pending_login(request.session)
    if pending is None:
        sessions.end_second_step(request.session)
        return render(request, "accounts/login_code_expired.html", status=400)
    form = SecondStepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = pending.member
        try:
            method = throttle.guard(
                member.email,
                client_address(request),
                lambda: actions.pass_second_factor(member, form.cleaned_data["code"]),
            )
        except ValidationError as error:
            form.add_error("code", error)
        else:
            sessions.end_second_step(request.session)
            login(request, member, backend=MEMBER_BACKEND)
            sessions.passed_second_factor(request.session)
            sessions.note_password_confirmed(request.session)
            actions.note_logged_in(member, second_factor=method)
            if method == "recovery_code":
                _warn_about_recovery_codes(request, member)
            return HttpResponseRedirect(pending.next_url or reverse(settings.LOGIN_REDIRECT_URL))
    return render(request, "accounts/login_code.html", {"form": form})


def _warn_about_recovery_codes(request, member: User) -> None:
    text = _("You logged in with a recovery code; %(left)d unused remain. Make new ones under Two-factor log-in.")
    messages.warning(request, text % {"left": actions.recovery_codes_left(member)})


@allowed_before_two_factor
@require_http_methods(["GET", "HEAD", "POST"])
def confirm_password(request):
    """Type the password again before a change that needs a recent log-in (the password, two-factor)."""
    target = _next_or(request, request.POST.get("next") or request.GET.get("next"), reverse("accounts:settings"))
    form = ConfirmPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        try:
            throttle.guard(user.email, client_address(request), lambda: _check_password(user, form))
        except ValidationError as error:
            form.add_error("password", error)
        else:
            sessions.note_password_confirmed(request.session)
            return HttpResponseRedirect(target)
    return render(request, "accounts/confirm_password.html", {"form": form, "next": target})


def _check_password(user: User, form: ConfirmPasswordForm) -> None:
    if not user.check_password(form.cleaned_data["password"]):
        raise ValidationError(_("That is not your password."), code="wrong_password")


@require_safe
def two_factor(request):
    """The settings section: whether two-factor authentication is on, and what can be done about it."""
    authenticator = Authenticator.objects.filter(member=request.user).first()
    context = {
        "nav": "settings",
        "authenticator": authenticator,
        "codes_left": actions.recovery_codes_left(request.user) if authenticator else 0,
    }
    return render(request, "accounts/two_factor.html", context)


@allowed_before_two_factor
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@recent_login_required
def two_factor_setup(request):
    """Scan (or type) the secret, then prove it with a code: only then is two-factor authentication on."""
    user = request.user
    target = _next_or(request, request.GET.get("next"), "")
    if Authenticator.objects.filter(member=user).exists():
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("accounts:two_factor")
    secret = request.session.get(sessions.SETUP_SECRET) or totp.new_secret()
    request.session[sessions.SETUP_SECRET] = secret
    form = SetUpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = actions.enable_two_factor(user, secret=secret, code=form.cleaned_data["code"])
        except ValidationError as error:
            form.add_error("code", error)
        else:
            del request.session[sessions.SETUP_SECRET]
            sessions.passed_second_factor(request.session)
            request.session[sessions.FRESH_RECOVERY_CODES] = codes
            messages.success(request, _("Two-factor authentication is on."))
            return _to_recovery_codes(target)
    uri = totp.provisioning_uri(secret, user.email, settings.TWO_FACTOR_ISSUER)
    context = {
        "nav": "settings",
        "form": form,
        "required": user.two_factor_required,
        "grouped_secret": totp.grouped(secret),
        "uri": uri,
        "qr_code": mark_safe(totp.qr_svg(uri, _("QR code for your authenticator app"))),  # segno escapes the title
    }
    return render(request, "accounts/two_factor_setup.html", context)


def _to_recovery_codes(target: str):
    url = reverse("accounts:recovery_codes")
    return redirect(f"{url}?{urlencode({'next': target})}" if target else url)


@never_cache
@require_safe
def recovery_codes(request):
    """The fresh recovery codes, shown this one time: only their hashes are kept."""
    codes = request.session.pop(sessions.FRESH_RECOVERY_CODES, None)
    if not codes:
        return redirect("accounts:two_factor")
    continue_to = _next_or(request, request.GET.get("next"), reverse("accounts:two_factor"))
    context = {"nav": "settings", "codes": codes, "next": continue_to}
    return render(request, "accounts/recovery_codes.html", context)


@require_POST
@recent_login_required
def new_recovery_codes(request):
    try:
        codes = actions.replace_recovery_codes(request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("accounts:two_factor")
    request.session[sessions.FRESH_RECOVERY_CODES] = codes
    return redirect("accounts:recovery_codes")


@require_POST
@recent_login_required
def disable_two_factor(request):
    try:
        removed = actions.disable_two_factor(request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if removed:
            messages.success(request, _("Two-factor authentication is off."))
    return redirect("accounts:two_factor")


@method_decorator(login_not_required, name="dispatch")
@method_decorator(rate_limited("account_mail", methods=["POST"]), name="dispatch")
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
@recent_login_required
def password_change(request):
    form = ChangePasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.change_password(request.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:settings")
    return render(request, "accounts/password_change.html", {"form": form, "nav": "settings"})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("account_mail", methods=["POST"])
@recent_login_required
def email_change(request):
    """Ask for a new address; the answer is the same whether or not the address has an account."""
    form = EmailChangeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        new_email = actions.normalise_email(form.cleaned_data["email"])
        try:
            sent = actions.request_email_change(request.user, new_email)
        except ValidationError as error:
            form.add_error("email", error)
        else:
            if sent:
                messages.success(
                    request,
                    _(
                        "We sent a link to %(new)s. Open it to change your address; until then you log in with "
                        "%(current)s."
                    )
                    % {"new": new_email, "current": request.user.email},
                )
            else:
                messages.info(request, _("We sent a link less than a minute ago. Wait a minute and ask again."))
            return redirect("accounts:settings")
    return render(request, "accounts/email_change.html", {"form": form, "nav": "settings"})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def email_change_confirm(request, token: str):
    """GET only shows a button, because mail scanners open links; the address changes on POST.

    The member must be logged in as the account the link was made for: the link alone changes nothing."""
    if request.method != "POST":
        try:
            change = email_change_for_token(token)
        except InvalidToken:
            return _invalid_email_change_link(request)
        if change.member != request.user.code or change.old != request.user.email:
            return _invalid_email_change_link(request)
        return render(request, "accounts/email_change_confirm.html", {"token": token, "new_email": change.new})
    try:
        new_email = actions.confirm_email_change(request.user, token)
    except InvalidToken:
        return _invalid_email_change_link(request)
    except ValidationError as error:
        return _invalid_email_change_link(request, error.messages[0])
    messages.success(
        request, _("Your e-mail address is now %(email)s. Log in with it from now on.") % {"email": new_email}
    )
    return redirect("accounts:settings")


def _invalid_email_change_link(request, reason: str = ""):
    return render(request, "accounts/email_change_invalid.html", {"reason": reason, "nav": "settings"}, status=400)


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


def _next_or(request, requested: str | None, default: str) -> str:
    """A requested page to go on to, if there is one on this site; otherwise `default`."""
    return _safe_next(request, requested) if requested else default


def _safe_next(request, target: str) -> str:
    """The page to return to, if it is on this site; otherwise the start page."""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("core:landing")
