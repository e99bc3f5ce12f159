"""Public pages: the landing page, the privacy notice and the accessibility statement."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import redirect, render
from django.template import loader
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
def privacy(request):
    """What is stored, who sees it and the member's rights, from the brief's privacy model."""
    return render(request, "core/privacy.html")


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
def server_error(request):
    """Rendered without the request: whatever broke (database, session, a context processor) must not break this."""
    return HttpResponseServerError(loader.get_template("core/500.html").render())
