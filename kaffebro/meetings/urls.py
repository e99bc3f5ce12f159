from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.meetings import views

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

app_name = "meetings"

urlpatterns = [
    path("brief/<code:code>/", views.brief, name="brief"),
    path("brief/<code:code>/check/", views.brief_check, name="brief_check"),
]
