from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("kaffebro.core.urls")),
    path("account/", include("kaffebro.accounts.urls")),
    path("", include("kaffebro.network.urls")),
    path("", include("kaffebro.paths.urls")),
    path("meetings/", include("kaffebro.meetings.urls")),
    path("", include("kaffebro.notifications.urls")),
    path("operator/", admin.site.urls),
]

handler404 = "kaffebro.core.views.not_found"
handler500 = "kaffebro.core.views.server_error"
