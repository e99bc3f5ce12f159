"""Who is asking: a personal token (`Authorization: Bearer kb_…`) or the logged-in web session.

The token comes first so that a request with neither is answered 401 with a
`WWW-Authenticate: Bearer` challenge. The session needs its CSRF token, as any form does.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from kaffebro.accounts import sessions
from kaffebro.api import token_secret
from kaffebro.api.actions import note_token_use
from kaffebro.api.models import ApiToken

REALM = "Kaffebro API"


def find_token(value: str) -> ApiToken | None:
    """The active token of an active member that this value is, or None."""
    secret = token_secret.secret_of(value)
    if secret is None:
        return None
    return (
        ApiToken.objects.select_related("user")
        .filter(hash=token_secret.digest(secret), revoked__isnull=True, user__is_active=True)
        .first()
    )


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer kb_<secret>`; any other scheme is left to the session."""

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != b"bearer":
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer kb_…”, nothing more."))
        try:
            value = header[1].decode("ascii")
        except UnicodeDecodeError:
            value = ""
        token = find_token(value)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid: it may be mistyped or revoked. Create a new one in your settings.")
            )
        note_token_use(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'Bearer realm="{REALM}"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The logged-in web session (with its CSRF token), under the site's second-factor rule.

    The pages' two-factor middleware skips the API's views (they are not behind the log-in
    middleware), so the same rule is applied here: a session that has not passed the second
    factor where one is needed counts as no log-in at all.
    """

    def authenticate(self, request):
        found = super().authenticate(request)
        if found is None:
            return None
        user, _auth = found
        state = request._request.session.get(sessions.SECOND_FACTOR)
        if state == sessions.PASSED or (state == sessions.NOT_SET_UP and not user.two_factor_required):
            return found
        return None
