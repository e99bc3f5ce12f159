"""The public objection pages, mounted at /privacy/object/ next to the privacy notice."""

from django.urls import path

from kaffebro.accounts import objection_views

app_name = "objection"

urlpatterns = [
    path("", objection_views.object_form, name="form"),
    path("confirm/<str:token>/", objection_views.object_confirm, name="confirm"),
]
