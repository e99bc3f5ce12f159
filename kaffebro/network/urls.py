from django.urls import path, register_converter

from kaffebro.core.converters import CodeConverter
from kaffebro.network.views import connector, contacts, dashboard, importing, organisations, profile

register_converter(CodeConverter, "code")

app_name = "network"

urlpatterns = [
    path("start/", dashboard.dashboard, name="dashboard"),
    path("network/", contacts.contact_list, name="contacts"),
    path("network/add/", contacts.add_contact, name="add_contact"),
    path("network/suggest/", contacts.contact_suggestions, name="contact_suggestions"),
    path("network/import/", importing.upload, name="import_upload"),
    path("network/import/<code:code>/", importing.preview, name="import_preview"),
    path("network/import/<code:code>/confirm/", importing.confirm, name="import_confirm"),
    path("network/import/<code:code>/cancel/", importing.cancel, name="import_cancel"),
    path("network/import/<code:code>/retry/", importing.retry, name="import_retry"),
    path("network/import/<code:code>/progress/", importing.progress, name="import_progress"),
    path("network/import/<code:code>/summary/", importing.summary_page, name="import_summary"),
    path("network/import/<code:code>/summary.csv", importing.summary_csv, name="import_summary_csv"),
    path("network/rate/", importing.rate_ties, name="rate_ties"),
    path("network/duplicates/", importing.merge_suggestions, name="merge_suggestions"),
    path("network/duplicates/<code:code>/", importing.decide_suggestion, name="decide_suggestion"),
    path("network/<code:code>/edit/", contacts.edit_contact, name="edit_contact"),
    path("network/<code:code>/strength/", contacts.rate_contact, name="rate_contact"),
    path("network/<code:code>/private/", contacts.set_private, name="set_contact_private"),
    path("network/<code:code>/decision-maker/", contacts.confirm_decision_maker, name="confirm_decision_maker"),
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
