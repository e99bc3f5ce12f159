"""Organisations: shared reference data every member may search, with how many of their own contacts work there."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from kaffebro.network import access
from kaffebro.network.forms import OrganisationSearchForm
from kaffebro.network.views.common import is_htmx, paginate, typed_text, vary_on_htmx

CONTACTS_SHOWN_ON_ORGANISATION = 10
MAX_SUGGESTIONS = 20


@require_safe
def organisation_list(request):
    """Search by name or alias and filter by sector, industry and region; counts come from one query per page."""
    user = request.user
    form = OrganisationSearchForm(request.GET or None)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        organisations = access.search_organisations(
            user, query=data["q"].strip(), sector=data["sector"], industry=data["industry"], region=data["region"]
        )
    else:
        organisations = access.search_organisations(user)
    page = paginate(request, organisations)
    counts = access.first_degree_counts_by_organisation(user, page.object_list)
    for organisation in page.object_list:
        organisation.first_degree = counts.get(organisation.pk, 0)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav": "organisations", "form": form, "page": page, "query_string": query.urlencode()}
    template = "network/_organisation_results.html" if is_htmx(request) else "network/organisations.html"
    return vary_on_htmx(render(request, template, context))


@require_safe
def organisation_detail(request, code):
    """The organisation, its units and open postings, and the member's own contacts there (first degree only)."""
    user = request.user
    organisation = access.access_organisation(user, code)
    contacts_here = access.contacts_at(user, organisation)
    return render(
        request,
        "network/organisation.html",
        {
            "nav": "organisations",
            "organisation": organisation,
            "units": access.units_tree(organisation),
            "postings": list(access.current_postings(organisation)),
            "first_degree": access.first_degree_count(user, organisation),
            "contacts_here": list(contacts_here[:CONTACTS_SHOWN_ON_ORGANISATION]),
            "contacts_shown": CONTACTS_SHOWN_ON_ORGANISATION,
            "targeted": access.targeted_ids(user),
            "blocked": access.organisation_blocked(user, organisation),
        },
    )


@require_safe
def organisation_suggestions(request):
    """`<option>`s of organisations whose name or alias contains `organisation`, for a datalist."""
    text = typed_text(request, "organisation")
    organisations = access.search_organisations(request.user, query=text)[:MAX_SUGGESTIONS] if len(text) >= 2 else []
    return render(request, "network/_options.html", {"options": [org.name for org in organisations]})
