from django.urls import path

from kaffebro.core import access_log_views, health, privacy_views, views

app_name = "core"

urlpatterns = [
    path("", views.landing, name="landing"),
    path("account/access-log/", access_log_views.access_log, name="access_log"),
    path("privacy/", privacy_views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
]
