"""Job postings: the posting page every member sees, and the pages where decision-makers and operators manage them.

Views are thin. Who may manage what is `access.postings` (a posting someone may not manage answers
404; a member who manages none gets 403 from the managers' pages); every change is an action in
`actions.postings`, and a refused action comes back as a form error on the same page (200).

The posting page lives here, not in the paths app, because it shows the coffee-before-application
timeline of the meetings app and the managers' links; paths stays free of both. It still loads the
ways in from the paths service, as every page that shows them does.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.jobs.access import postings as access
from kaffebro.jobs.actions import postings as actions
from kaffebro.jobs.forms_postings import JobAdForm, PostingForm, ad_token
from kaffebro.jobs.jobad import JobAd, sanitise_description
from kaffebro.meetings.timeline import timeline
from kaffebro.network import access as network_access
from kaffebro.network import actions as network_actions
from kaffebro.network.models import Organisation, TargetKind
from kaffebro.network.views.common import paginate, redirect_back, typed_text
from kaffebro.paths.service import find_paths
from kaffebro.paths.targets import TargetSpec

MATCHED_BY = frozenset({"cvr", "name", "website", "key"})


# The posting page


@require_safe
def posting_detail(request, code):
    """A job posting: its facts and text, the viewer's ways in, the timeline to the deadline, and "add as target"."""
    user = request.user
    posting = network_access.posting_by_code(user, code)
    organisation = posting.organisation
    open_now = posting.closed is None
    return render(
        request,
        "jobs/posting_detail.html",
        {
            "nav": "organisations",
            "posting": posting,
            "organisation": organisation,
            "description": mark_safe(sanitise_description(posting.description)),  # sanitised just now
            "contact": access.named_contact(posting),
            "must_advertise": posting.is_public or organisation.is_public,
            "ways": find_paths(user, TargetSpec.for_posting(posting), k=1),
            "target": network_access.targets_of(user).filter(posting=posting).first(),
            "timeline": timeline(posting.deadline, today=timezone.localdate())
            if open_now and posting.deadline
            else None,
            "may_edit": access.may_manage(user, posting),
        },
    )


@require_POST
def add_target(request, code):
    """Make the posting one of the viewer's targets, and come back to its page."""
    posting = network_access.posting_by_code(request.user, code)
    if posting.closed is not None:
        messages.error(request, _("This posting is closed, so it cannot be a target any more."))
        return redirect("postings:detail", posting.code)
    try:
        network_actions.add_target(request.user, TargetKind.POSTING, posting=posting)
    except network_actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The posting is now one of your targets."))
    return redirect("postings:detail", posting.code)


# Managing postings


@require_safe
def manage_menu(request):
    """htmx fragment for the dashboard: a link to the postings the member manages, or nothing."""
    scope = access.scope_of(request.user)
    if not scope.manages_any:
        return HttpResponse("")
    count = access.managed_postings(request.user, scope).filter(closed__isnull=True).count()
    return render(request, "jobs/posting_menu.html", {"open_count": count})


@require_safe
def posting_list(request):
    """The postings the member manages, open ones first."""
    scope = access.require_manager(request.user)
    return render(
        request,
        "jobs/posting_list.html",
        {
            "nav": "dashboard",
            "page": paginate(request, access.managed_postings(request.user, scope)),
            "staff": scope.staff,
        },
    )


@require_safe
def posting_new(request):
    """Where the new posting is: straight to the form for a decision-maker in one organisation, else a choice."""
    scope = access.require_manager(request.user)
    query = typed_text(request, "q")
    organisations = access.organisations_to_post_for(request.user, scope, query)
    if not scope.staff and len(organisations) == 1:
        return redirect("jobs:posting_create", organisations[0].code)
    return render(
        request,
        "jobs/posting_new.html",
        {"nav": "dashboard", "organisations": organisations, "staff": scope.staff, "query": query},
    )


def _render_form(request, form: PostingForm, organisation: Organisation, **context):
    return render(
        request,
        "jobs/posting_form.html",
        {"nav": "dashboard", "form": form, "organisation": organisation, **context},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def posting_create(request, code):
    """Write a new posting for an organisation the member may post for (404 for any other)."""
    scope = access.scope_of(request.user)
    organisation = access.access_manageable_organisation(request.user, code, scope)
    if request.method != "POST":
        initial = {"is_public": organisation.is_public}
        form = PostingForm(user=request.user, organisation=organisation, scope=scope, initial=initial)
        return _render_form(request, form, organisation)
    form = PostingForm(request.POST, user=request.user, organisation=organisation, scope=scope)
    if form.is_valid():
        try:
            posting = actions.create_posting(request.user, organisation, form.posting_fields())
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("The posting is published."))
            return redirect("postings:detail", posting.code)
    return _render_form(request, form, organisation)


@require_http_methods(["GET", "HEAD", "POST"])
def posting_edit(request, code):
    """Change a posting the member manages (404 for any other)."""
    scope = access.scope_of(request.user)
    posting = access.access_managed_posting(request.user, code, scope)
    organisation = posting.organisation
    if request.method != "POST":
        initial = PostingForm.initial_for(posting)
        form = PostingForm(user=request.user, organisation=organisation, posting=posting, scope=scope, initial=initial)
        return _render_form(request, form, organisation, posting=posting)
    form = PostingForm(request.POST, user=request.user, organisation=organisation, posting=posting, scope=scope)
    if form.is_valid():
        try:
            actions.edit_posting(
                request.user, posting, form.posting_fields(), base_updated=form.cleaned_data["updated"]
            )
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("Your changes are saved."))
            return redirect("postings:detail", posting.code)
    return _render_form(request, form, organisation, posting=posting)


def _state_change(request, code, action, done: str):
    posting = access.access_managed_posting(request.user, code)
    try:
        action(request.user, posting)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done)
    return redirect_back(request, "postings:detail", posting.code)


@require_POST
def posting_close(request, code):
    return _state_change(request, code, actions.close_posting, _("The posting is closed."))


@require_POST
def posting_reopen(request, code):
    return _state_change(request, code, actions.reopen_posting, _("The posting is open again."))


# Importing a job ad: read it, find the employer, show the preview; only the confirmed preview writes.


def _render_import(request, form: JobAdForm, ad: JobAd | None = None):
    return render(request, "jobs/posting_import.html", {"nav": "dashboard", "form": form, "ad": ad})


def _render_preview(request, form: PostingForm, organisation: Organisation, ad: JobAd | None, matched_by: str):
    return render(
        request,
        "jobs/posting_preview.html",
        {"nav": "dashboard", "form": form, "organisation": organisation, "ad": ad, "matched_by": matched_by},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def posting_import(request):
    """Step one: upload or paste the ad. When its employer is found, the prefilled preview follows."""
    scope = access.require_manager(request.user)
    if request.method != "POST":
        return _render_import(request, JobAdForm())
    form = JobAdForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_import(request, form)
    ad = form.job_ad
    organisation, matched_by = access.resolve_employer(request.user, form.employer_sought())
    if organisation is not None and scope.covers_organisation(organisation):
        description = sanitise_description(ad.description)
        preview = PostingForm(
            user=request.user,
            organisation=organisation,
            scope=scope,
            initial=PostingForm.initial_from_ad(ad, organisation, description),
        )
        return _render_preview(request, preview, organisation, ad, matched_by)
    return _render_import(request, _ask_for_employer(form, ad, organisation), ad)


def _ask_for_employer(form: JobAdForm, ad: JobAd, found: Organisation | None) -> JobAdForm:
    """The ad is read but not placed: the same step again, carrying the ad, with the reason on "Organisation"."""
    sought = form.employer_sought().name
    data = QueryDict(mutable=True)
    data.update(form.data)
    data["ad"] = ad_token(ad)
    data.pop("text", None)
    again = JobAdForm(data)
    again.is_valid()
    if found is None:
        message = _(
            "No organisation in Kaffebro is called “%(name)s”. Write its name as Kaffebro knows it, or its CVR number."
        ) % {"name": sought}
    else:
        message = _(
            "The ad is for %(name)s, where you do not decide on hiring. Only a decision-maker there or an operator "
            "can post it."
        ) % {"name": found.name}
    again.add_error("employer", message)
    return again


@require_POST
def posting_import_confirm(request, code):
    """Step two: the member confirms the preview, as it is or corrected, and the posting is created (all or nothing)."""
    scope = access.scope_of(request.user)
    organisation = access.access_manageable_organisation(request.user, code, scope)
    matched_by = request.POST.get("matched_by", "")
    matched_by = matched_by if matched_by in MATCHED_BY else ""
    form = PostingForm(request.POST, user=request.user, organisation=organisation, scope=scope)
    if form.is_valid():
        try:
            posting = actions.import_job_ad(request.user, organisation, form.posting_fields(), matched_by=matched_by)
        except actions.Refused as refused:
            form.add_error(refused.field, refused.message)
        else:
            messages.success(request, _("The job ad is imported and the posting published."))
            return redirect("postings:detail", posting.code)
    return _render_preview(request, form, organisation, None, matched_by)
