"""The site's URLs plus two views of a test: one that logs while it answers, one that breaks."""

import logging

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.urls import path

from kaffebro.urls import urlpatterns as site_urlpatterns


@login_not_required
def chatty(request):
    logging.getLogger("kaffebro.test").warning("working on it")
    return HttpResponse("done")


@login_not_required
def broken(request):
    raise RuntimeError("database password hunter2 at db.internal:5432")


urlpatterns = [*site_urlpatterns, path("chatty/", chatty), path("broken/", broken)]
handler500 = "kaffebro.core.views.server_error"
