"""Public pages: the landing page, the privacy notice and the accessibility statement."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
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
    return render(request, "core/privacy.html")


@login_not_required
@require_safe
def accessibility(request):
    return render(request, "core/accessibility.html")


@login_not_required
def not_found(request, exception=None):
    return render(request, "core/404.html", status=404)


@login_not_required
def server_error(request):
    return render(request, "core/500.html", status=500)
