"""URLs of the outcomes area (see urls.py): the seeker's pipeline at /jobs/pipeline/."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.jobs.views import outcomes as views

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("target/<code:code>/outcome/", views.record, name="outcome_record"),
    path("outcome/<code:code>/delete/", views.delete, name="outcome_delete"),
]
