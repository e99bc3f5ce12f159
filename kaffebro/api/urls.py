"""/api/v1/: the REST API (see docs/api.md). Objects are named by their opaque codes, never by ids."""

from django.urls import path, re_path, register_converter
from django.urls.converters import get_converters

from kaffebro.api.views import (
    account,
    briefs,
    contacts,
    imports,
    insights,
    jobs_digest,
    jobs_outcomes,
    jobs_postings,
    jobs_shares,
    jobs_suggestions,
    organisations,
    paths,
    reference,
    requests,
    targets,
    tokens,
)
from kaffebro.core.converters import CodeConverter

if "code" not in get_converters():  # another app registers the same converter when it is loaded first
    register_converter(CodeConverter, "code")

app_name = "api"

urlpatterns = [
    path("schema/", reference.SchemaView.as_view(), name="schema"),
    path("docs/", reference.docs_page, name="docs"),
    path("me/", account.MeView.as_view(), name="me"),
    path("me/seeker-profile/", account.SeekerProfileView.as_view(), name="seeker_profile"),
    path("tokens/", tokens.TokenListView.as_view(), name="tokens"),
    path("tokens/<code:code>/", tokens.TokenDetailView.as_view(), name="token"),
    path("targets/", targets.TargetListView.as_view(), name="targets"),
    path("targets/<code:code>/", targets.TargetDetailView.as_view(), name="target"),
    path("targets/<code:code>/move/", targets.TargetMoveView.as_view(), name="target_move"),
    path("contacts/", contacts.ContactListView.as_view(), name="contacts"),
    path("contacts/<code:code>/", contacts.ContactDetailView.as_view(), name="contact"),
    path("imports/", imports.ImportListView.as_view(), name="imports"),
    path("imports/<code:code>/", imports.ImportDetailView.as_view(), name="import"),
    path("imports/<code:code>/<slug:action>/", imports.ImportActionView.as_view(), name="import_action"),
    path("organisations/", organisations.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<code:code>/", organisations.OrganisationDetailView.as_view(), name="organisation"),
    path("paths/", paths.PathsView.as_view(), name="paths"),
    path("briefs/", briefs.BriefListView.as_view(), name="briefs"),
    path("briefs/readiness/", briefs.ReadinessView.as_view(), name="brief_readiness"),
    path("briefs/<code:code>/", briefs.BriefDetailView.as_view(), name="brief"),
    path("requests/", requests.RequestListView.as_view(), name="requests"),
    path("requests/<code:code>/", requests.RequestDetailView.as_view(), name="request"),
    path("requests/<code:code>/<slug:action>/", requests.RequestActionView.as_view(), name="request_action"),
    path("postings/", jobs_postings.PostingListView.as_view(), name="postings"),
    path("postings/places/", jobs_postings.PostingPlacesView.as_view(), name="posting_places"),
    path("postings/import/", jobs_postings.PostingImportView.as_view(), name="posting_import"),
    path("postings/import/confirm/", jobs_postings.PostingImportConfirmView.as_view(), name="posting_import_confirm"),
    path("postings/<code:code>/", jobs_postings.PostingDetailView.as_view(), name="posting"),
    path("postings/<code:code>/<slug:action>/", jobs_postings.PostingActionView.as_view(), name="posting_action"),
    path("consents/", jobs_shares.ConsentListView.as_view(), name="consents"),
    path("consents/helpers/", jobs_shares.ConsentHelpersView.as_view(), name="consent_helpers"),
    path("consents/<code:code>/withdraw/", jobs_shares.ConsentWithdrawView.as_view(), name="consent_withdraw"),
    path("shares/", jobs_shares.ShareListView.as_view(), name="shares"),
    path("shares/seekers/", jobs_shares.PlayableListView.as_view(), name="share_seekers"),
    path(
        "shares/seekers/<code:code>/suggested-recipients/",
        jobs_shares.SuggestedRecipientsView.as_view(),
        name="share_suggested_recipients",
    ),
    path("shares/mine/", jobs_shares.MySharesView.as_view(), name="shares_mine"),
    path("shares/recipients/<code:code>/record/", jobs_shares.RecordAnswerView.as_view(), name="share_record"),
    path("shares/<code:code>/", jobs_shares.ShareDetailView.as_view(), name="share"),
    path("shares/<code:code>/<slug:action>/", jobs_shares.ShareActionView.as_view(), name="share_action"),
    path("cards/", jobs_shares.CardListView.as_view(), name="cards"),
    path("cards/<code:code>/", jobs_shares.CardDetailView.as_view(), name="card"),
    path("cards/<code:code>/<slug:answer>/", jobs_shares.CardAnswerView.as_view(), name="card_answer"),
    path("suggestions/", jobs_suggestions.SuggestionListView.as_view(), name="suggestions"),
    path("suggestions/<code:code>/", jobs_suggestions.SuggestionDetailView.as_view(), name="suggestion"),
    path(
        "suggestions/<code:code>/<slug:action>/",
        jobs_suggestions.SuggestionActionView.as_view(),
        name="suggestion_action",
    ),
    path("digest/", jobs_digest.DigestView.as_view(), name="digest"),
    path("inbox/", jobs_suggestions.InboxView.as_view(), name="inbox"),
    path("inbox/shortlist.csv", jobs_suggestions.ShortlistView.as_view(), name="shortlist"),
    path("inbox/<code:code>/<slug:action>/", jobs_suggestions.InboxActionView.as_view(), name="inbox_action"),
    path("outcomes/", jobs_outcomes.OutcomeListView.as_view(), name="outcomes"),
    path("outcomes/<code:code>/", jobs_outcomes.OutcomeDetailView.as_view(), name="outcome"),
    path("pipeline/", jobs_outcomes.PipelineView.as_view(), name="pipeline"),
    path("coaching/coaches/", jobs_outcomes.CoachGrantListView.as_view(), name="coaches"),
    path(
        "coaching/coaches/<code:code>/withdraw/", jobs_outcomes.CoachGrantWithdrawView.as_view(), name="coach_withdraw"
    ),
    path("coaching/caseload/", jobs_outcomes.CaseloadView.as_view(), name="caseload"),
    path("coaching/caseload/<code:code>/", jobs_outcomes.CaseDetailView.as_view(), name="case"),
    path("coaching/caseload/<code:code>/notes/", jobs_outcomes.CoachNoteView.as_view(), name="case_notes"),
    path("insights/", insights.OperatorInsightsView.as_view(), name="insights"),
    path("insights/mine/", insights.MyInsightsView.as_view(), name="insights_mine"),
    path("insights/caseload/", insights.CaseloadInsightsView.as_view(), name="insights_caseload"),
    re_path(r"^[\s\S]*$", reference.NotFoundView.as_view(), name="not_found"),
]
