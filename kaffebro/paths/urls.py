from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.paths import views

if "code" not in get_converters():  # the network app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

app_name = "paths"

urlpatterns = [
    path("paths/targets/best/", views.targets_best, name="targets_best"),
    path("paths/target/<code:code>/", views.target_ways, name="target"),
    path("paths/organisation/<code:code>/", views.organisation_ways, name="organisation"),
    path("paths/organisation/<code:code>/best/", views.organisation_best, name="organisation_best"),
    path("paths/unit/<code:code>/", views.unit_ways, name="unit"),
    path("paths/posting/<code:code>/", views.posting_ways, name="posting"),
    path("units/<code:code>/", views.unit_detail, name="unit_detail"),
]
