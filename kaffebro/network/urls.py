from django.urls import path, register_converter

from kaffebro.core.converters import CodeConverter
from kaffebro.network.views import connector, contacts, dashboard, organisations, profile

register_converter(CodeConverter, "code")

app_name = "network"

urlpatterns = [
    path("start/", dashboard.dashboard, name="dashboard"),
    path("network/", contacts.contact_list, name="contacts"),
    path("network/add/", contacts.add_contact, name="add_contact"),
    path("network/suggest/", contacts.contact_suggestions, name="contact_suggestions"),
    path("network/<code:code>/edit/", contacts.edit_contact, name="edit_contact"),
    path("network/<code:code>/strength/", contacts.rate_contact, name="rate_contact"),
    path("network/<code:code>/private/", contacts.set_private, name="set_contact_private"),
    path("network/<code:code>/delete/", contacts.delete_contact, name="delete_contact"),
    path("organisations/", organisations.organisation_list, name="organisations"),
    path("organisations/suggest/", organisations.organisation_suggestions, name="organisation_suggestions"),
    path("organisations/<code:code>/", organisations.organisation_detail, name="organisation"),
    path("profile/", profile.profile, name="profile"),
    path("profile/targets/add/", profile.add_target, name="add_target"),
    path("profile/targets/<code:code>/remove/", profile.remove_target, name="remove_target"),
    path("profile/targets/<code:code>/move/", profile.move_target, name="move_target"),
    path("settings/connector/", connector.connector_settings, name="connector_settings"),
    path("settings/connector/blocks/organisation/", connector.block_organisation, name="block_organisation"),
    path("settings/connector/blocks/person/", connector.block_person, name="block_person"),
    path("settings/connector/blocks/<code:code>/remove/", connector.unblock, name="unblock"),
]
