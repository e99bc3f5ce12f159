"""My network: the member's own contacts, with search, a quick strength rating, and add / edit / delete."""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.core.converters import looks_like_code
from kaffebro.network import access, actions
from kaffebro.network.forms import ContactForm, ContactSearchForm, EditContactForm, StrengthForm
from kaffebro.network.members import connector_settings
from kaffebro.network.models import Strength
from kaffebro.network.views.common import (
    is_htmx,
    paginate,
    redirect_back,
    typed_text,
    url_for_codes,
    vary_on_htmx,
)

MAX_FILTER_ORGANISATIONS = 500
MAX_SUGGESTIONS = 20


def _filter_organisations(user, requested_code: str) -> list:
    """The organisations where the member's contacts work, for the filter (bounded; a chosen one always included)."""
    among = access.organisations_among_contacts(user)
    organisations = list(among[:MAX_FILTER_ORGANISATIONS])
    if looks_like_code(requested_code) and requested_code not in {org.code for org in organisations}:
        organisations.extend(among.filter(code=requested_code))
    return organisations


@require_safe
def contact_list(request):
    """All of the member's contacts, searched by `q` and filtered by organisation; htmx gets only the results."""
    user = request.user
    form = ContactSearchForm(
        request.GET or None, organisations=_filter_organisations(user, request.GET.get("organisation", ""))
    )
    if form.is_bound and form.is_valid():
        contacts = access.search_contacts(
            user, query=form.cleaned_data["q"].strip(), organisation=form.selected_organisation()
        )
        filtered = bool(form.cleaned_data["q"].strip() or form.selected_organisation())
    else:
        contacts, filtered = access.contacts_of(user), False
    page = paginate(request, contacts)
    page.object_list = _prepared_rows(list(page.object_list))
    context = {
        "nav": "network",
        "form": form,
        "page": page,
        "filtered": filtered,
        "query_string": _query_without_page(request),
        "next_url": request.get_full_path(),
    }
    template = "network/_contact_results.html" if is_htmx(request) else "network/contacts.html"
    return vary_on_htmx(render(request, template, context))


def _prepared_rows(cards: list) -> list:
    """Each card with what its row needs beyond the card, made once per page rather than once per row: the
    addresses it links to, and the options of its rating (one rendering per strength the page shows)."""
    edit, rate = url_for_codes("network:edit_contact"), url_for_codes("network:rate_contact")
    strengths = [(value, str(label)) for value, label in Strength.choices]
    options: dict[int | None, str] = {}
    for card in cards:
        card.edit_url, card.rate_url = edit(card.code), rate(card.code)
        if card.tie_strength not in options:
            context = {"strengths": strengths, "selected": card.tie_strength}
            options[card.tie_strength] = render_to_string("network/_strength_options.html", context)
        card.strength_options = options[card.tie_strength]
    return cards


def _query_without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _organisation_datalist(user) -> list:
    return list(access.organisations_among_contacts(user)[:MAX_SUGGESTIONS])


@require_http_methods(["GET", "HEAD", "POST"])
def add_contact(request):
    user = request.user
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                card = actions.add_contact(user, form.details())
            except actions.Refused as refused:
                form.add_error(refused.field, refused.message)
            else:
                messages.success(request, _("%(name)s is now in your network.") % {"name": card.full_name})
                return redirect("network:contacts")
    else:
        form = ContactForm(initial={"is_private": connector_settings(user).contacts_private_by_default})
    return render(
        request,
        "network/contact_form.html",
        {"nav": "network", "form": form, "known_organisations": _organisation_datalist(user)},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def edit_contact(request, code):
    user = request.user
    card = access.access_contact(user, code)
    if request.method == "POST":
        form = EditContactForm(request.POST)
        if form.is_valid():
            try:
                actions.edit_contact(user, card, form.details())
            except actions.Refused as refused:
                form.add_error(refused.field, refused.message)
            else:
                messages.success(request, _("Your changes to %(name)s are saved.") % {"name": form.details().full_name})
                return redirect("network:contacts")
    else:
        form = EditContactForm(initial=_contact_initial(card))
    return render(
        request,
        "network/contact_form.html",
        {
            "nav": "network",
            "form": form,
            "card": card,
            "blocked": access.person_blocked(user, card.person_id),
            "known_organisations": _organisation_datalist(user),
        },
    )


def _contact_initial(card) -> dict:
    tie = access.tie_for(card)
    return {
        "first_name": card.first_name,
        "last_name": card.last_name,
        "full_name": card.full_name,
        "organisation_name": card.organisation_name,
        "unit_name": card.unit_name,
        "title": card.title,
        "how_known": tie.how_known,
        "since": tie.since,
        "strength": tie.strength,
        "email": card.email,
        "phone": card.phone,
        "notes": card.notes,
    }


@require_POST
def rate_contact(request, code):
    """The quick rating on a row: htmx swaps the row, a plain form post goes back to the list."""
    user = request.user
    card = access.access_contact(user, code)
    form = StrengthForm(request.POST)
    error = ""
    if form.is_valid():
        actions.rate_tie(user, card, form.cleaned_data["strength"])
    else:
        error = _("Choose a strength from 1 to 5.")
    if is_htmx(request):
        card = access.access_contact(user, code)
        row = render(
            request,
            "network/_contact_row.html",
            {
                "card": _prepared_rows([card])[0],
                "row_error": error,
                "row_saved": not error,
                "next_url": request.POST.get("next", ""),
            },
        )
        if error:
            row.status_code = HttpResponseBadRequest.status_code
        return row
    if error:
        messages.error(request, error)
    else:
        messages.success(request, _("Strength saved for %(name)s.") % {"name": card.full_name})
    return redirect_back(request, "network:contacts")


@require_POST
def confirm_decision_maker(request, code):
    """The member's yes or no to "likely decision-maker": htmx swaps the answer in, a plain post goes back."""
    user = request.user
    card = access.access_contact(user, code)
    answer = request.POST.get("decides")
    error = ""
    if answer not in {"yes", "no"}:
        error = _("Answer yes or no.")
    else:
        try:
            actions.confirm_decision_maker(user, card, decides=answer == "yes")
        except actions.Refused as refused:
            error = refused.message
    if is_htmx(request):
        # htmx swaps only successful answers, so a refusal comes back as a fragment with status 200.
        context = {"card": access.access_contact(user, code), "decision_error": error, "decision_saved": not error}
        return render(request, "network/_decision_maker.html", context)
    if error:
        messages.error(request, error)
    elif answer == "yes":
        messages.success(request, _("Saved: %(name)s decides on hiring.") % {"name": card.full_name})
    else:
        messages.success(request, _("Saved: %(name)s does not decide on hiring.") % {"name": card.full_name})
    return redirect_back(request, "network:contacts")


@require_POST
def set_private(request, code):
    """Keep the contact out of others' paths, or let it in again."""
    card = access.access_contact(request.user, code)
    private = request.POST.get("private") == "1"
    actions.set_contact_private(request.user, card, private)
    if private:
        messages.success(request, _("%(name)s is now private.") % {"name": card.full_name})
    else:
        messages.success(request, _("%(name)s may now be used in paths.") % {"name": card.full_name})
    return redirect("network:edit_contact", code=card.code)


@require_http_methods(["GET", "HEAD", "POST"])
def delete_contact(request, code):
    """A confirmation page; only the POST from it deletes."""
    card = access.access_contact(request.user, code)
    if request.method == "POST":
        try:
            actions.delete_contact(request.user, card)
        except actions.Refused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("%(name)s is no longer in your network.") % {"name": card.full_name})
        return redirect("network:contacts")
    return render(request, "network/contact_delete.html", {"nav": "network", "card": card})


@require_safe
def contact_suggestions(request):
    """`<option>`s of the member's own contacts whose name starts like `contact`, for a datalist."""
    text = typed_text(request, "contact")
    cards = (
        access.contacts_of(request.user).filter(full_name__icontains=text)[:MAX_SUGGESTIONS] if len(text) >= 2 else []
    )
    return render(request, "network/_options.html", {"options": [card.full_name for card in cards]})
