"""URLs of the shares area (see urls.py): profiles in play, at /jobs/in-play/."""

from django.urls import path, register_converter
from django.urls.converters import get_converters

from kaffebro.core.converters import CodeConverter
from kaffebro.jobs.views import shares as views

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

urlpatterns = [
    path("", views.index, name="shares"),
    path("mine/", views.mine, name="shares_mine"),
    path("consents/new/", views.grant, name="share_grant"),
    path("consents/<code:code>/withdraw/", views.withdraw, name="share_withdraw"),
    path("seeker/<code:code>/", views.put, name="share_put"),
    path("share/<code:code>/", views.detail, name="share_detail"),
    path("share/<code:code>/cancel/", views.cancel, name="share_cancel"),
    path("share/<code:code>/consent/", views.consent, name="share_consent"),
    path("share/<code:code>/decline/", views.decline, name="share_decline"),
    path("recipient/<code:code>/record/", views.record, name="share_record"),
    path("card/<code:code>/", views.card, name="share_card"),
    path("card/<code:code>/answer/", views.card_answer, name="share_card_answer"),
    path("card/<code:code>/pass-on/", views.card_pass_on, name="share_pass_on"),
]
