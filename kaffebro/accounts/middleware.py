"""Per-request account rules: the member's language and time zone, session timeouts, the second factor."""

import zoneinfo
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kaffebro.accounts import sessions
from kaffebro.accounts.models import Authenticator


class MemberPreferencesMiddleware:
    """Runs after authentication: activates the member's language and time zone."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
            try:
                timezone.activate(zoneinfo.ZoneInfo(user.time_zone))
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                timezone.deactivate()
        else:
            timezone.deactivate()
        return self.get_response(request)


class SessionTimeoutMiddleware:
    """Logs a member out after SESSION_IDLE_SECONDS without a request, or SESSION_ABSOLUTE_SECONDS after log-in.

    The request then goes on as anonymous, so a private page sends them to log in and back.
    Runs after the messages middleware, which carries the explanation to the log-in page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = timezone.now()
            reason = sessions.expiry(request.session, now)
            if reason is None:
                sessions.note_activity(request.session, now)
            else:
                logout(request)
                messages.info(request, self._explanation(reason))
        return self.get_response(request)

    def _explanation(self, reason: str) -> str:
        if reason == sessions.IDLE:
            return _("You were logged out because you were inactive for a while. Log in again to go on.")
        return _("You were logged out because your log-in was many hours old. Log in again to go on.")


class TwoFactorMiddleware:
    """Enforces the second factor on every page that needs a log-in.

    - A session that has not passed the second factor of a member who has an authenticator (a log-in that
      went around the code step) is logged out.
    - An operator or coach without an authenticator reaches nothing but the set-up and the pages marked
      `allowed_before_two_factor` until it is done.
    - The admin's own log-in form would go around the cool-off and the code step, so it hands over to ours.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name == "admin:login":
            return self._member_login_instead(request)
        user = request.user
        exempt = getattr(view_func, "two_factor_exempt", False) or not getattr(view_func, "login_required", True)
        if exempt or not user.is_authenticated:
            return None
        state = request.session.get(sessions.SECOND_FACTOR)
        if state == sessions.PASSED or (state == sessions.NOT_SET_UP and not user.two_factor_required):
            return None
        if Authenticator.objects.filter(member=user).exists():
            logout(request)
            messages.info(request, _("Log in again with your password and a code from your authenticator app."))
            return redirect_to_login(request.get_full_path())
        if user.two_factor_required:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('accounts:two_factor_setup')}?{query}")
        request.session[sessions.SECOND_FACTOR] = sessions.NOT_SET_UP
        return None

    def _member_login_instead(self, request):
        if request.user.is_authenticated:
            if request.user.is_staff:
                return redirect("admin:index")
            raise PermissionDenied
        target = request.GET.get("next", "")
        query = f"?{urlencode({'next': target})}" if target else ""
        return redirect(reverse(settings.LOGIN_URL) + query)
