"""URLs of the coaching area (see urls.py): the caseload at /jobs/coaching/, the seeker's own coaches at mine/."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.jobs.views import coaching as views

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

urlpatterns = [
    path("", views.caseload, name="coaching_caseload"),
    path("mine/", views.my_coaches, name="coaching_mine"),
    path("mine/<code:code>/withdraw/", views.withdraw, name="coaching_withdraw"),
    path("<code:code>/", views.seeker, name="coaching_seeker"),
    path("<code:code>/notes/", views.note, name="coaching_note"),
]
