from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.notifications import views

if "code" not in get_converters():  # the network app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

app_name = "notifications"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_all_read, name="mark_all_read"),
    path("inbox/<code:code>/read/", views.mark_read, name="mark_read"),
    path("settings/notifications/", views.notification_settings, name="settings"),
]
