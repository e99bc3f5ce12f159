"""Template context every page's layout needs."""

from django.conf import settings


def footer(request) -> dict[str, str]:
    """The operator's official accessibility statement (`ACCESSIBILITY_STATEMENT_URL`, e.g. on the Danish
    agency's statement site); empty when none is set, and the footer links to the built-in page."""
    return {"accessibility_statement_url": settings.ACCESSIBILITY_STATEMENT_URL}
