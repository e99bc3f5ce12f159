"""Contact import for the member: upload, preview, progress and summary, then rating ties and deciding duplicates.

Every page reads through the importing access module (another member's import or
suggestion answers 404) and every change goes through the importing actions, whose
refusals are shown to the member in their own words.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.accounts.ratelimit import rate_limited
from kaffebro.core.converters import looks_like_code
from kaffebro.network import access as network_access
from kaffebro.network.actions import Refused, rate_tie
from kaffebro.network.forms import ContactFileForm, ImportChoicesForm, ImportMappingForm, ImportRowFilterForm
from kaffebro.network.importing import access, engine, summary
from kaffebro.network.importing import actions as importing_actions
from kaffebro.network.importing.records import ImportRejected, ReadResult
from kaffebro.network.models import ImportBatch, ImportFormat, ImportStatus, RowOutcome, Strength
from kaffebro.network.views.common import is_htmx, paginate, vary_on_htmx

LISTED_IMPORTS = 20
PREVIEW_RECORDS = 10
PREVIEW_SKIPPED = 50
RATE_PAGE_SIZE = 50
POLLING = {ImportStatus.QUEUED, ImportStatus.RUNNING}


def page_for(batch: ImportBatch) -> str:
    """Where the member goes on with an import in its current state."""
    if batch.status == ImportStatus.PREVIEW:
        return reverse("network:import_preview", args=[batch.code])
    if batch.status == ImportStatus.DONE:
        return reverse("network:import_summary", args=[batch.code])
    if batch.status == ImportStatus.CANCELLED:
        return reverse("network:import_upload")
    return reverse("network:import_progress", args=[batch.code])


def _earlier_imports(user) -> list[dict]:
    return [
        {"batch": batch, "url": page_for(batch), "interrupted": importing_actions.is_interrupted(batch)}
        for batch in access.imports_of(user)[:LISTED_IMPORTS]
    ]


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("import", methods=["POST"])
def upload(request):
    """The file picker (drag and drop with JavaScript); a file that cannot be read is explained on the form."""
    user = request.user
    if request.method == "POST":
        form = ContactFileForm(request.POST, request.FILES)
        if form.is_valid():
            contact_file = form.cleaned_data["file"]
            try:
                batch = importing_actions.upload_contacts(
                    user,
                    data=contact_file.read(),
                    filename=contact_file.name[:255],
                    format=form.cleaned_data["format"],
                    keep_contact_details=form.cleaned_data["keep_contact_details"],
                )
            except Refused as refused:
                form.add_error(refused.field if refused.field in form.fields else "file", refused.message)
            else:
                return redirect("network:import_preview", code=batch.code)
    else:
        form = ContactFileForm()
    return render(
        request,
        "network/import_upload.html",
        {"nav": "network", "form": form, "imports": _earlier_imports(user)},
    )


def _read(batch: ImportBatch) -> tuple[ReadResult | None, str]:
    """What the file yields with the current options, or why it cannot be read."""
    try:
        return engine.preview(batch), ""
    except ImportRejected as rejected:
        return None, str(rejected.message)


def _columns(result: ReadResult | None) -> tuple[list[str], dict[str, str]]:
    """A spreadsheet's header and mapping; other formats have fixed fields and no mapping to choose."""
    if result is None or result.format != ImportFormat.CSV:
        return [], {}
    return result.columns, result.mapping


@require_http_methods(["GET", "HEAD", "POST"])
def preview(request, code):
    """What the file holds, before anything is written; a POST changes how it is read and shows it again."""
    user = request.user
    batch = access.access_import(user, code)
    if batch.status != ImportStatus.PREVIEW:
        return redirect(page_for(batch))
    result, rejected = _read(batch)
    columns, mapping = _columns(result)
    if request.method == "POST":
        form = ImportMappingForm(request.POST, columns=columns, mapping=mapping)
        if form.is_valid():
            try:
                importing_actions.change_import_options(
                    user,
                    batch,
                    format=form.cleaned_data["format"],
                    mapping=form.mapping() if form.columns else None,
                    keep_contact_details=batch.keep_contact_details,
                    remove_missing=batch.remove_missing,
                )
            except Refused as refused:
                form.add_error(None, refused.message)
            else:
                messages.success(request, _("The preview now shows your choices."))
                return redirect("network:import_preview", code=batch.code)
    else:
        form = ImportMappingForm(initial={"format": batch.format}, columns=columns, mapping=mapping)
    choices = ImportChoicesForm(
        initial={"keep_contact_details": batch.keep_contact_details, "remove_missing": batch.remove_missing}
    )
    return render(
        request,
        "network/import_preview.html",
        {
            "nav": "network",
            "batch": batch,
            "result": result,
            "rejected": rejected,
            "format_label": ImportFormat(result.format).label if result else "",
            "records": result.records[:PREVIEW_RECORDS] if result else [],
            "skipped": result.skipped[:PREVIEW_SKIPPED] if result else [],
            "form": form,
            "choices": choices,
        },
    )


@require_POST
def confirm(request, code):
    """Import with the choices next to the button: small files are done at once, large ones run in the background."""
    user = request.user
    batch = access.access_import(user, code)
    if batch.status != ImportStatus.PREVIEW:
        # Before change_import_options, which would re-read a file that is already dropped.
        messages.error(request, _("This import has already started or was cancelled."))
        return redirect(page_for(batch))
    choices = ImportChoicesForm(request.POST)
    choices.is_valid()  # two checkboxes: always valid
    keep, remove = choices.cleaned_data["keep_contact_details"], choices.cleaned_data["remove_missing"]
    try:
        if (keep, remove) != (batch.keep_contact_details, batch.remove_missing):
            batch = importing_actions.change_import_options(
                user,
                batch,
                format=batch.format,
                mapping=batch.mapping or None,
                keep_contact_details=keep,
                remove_missing=remove,
            )
        batch = importing_actions.confirm_import(user, batch)
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect(page_for(batch))


@require_POST
def cancel(request, code):
    user = request.user
    batch = access.access_import(user, code)
    try:
        importing_actions.cancel_import(user, batch)
    except Refused as refused:
        messages.error(request, refused.message)
        return redirect(page_for(batch))
    messages.success(request, _("The import is cancelled. Nothing from the file was saved."))
    return redirect("network:import_upload")


@require_POST
def retry(request, code):
    """Run a failed or interrupted import again, from the start: a failed run wrote nothing."""
    user = request.user
    batch = access.access_import(user, code)
    try:
        batch = importing_actions.retry_import(user, batch)
    except Refused as refused:
        messages.error(request, refused.message)
    return redirect(page_for(batch))


def _htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse()
    response["HX-Redirect"] = url
    return response


@require_safe
def progress(request, code):
    """The progress bar; htmx asks again every second until the import is done (then on to the summary)."""
    batch = access.access_import(request.user, code)
    if batch.status in {ImportStatus.PREVIEW, ImportStatus.DONE}:
        return _htmx_redirect(page_for(batch)) if is_htmx(request) else redirect(page_for(batch))
    interrupted = importing_actions.is_interrupted(batch)
    context = {
        "nav": "network",
        "batch": batch,
        "interrupted": interrupted,
        "polling": batch.status in POLLING and not interrupted,
        "failure": summary.failure_message(batch) if batch.status == ImportStatus.FAILED else "",
        "can_retry": batch.status == ImportStatus.FAILED or interrupted,
    }
    template = "network/_import_progress.html" if is_htmx(request) else "network/import_progress.html"
    return vary_on_htmx(render(request, template, context))


def _counts(batch: ImportBatch) -> list[tuple[str, str, int]]:
    """(outcome, label, how many) for each outcome, in the order of the summary."""
    return [(value, str(label), int(batch.counts.get(value, 0))) for value, label in RowOutcome.choices]


@require_safe
def summary_page(request, code):
    """What the import did, row by row with the reason, filterable by outcome; the next steps link from here."""
    user = request.user
    batch = access.access_import(user, code)
    if batch.status != ImportStatus.DONE:
        return redirect(page_for(batch))
    form = ImportRowFilterForm(request.GET or None)
    outcome = form.cleaned_data["outcome"] if form.is_bound and form.is_valid() else ""
    page = paginate(request, access.rows_of(batch, outcome))
    changed_job = int(batch.counts.get("changed_job", 0))
    return render(
        request,
        "network/import_summary.html",
        {
            "nav": "network",
            "batch": batch,
            "counts": _counts(batch),
            "changed_job": changed_job,
            "changed_job_text": ngettext(
                "%(count)d contact changed job.", "%(count)d contacts changed job.", changed_job
            )
            % {"count": changed_job},
            "form": form,
            "outcome": outcome,
            "page": page,
            "rows": [(row, summary.row_reason(row)) for row in page.object_list],
            "query_string": f"outcome={outcome}" if outcome else "",
            "unrated": access.unrated_contacts(user).count(),
            "suggestions": access.open_suggestions_for(user).count(),
        },
    )


@require_safe
@never_cache
def summary_csv(request, code):
    """The summary as a spreadsheet that opens correctly in Danish Excel; never cached, it names contacts."""
    batch = access.access_import(request.user, code)
    if batch.status != ImportStatus.DONE:
        raise Http404
    response = HttpResponse(summary.summary_csv(batch), content_type="text/csv; charset=utf-8")
    filename = f"kaffebro-import-{batch.created:%Y-%m-%d}-{batch.code}.csv"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename) or ""
    return response


STRENGTH_VALUES = {str(value): value for value in Strength.values}


def _strength(value: str | None) -> int | None:
    """The chosen strength, or None for anything else (also digits like "²" that int() cannot read)."""
    return STRENGTH_VALUES.get(value or "")


def _rate_one(request):
    """One rating from the htmx page: the status next to the contact says it was saved (or why not)."""
    code = request.POST.get("card", "")
    if not looks_like_code(code):
        raise Http404
    card = network_access.access_contact(request.user, code)
    strength = _strength(request.POST.get(f"strength-{card.code}"))
    error = ""
    if strength is None:
        error = _("Choose a strength from 1 to 5.")
    else:
        try:
            rate_tie(request.user, card, strength)
        except Refused as refused:
            error = refused.message
    # htmx swaps only successful answers, so a refusal comes back as a page fragment with status 200.
    return render(
        request, "network/_rating_status.html", {"error": error, "label": Strength(strength).label if strength else ""}
    )


def _rate_page(request):
    """The plain form of the whole page, without JavaScript: every rated contact on it is saved."""
    wanted = {
        key.removeprefix("strength-"): strength
        for key, value in request.POST.items()
        if key.startswith("strength-") and (strength := _strength(value)) is not None
    }
    codes = [code for code in wanted if looks_like_code(code)][:RATE_PAGE_SIZE]
    cards = network_access.contacts_of(request.user).filter(code__in=codes) if codes else []
    saved = 0
    for card in cards:
        try:
            rate_tie(request.user, card, wanted[card.code])
        except Refused as refused:
            messages.error(request, refused.message)
        else:
            saved += 1
    if saved:
        messages.success(
            request, ngettext("%(count)d rating saved.", "%(count)d ratings saved.", saved) % {"count": saved}
        )
    elif not wanted:
        messages.error(request, _("Choose a strength from 1 to 5 for at least one contact."))
    return redirect("network:rate_ties")


@require_http_methods(["GET", "HEAD", "POST"])
def rate_ties(request):
    """The contacts still at an import's default strength, fifty at a time; each choice saves at once with htmx."""
    if request.method == "POST":
        return _rate_one(request) if is_htmx(request) else _rate_page(request)
    page = Paginator(access.unrated_contacts(request.user), RATE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "network/rate_ties.html",
        {"nav": "network", "page": page, "strengths": Strength.choices},
    )


def _described(name: str | None, organisation: str | None) -> str:
    """A person as the member's own card names them, e.g. "Søren Ågård (Novo Nordisk)"."""
    if not name:
        return _("someone who is not in your contacts")
    if organisation:
        return _("%(name)s (%(organisation)s)") % {"name": name, "organisation": organisation}
    return name


@require_safe
def merge_suggestions(request):
    """Possible duplicates among the member's contacts; nothing is merged until the member says so."""
    page = paginate(request, access.open_suggestions_for(request.user))
    suggestions = [
        {
            "suggestion": suggestion,
            "person": _described(suggestion.person_name, suggestion.person_organisation),
            "candidate": _described(suggestion.candidate_name, suggestion.candidate_organisation),
            "reason": summary.suggestion_reason(suggestion),
        }
        for suggestion in page.object_list
    ]
    return render(
        request, "network/merge_suggestions.html", {"nav": "network", "page": page, "suggestions": suggestions}
    )


@require_POST
def decide_suggestion(request, code):
    suggestion = access.access_suggestion(request.user, code)
    answer = request.POST.get("same")
    if answer not in {"yes", "no"}:
        messages.error(request, _("Choose “Same person” or “Not the same”."))
        return redirect("network:merge_suggestions")
    try:
        importing_actions.decide_suggestion(request.user, suggestion, same=answer == "yes")
    except Refused as refused:
        messages.error(request, refused.message)
    else:
        if answer == "yes":
            messages.success(request, _("Merged: they are now one person in your network."))
        else:
            messages.success(request, _("Kept apart as two different people."))
    return redirect("network:merge_suggestions")
