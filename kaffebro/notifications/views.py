"""The inbox and the notification settings. Reads go through access.py, changes through actions.py."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kaffebro.notifications import access, actions, registry
from kaffebro.notifications.forms import NotificationSettingsForm
from kaffebro.notifications.models import Notification


@dataclass(frozen=True)
class InboxItem:
    notification: Notification
    rendered: registry.Rendered | None


def _page_number(value: str) -> int:
    return int(value) if value.isdigit() and len(value) < 7 else 1


@require_http_methods(["GET", "HEAD"])
def inbox(request):
    page = Paginator(access.inbox_of(request.user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    items = [InboxItem(n, registry.render_for(n.event, request.user)) for n in page.object_list]
    unread = access.unread_count(request.user)
    request._unread_notifications = unread  # the header shows the same count without asking again
    return render(request, "notifications/inbox.html", {"nav": "inbox", "page": page, "items": items, "unread": unread})


def _back_to_inbox(request):
    page = _page_number(request.POST.get("page", ""))
    url = reverse("notifications:inbox")
    return redirect(f"{url}?page={page}" if page > 1 else url)


@require_POST
def mark_read(request, code: str):
    notification = access.access_notification(request.user, code)
    actions.mark_read(request.user, notification)
    return _back_to_inbox(request)


@require_POST
def mark_all_read(request):
    count = actions.mark_all_read(request.user)
    if count:
        messages.success(request, _("All your notifications are marked as read."))
    return _back_to_inbox(request)


@require_http_methods(["GET", "HEAD", "POST"])
def notification_settings(request):
    user = request.user
    data = request.POST if request.method == "POST" else None  # an unticked box posts nothing at all
    form = NotificationSettingsForm(data, initial={"email_notifications": access.wants_email(user)})
    if form.is_bound and form.is_valid():
        actions.set_email_notifications(user, form.cleaned_data["email_notifications"])
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"nav": "settings", "form": form, "email_verified": user.email_verified},
    )
