"""The privacy notice (GDPR Art. 13 and 14); the objection form is in `kaffebro.accounts.objection_views`."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_safe


@login_not_required
@require_safe
def privacy(request):
    """The privacy notice of GDPR Art. 13 and 14: who is responsible, what is stored and why, how long, and rights."""
    return render(
        request,
        "core/privacy.html",
        {
            "controller": settings.KAFFEBRO_CONTROLLER_NAME,
            "contact": settings.KAFFEBRO_CONTROLLER_CONTACT,
            "warn_days": settings.INACTIVE_ACCOUNT_WARN_DAYS,
            "notice_days": settings.INACTIVE_ACCOUNT_DELETE_DAYS - settings.INACTIVE_ACCOUNT_WARN_DAYS,
            "suggestion_days": settings.DECLINED_SUGGESTION_RETENTION_DAYS,
            "request_days": settings.EXPIRED_REQUEST_RETENTION_DAYS,
        },
    )
