"""Template helpers for the network pages."""

from django import template

from kaffebro.network.models import Strength

register = template.Library()


@register.filter
def strength_label(value) -> str:
    """A tie strength in words ("Know each other"), or nothing for an unknown value."""
    try:
        return str(Strength(int(value)).label)
    except (TypeError, ValueError):
        return ""
