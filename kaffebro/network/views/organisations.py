"""Organisations: shared reference data every member may search, with how many of their own contacts work there."""

from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from kaffebro.network import access
from kaffebro.network.forms import OrganisationSearchForm
from kaffebro.network.models import Industry, PublicLevel, Region, Sector
from kaffebro.network.views.common import is_htmx, paginate, typed_text, url_for_codes, vary_on_htmx

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
    page.object_list = list(page.object_list)
    counts = access.first_degree_counts_by_organisation(user, page.object_list)
    for organisation in page.object_list:
        organisation.first_degree = counts.get(organisation.pk, 0)
    _add_row_details(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"nav": "organisations", "form": form, "page": page, "query_string": query.urlencode()}
    template = "network/_organisation_results.html" if is_htmx(request) else "network/organisations.html"
    return vary_on_htmx(render(request, template, context))


def _add_row_details(organisations: list) -> None:
    """Each row's link and the labels of its choices, looked up once per page.

    `get_FOO_display()` rebuilds (and translates) the whole list of choices on every call, and `{% url %}` costs as
    much as some twenty variables: together most of the time a page of rows took.
    """
    link = url_for_codes("network:organisation")
    sectors, levels, industries, regions = (dict(kind.choices) for kind in (Sector, PublicLevel, Industry, Region))
    for organisation in organisations:
        organisation.url = link(organisation.code)
        organisation.sector_label = sectors.get(organisation.sector, organisation.sector)
        organisation.public_level_label = levels.get(organisation.public_level, organisation.public_level)
        organisation.industry_label = industries.get(organisation.industry, organisation.industry)
        organisation.region_label = regions.get(organisation.region, organisation.region)


@require_safe
def organisation_detail(request, code):
    """The organisation, its units and open postings, and the member's own contacts there (first degree only)."""
    user = request.user
    organisation = access.access_organisation(user, code)
    contacts_here = list(access.contacts_at(user, organisation)[:CONTACTS_SHOWN_ON_ORGANISATION])
    units = access.units_tree(organisation)
    postings = list(access.current_postings(organisation))
    _add_links(units, postings, contacts_here)
    return render(
        request,
        "network/organisation.html",
        {
            "nav": "organisations",
            "organisation": organisation,
            "units": units,
            "postings": postings,
            "add_target_url": reverse("network:add_target"),
            "first_degree": access.first_degree_count(user, organisation),
            "contacts_here": contacts_here,
            "contacts_shown": CONTACTS_SHOWN_ON_ORGANISATION,
            "targeted": access.targeted_ids(user),
            "blocked": access.organisation_blocked(user, organisation),
        },
    )


def _add_links(units: list, postings: list, cards: list) -> None:
    """The addresses the organisation page links to, one reverse() per kind instead of one per link."""
    unit_link = url_for_codes("paths:unit_detail")
    posting_link, card_link = url_for_codes("postings:detail"), url_for_codes("network:edit_contact")
    nodes = list(units)
    while nodes:
        node = nodes.pop()
        node.unit.url = unit_link(node.unit.code)
        nodes.extend(node.children)
    for posting in postings:
        posting.url = posting_link(posting.code)
        if posting.unit:
            posting.unit.url = unit_link(posting.unit.code)
    for card in cards:
        card.edit_url = card_link(card.code)


@require_safe
def organisation_suggestions(request):
    """`<option>`s of organisations whose name or alias contains `organisation`, for a datalist."""
    text = typed_text(request, "organisation")
    organisations = access.search_organisations(request.user, query=text)[:MAX_SUGGESTIONS] if len(text) >= 2 else []
    return render(request, "network/_options.html", {"options": [org.name for org in organisations]})
