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
    path("", views.request_list, name="list"),
    path("start/", views.start, name="start"),
    path("<code:code>/", views.request_page, name="request"),
    path("<code:code>/send/", views.send, name="send"),
    path("<code:code>/approve/", views.approve, name="approve"),
    path("<code:code>/ask-for-changes/", views.ask_for_changes, name="ask_for_changes"),
    path("<code:code>/decline-introduction/", views.decline_introduction, name="decline_introduction"),
    path("<code:code>/accept/", views.accept, name="accept"),
    path("<code:code>/decline/", views.decline, name="decline"),
    path("<code:code>/times/", views.propose_times, name="propose_times"),
    path("<code:code>/pick/", views.pick_time, name="pick_time"),
    path("<code:code>/reschedule/", views.reschedule, name="reschedule"),
    path("<code:code>/cancel/", views.cancel, name="cancel"),
    path("<code:code>/withdraw/", views.withdraw, name="withdraw"),
    path("<code:code>/held/", views.confirm_held, name="confirm_held"),
    path("<code:code>/follow-up/", views.follow_up, name="follow_up"),
    path("<code:code>/outcome/", views.record_outcome, name="record_outcome"),
    path("<code:code>/invitation.ics", views.invitation, name="invitation"),
]
