"""Public pages: the landing page and the accessibility statement (the privacy pages are in privacy_views.py)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def landing(request):
    """Explains the method; a member who is logged in goes straight to their next steps."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    return render(request, "core/landing.html")


@login_not_required
@require_safe
def accessibility(request):
    """The accessibility statement Danish public bodies must publish for WCAG 2.1 AA."""
    return render(request, "core/accessibility.html")


@login_not_required
def not_found(request, exception=None):
    """The same page for a missing object and for someone else's: the answer never tells them apart."""
    return render(request, "core/404.html", status=404)


@login_not_required
def permission_denied(request, exception=None):
    """A page for a role the member does not hold (a coach's caseload, a manager's postings). Unlike someone
    else's object (404), such a page is no secret, so the answer says what is missing."""
    return render(request, "core/403.html", status=403)


@login_not_required
def bad_request(request, exception=None):
    """A request the server will not take (a form body over the size limit, a forged host). Rendered without the
    request, like the error page: what was wrong with the request must not break the answer to it."""
    return _plain_page(request, "core/400.html", HttpResponseBadRequest)


@login_not_required
def server_error(request):
    """Rendered without the request: whatever broke (database, session, a context processor) must not break this.

    It shows the request id and nothing of the error, so a member can quote a reference and the
    operator finds every log line of that request by it.
    """
    return _plain_page(request, "core/500.html", HttpResponseServerError)


def _plain_page(request, template: str, response_class: type[HttpResponse]) -> HttpResponse:
    try:
        stylesheet = static("kaffebro/site.css")
    except ValueError:  # the static files were not collected: a plain page, but a page
        stylesheet = ""
    context = {"request_id": getattr(request, "request_id", ""), "stylesheet": stylesheet}
    return response_class(loader.get_template(template).render(context))
