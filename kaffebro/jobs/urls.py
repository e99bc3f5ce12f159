"""URLs of the jobs app: each area keeps its own list in `urls_<area>.py`."""

from django.urls import include, path

app_name = "jobs"

urlpatterns = [
    path("postings/", include("kaffebro.jobs.urls_postings")),
    path("in-play/", include("kaffebro.jobs.urls_shares")),
    path("suggestions/", include("kaffebro.jobs.urls_suggestions")),
    path("pipeline/", include("kaffebro.jobs.urls_outcomes")),
    path("coaching/", include("kaffebro.jobs.urls_coaching")),
]
