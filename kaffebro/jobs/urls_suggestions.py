"""URLs of the suggestions area (see urls.py), under /jobs/suggestions/ in the "jobs" namespace.

The connector digest lives here too (/jobs/suggestions/digest/): it is where a connector sees who they
could suggest and introduce.
"""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.jobs.views import suggestions as views

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

urlpatterns = [
    path("", views.suggestion_list, name="suggestions"),
    path("new/", views.suggestion_new, name="suggestion_new"),
    path("inbox/", views.suggestion_inbox, name="suggestion_inbox"),
    path("inbox/shortlist.csv", views.suggestion_shortlist, name="suggestion_shortlist"),
    path("digest/", views.digest, name="digest"),
    path("<code:code>/", views.suggestion_page, name="suggestion"),
    path("<code:code>/<slug:action>/", views.suggestion_act, name="suggestion_act"),
]
