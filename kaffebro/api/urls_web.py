"""The API token pages, under the account settings (/account/tokens/); the API itself is in urls.py."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.api import web
from kaffebro.core.converters import CodeConverter

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

app_name = "api_tokens"

urlpatterns = [
    path("", web.token_list, name="list"),
    path("<code:code>/revoke/", web.revoke, name="revoke"),
]
