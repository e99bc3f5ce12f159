"""Candidate suggestions: the suggest form, the parties' lists, one suggestion, the inbox and its CSV, the digest.

Views are thin: every read goes through `jobs.access.suggestions` (404 for anything that is not the
viewer's), every change through `jobs.actions.suggestions`; a refused action comes back as a message
(or a form error) and changes nothing. The inbox's buttons post with htmx and get the candidate's card
back; without JavaScript the same forms post plainly and come back to the page they were on.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.core.access_log import log_reads
from kaffebro.core.models import AccessKind
from kaffebro.jobs import digest as digest_module
from kaffebro.jobs.access import suggestions as access
from kaffebro.jobs.actions import suggestions as actions
from kaffebro.jobs.actions.shares import text_digest
from kaffebro.jobs.forms_suggestions import (
    DigestDeliveryForm,
    InboxFilterForm,
    OrganisationSearchForm,
    SuggestForm,
)
from kaffebro.jobs.models import Suggestion, SuggestionState
from kaffebro.jobs.suggestions_acts import acts
from kaffebro.jobs.suggestions_states import TRANSITIONS, actions_from
from kaffebro.network.views.common import is_htmx, redirect_back, typed_text, vary_on_htmx

NAV = "suggestions"
ORGANISATIONS_SHOWN = 20
MAX_PLACES = 300  # postings and units offered in one select
NO_SCORING = _lazy(
    "Suggestions are advice from people. Kaffebro does not score or rank candidates; they are listed by date and "
    "number of endorsements."
)


# The parties' list


@require_safe
def suggestion_list(request):
    """Consent asks and suggestions about the viewer, the viewer's own suggestions, and whom they may suggest."""
    user = request.user
    about = access.about(user)
    sections = {
        "asks": about.filter(state=SuggestionState.AWAITING_CONSENT),
        "about": about.exclude(state=SuggestionState.AWAITING_CONSENT),
        "mine": access.made_by(user),
    }
    pages = {
        name: Paginator(rows, settings.PAGE_SIZE).get_page(request.GET.get(f"{name}_page"))
        for name, rows in sections.items()
    }
    return render(
        request,
        "jobs/suggestion_list.html",
        {
            "nav": NAV,
            "pages": pages,
            "items": {
                name: [(suggestion, access.place_of(suggestion)) for suggestion in page.object_list]
                for name, page in pages.items()
            },
            "asks": [_Ask(suggestion) for suggestion in pages["asks"].object_list],
            "suggestable": list(access.suggestable_seekers(user)[: settings.PAGE_SIZE]),
            "decides": access.decides_anywhere(user),
            "is_connector": digest_module.is_connector(user),
        },
    )


class _Ask:
    """A suggestion waiting for her consent, with the text she agrees to and what its buttons post."""

    def __init__(self, suggestion: Suggestion):
        self.suggestion = suggestion
        self.place = access.place_of(suggestion)
        self.consent_text = actions.consent_text(suggestion)
        self.consent_digest = text_digest(self.consent_text)
        self.offered = offered(suggestion, "seeker")


# Suggesting


def _suggest_context(request, form: SuggestForm | None, organisation, search: OrganisationSearchForm) -> dict:
    query = search.cleaned_data.get("q", "") if search.is_valid() else ""
    return {
        "nav": NAV,
        "form": form,
        "search": search,
        "organisation": organisation,
        "organisations": list(access.organisations_matching(query)[:ORGANISATIONS_SHOWN]) if query else [],
        "query": query,
        "seeker_code": typed_text(request, "seeker", max_length=40),
    }


def _suggest_form(user, organisation, data=None, initial=None) -> SuggestForm:
    return SuggestForm(
        data,
        initial=initial,
        seekers=list(access.suggestable_seekers(user)),
        postings=list(access.open_postings(organisation)[:MAX_PLACES]),
        units=list(access.units_of(organisation)[:MAX_PLACES]),
    )


@require_http_methods(["GET", "HEAD", "POST"])
def suggestion_new(request):
    """Suggest a seeker who knows you for a posting or a unit: find the organisation, choose, write why."""
    user = request.user
    source = request.POST if request.method == "POST" else request.GET
    code = str(source.get("organisation", ""))[:40]
    organisation = access.organisation_by_code(code) if code else None
    search = OrganisationSearchForm(request.GET)
    if organisation is None:
        return render(request, "jobs/suggestion_new.html", _suggest_context(request, None, None, search))
    if request.method != "POST":
        form = _suggest_form(user, organisation, initial={"seeker": typed_text(request, "seeker", max_length=40)})
        return render(request, "jobs/suggestion_new.html", _suggest_context(request, form, organisation, search))
    form = _suggest_form(user, organisation, data=request.POST)
    if form.is_valid():
        try:
            suggestion = actions.suggest(
                user, how_known=form.cleaned_data["how_known"], why_fit=form.cleaned_data["why_fit"], **form.chosen()
            )
        except actions.Refused as refused:
            form.add_error(refused.field if refused.field in form.fields else None, refused.message)
        else:
            names = {"seeker": suggestion.seeker.display_name, "decision_maker": suggestion.decision_maker.display_name}
            if suggestion.state == SuggestionState.AWAITING_CONSENT:
                done = _("%(seeker)s is asked to consent first; then it goes to %(decision_maker)s.") % names
            else:
                done = _("Your suggestion of %(seeker)s has gone to %(decision_maker)s.") % names
            messages.success(request, done)
            return redirect("jobs:suggestion", suggestion.code)
    return render(request, "jobs/suggestion_new.html", _suggest_context(request, form, organisation, search))


# One suggestion and what its parties can do


@dataclass(frozen=True)
class Offer:
    """A button on a page: the table's row, its address part and its label."""

    name: str
    slug: str
    label: str


def _labels() -> dict[str, str]:
    return {
        "consent": _("I agree"),
        "decline": _("No, thank you"),
        "withdraw": _("Withdraw my suggestion"),
        "invite_to_coffee": _("Invite to a coffee meeting"),
        "invite_to_apply": _("Invite to apply"),
        "invite_to_interview": _("Invite to an interview"),
        "record_hired": _("Record as hired"),
        "not_a_fit": _("Not a fit"),
        "archive": _("Archive"),
    }


def offered(suggestion: Suggestion, role: str) -> list[Offer]:
    """The actions this party may take now, from the one table."""
    labels = _labels()
    return [Offer(name, name.replace("_", "-"), labels[name]) for name in actions_from(suggestion.state, role)]


@require_safe
def suggestion_page(request, code):
    """One suggestion as its party may see it, with what they can do now."""
    user = request.user
    suggestion = access.access_suggestion(user, code)
    view = access.view_of(user, suggestion)
    if view.role == "decision_maker":
        log_reads(user, AccessKind.DECISION_MAKER_OPENED_CANDIDATE, [access.candidate_read(suggestion)])
    consent = actions.consent_text(suggestion) if view.role == "seeker" else ""
    return render(
        request,
        "jobs/suggestion_detail.html",
        {
            "nav": NAV,
            "suggestion": suggestion,
            "view": view,
            "place": access.place_of(suggestion),
            "offered": offered(suggestion, view.role),
            "consent_text": consent,
            "consent_digest": text_digest(consent) if consent else "",
            "no_scoring": NO_SCORING,
        },
    )


def _candidate_card(request, suggestion: Suggestion, *, error: str = "", done: str = ""):
    """The inbox card of the suggestion's group as it is now (an htmx answer)."""
    group = list(access.group_of(suggestion).select_related(*access.SUGGESTION_RELATED))
    if not group:
        group = [suggestion]
    candidate = access.Candidate(group, access.briefs_for(group[:1]).get(group[0].pk))
    return render(
        request,
        "jobs/suggestion_candidate.html",
        {
            "candidate": candidate,
            "offered": offered(candidate.lead, "decision_maker"),
            "error": error,
            "done": done,
            "next_url": request.POST.get("next", ""),
        },
    )


@require_POST
def suggestion_act(request, code, action):
    """Run one action on a suggestion: htmx gets the inbox card back, a plain post goes back with a message."""
    user = request.user
    name = action.replace("-", "_")
    act = acts().get(name)
    if act is None:
        raise Http404
    suggestion = access.access_suggestion(user, code)
    role = access.role_in(user, suggestion)
    error = ""
    form = act.form(request.POST)
    if TRANSITIONS[name].who != role:
        error = _("Only the people this suggestion is for can do that.")
    elif not form.is_valid():
        error = " ".join(str(message) for errors in form.errors.values() for message in errors)
    else:
        try:
            act.perform(user, suggestion, form.cleaned_data)
        except actions.Refused as refused:
            error = refused.message
    if is_htmx(request) and role == "decision_maker":
        fresh = Suggestion.objects.select_related(*access.SUGGESTION_RELATED).get(pk=suggestion.pk)
        return vary_on_htmx(_candidate_card(request, fresh, error=error, done="" if error else act.done))
    if error:
        messages.error(request, error)
    else:
        messages.success(request, act.done)
    return redirect_back(request, "jobs:suggestion", suggestion.code)


# The decision-maker's inbox


def _inbox(request) -> tuple[access.InboxFilter, list[access.Candidate]]:
    inbox_filter = access.InboxFilter.of(request.GET)
    return inbox_filter, access.inbox_candidates(request.user, inbox_filter)


@require_safe
def suggestion_inbox(request):
    """Candidates suggested to the viewer, with who vouches and why; filtered by posting, unit and state."""
    user = request.user
    inbox_filter, candidates = _inbox(request)
    postings, units = access.inbox_places(user)
    page = Paginator(candidates, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    log_reads(
        user, AccessKind.DECISION_MAKER_OPENED_CANDIDATE, [access.candidate_read(candidate.lead) for candidate in page]
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "jobs/suggestion_inbox.html",
        {
            "nav": NAV,
            "page": page,
            "filters": InboxFilterForm(
                {"posting": inbox_filter.posting, "unit": inbox_filter.unit, "state": inbox_filter.state},
                postings=postings,
                units=units,
            ),
            "rows": [(candidate, offered(candidate.lead, "decision_maker")) for candidate in page.object_list],
            "query": query.urlencode(),
            "no_scoring": NO_SCORING,
        },
    )


# Cells a spreadsheet would read as a formula get a leading apostrophe (OWASP's CSV injection advice).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def shortlist_csv(candidates: list[access.Candidate]) -> bytes:
    """The shortlist for Excel: UTF-8 with a byte order mark, semicolons (as Danish Excel expects), one row per
    endorsement in the inbox's order, every cell neutralised against formulas."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(
        [
            _("Candidate"),
            _("Headline"),
            _("Competencies"),
            _("Job fields"),
            _("Where"),
            _("State"),
            _("Endorsements"),
            _("Suggested by"),
            _("How they know the candidate"),
            _("Why they fit"),
            _("Suggested on"),
        ]
    )
    for candidate in candidates:
        profile = candidate.profile
        for suggestion in candidate.suggestions:
            writer.writerow(
                safe_cell(cell)
                for cell in [
                    suggestion.seeker.display_name,
                    profile.headline if profile else "",
                    ", ".join(map(str, profile.competencies)) if profile else "",
                    ", ".join(map(str, profile.job_fields)) if profile else "",
                    access.place_of(suggestion),
                    SuggestionState(suggestion.state).label,
                    candidate.endorsements,
                    suggestion.suggested_by.display_name,
                    suggestion.how_known,
                    suggestion.why_fit,
                    timezone.localdate(suggestion.created).isoformat(),
                ]
            )
    return "\ufeff".encode() + out.getvalue().encode("utf-8")


@require_safe
def suggestion_shortlist(request):
    """The inbox as it is filtered, as a CSV file for Excel."""
    _filter, candidates = _inbox(request)
    log_reads(
        request.user, AccessKind.DECISION_MAKER_EXPORTED_SHORTLIST, [access.candidate_read(c.lead) for c in candidates]
    )
    response = HttpResponse(shortlist_csv(candidates), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="shortlist.csv"'
    return response


# The connector digest


@require_http_methods(["GET", "HEAD", "POST"])
def digest(request):
    """This week's digest as it is now, and how the member wants it delivered."""
    user = request.user
    if request.method == "POST":
        form = DigestDeliveryForm(request.POST)
        if form.is_valid():
            digest_module.set_delivery(user, form.cleaned_data["delivery"])
            messages.success(request, _("Your digest setting is saved."))
            return redirect("jobs:digest")
    else:
        form = DigestDeliveryForm(initial={"delivery": digest_module.delivery_of(user)})
    return render(
        request,
        "jobs/digest.html",
        {
            "nav": NAV,
            "digest": digest_module.build_digest(user),
            "is_connector": digest_module.is_connector(user),
            "form": form,
        },
    )
