from django.contrib import admin
from django.urls import include, path

from kaffebro.jobs.views import postings as posting_views

urlpatterns = [
    path("", include("kaffebro.core.urls")),
    path("privacy/object/", include("kaffebro.accounts.urls_objection")),
    path("account/", include("kaffebro.accounts.urls")),
    path("", include("kaffebro.network.urls")),
    path("account/tokens/", include("kaffebro.api.urls_web")),
    path("api/v1/", include("kaffebro.api.urls")),
    path("", include("kaffebro.paths.urls")),
    path("meetings/", include("kaffebro.meetings.urls")),
    path("jobs/", include("kaffebro.jobs.urls")),
    # The posting page every member sees; its managers' pages are under jobs/. It comes after the network URLs,
    # which register the `code` converter.
    path(
        "postings/",
        include(
            (
                [
                    path("<code:code>/", posting_views.posting_detail, name="detail"),
                    path("<code:code>/target/", posting_views.add_target, name="add_target"),
                ],
                "postings",
            )
        ),
    ),
    path("insights/", include("kaffebro.insights.urls")),
    path("", include("kaffebro.notifications.urls")),
    path("operator/", admin.site.urls),
]

handler400 = "kaffebro.core.views.bad_request"
handler403 = "kaffebro.core.views.permission_denied"
handler404 = "kaffebro.core.views.not_found"
handler500 = "kaffebro.core.views.server_error"
