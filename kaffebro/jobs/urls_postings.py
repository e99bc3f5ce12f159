"""URLs of the postings area (see urls.py): the managers' pages, under /jobs/postings/ in the "jobs" namespace.

The posting page every member sees keeps its address, /postings/<code>/, registered in kaffebro/urls.py
in the "postings" namespace ("postings:detail", "postings:add_target").
"""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.jobs.views import postings as views

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

urlpatterns = [
    path("", views.posting_list, name="posting_list"),
    path("menu/", views.manage_menu, name="posting_menu"),
    path("new/", views.posting_new, name="posting_new"),
    path("new/<code:code>/", views.posting_create, name="posting_create"),
    path("import/", views.posting_import, name="posting_import"),
    path("import/<code:code>/", views.posting_import_confirm, name="posting_import_confirm"),
    path("<code:code>/edit/", views.posting_edit, name="posting_edit"),
    path("<code:code>/close/", views.posting_close, name="posting_close"),
    path("<code:code>/reopen/", views.posting_reopen, name="posting_reopen"),
]
