"""Template helpers for ways in: the small path diagram, a score factor's value and the link to ask along a way."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.text import Truncator
from django.utils.translation import gettext, pgettext

from kaffebro.paths.results import WayIn
from kaffebro.paths.targets import TargetSpec
from kaffebro.paths.tokens import sign_way_in

register = template.Library()

NODE_GAP = 160  # horizontal distance between two persons in the diagram
MARGIN = 80  # room for a label either side of the first and last person
RADIUS = 11
LABEL_CHARACTERS = 20


@dataclass(frozen=True)
class Node:
    x: int
    label: str  # short, for the drawing; the full text is in the title and in the list beside it
    kind: str  # "you", "first", "middle" or "target"
    hidden: bool


@dataclass(frozen=True)
class Edge:
    x1: int
    x2: int


@register.inclusion_tag("paths/_diagram.html")
def path_diagram(way: WayIn, diagram_id: str) -> dict:
    """An inline SVG of seeker → first person → … → target, with its own text alternative.

    A hidden person is drawn with a dashed outline and labelled by their role kind only:
    the steps never carry a hidden name, so none can reach the drawing.
    """
    you = pgettext("the seeker on a path", "You")
    nodes = [Node(MARGIN, you, "you", hidden=False)]
    for number, step in enumerate(way.steps, start=1):
        label = Truncator(step.shown_as).chars(LABEL_CHARACTERS)
        nodes.append(Node(MARGIN + number * NODE_GAP, label, step.position, hidden=step.name is None))
    edges = [Edge(left.x + RADIUS + 2, right.x - RADIUS - 6) for left, right in pairwise(nodes)]
    people = " → ".join([you, *(step.shown_as for step in way.steps)])
    return {
        "diagram_id": diagram_id,
        "nodes": nodes,
        "edges": edges,
        "width": 2 * MARGIN + (len(nodes) - 1) * NODE_GAP,
        "radius": RADIUS,
        "title": gettext("Path: %(people)s") % {"people": people},
    }


@register.filter
def factor_value(value: float) -> str:
    """A factor as the reader expects it: a whole number plain, a weight with two decimals (0,85 in Danish)."""
    if float(value).is_integer():
        return number_format(int(value))
    return number_format(value, decimal_pos=2)


@register.simple_tag(takes_context=True)
def way_request_url(context, way: WayIn, spec: TargetSpec | None) -> str:
    """Where the card's "Ask …" button leads: `settings.PATH_REQUEST_URL_NAME` with the way as a signed token.

    Empty (so the card shows no button) when no such page is configured, when the card was rendered
    without its target, or when the first person is not a member: Kaffebro never writes to anyone else.
    """
    name = getattr(settings, "PATH_REQUEST_URL_NAME", "")
    request = context.get("request")
    user = getattr(request, "user", None)
    if not name or spec is None or not way.person_ids or not way.first.is_member:
        return ""
    if user is None or not user.is_authenticated:
        return ""
    try:
        url = reverse(name)
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'way': sign_way_in(user.pk, spec, way.person_ids)})}"
