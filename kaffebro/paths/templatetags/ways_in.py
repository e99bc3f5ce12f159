"""Template helpers for ways in: the small path diagram, a score factor's value and the link to ask along a way."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import pairwise
from urllib.parse import urlencode

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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


# The diagram is drawn here rather than in a template: a page of ways draws ten, and the template engine took as
# long over their few dozen numbers and labels as over the rest of each card. format_html escapes every value.
_SVG = """<svg class="path-diagram" role="img" aria-labelledby="{id}-title" viewBox="0 0 {width} 64" width="{width}" \
height="64" focusable="false">
  <title id="{id}-title">{title}</title>
  <defs>
    <marker id="{id}-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" \
orient="auto-start-reverse">
      <path d="M0,0 L10,5 L0,10 z" fill="currentColor"/>
    </marker>
  </defs>
  {edges}{nodes}
</svg>
"""
_EDGE = """<line x1="{x1}" y1="18" x2="{x2}" y2="18" stroke="currentColor" stroke-width="2" \
marker-end="url(#{id}-arrow)"/>
  """
_NODE = """<g class="node node-{kind}{hidden}">
    <circle cx="{x}" cy="18" r="{radius}"{dashed}/>
    <text x="{x}" y="52" text-anchor="middle">{label}</text>
  </g>
  """
_HIDDEN = mark_safe(" node-hidden")
_DASHED = mark_safe(' stroke-dasharray="4 3"')


@dataclass(frozen=True)
class Node:
    x: int
    label: str  # short, for the drawing; the full text is in the title and in the list beside it
    kind: str  # "you", "first", "middle" or "target"
    hidden: bool


@register.simple_tag
def path_diagram(way: WayIn, diagram_id: str) -> SafeString:
    """An inline SVG of seeker → first person → … → target, with its own text alternative.

    A hidden person is drawn with a dashed outline and labelled by their role kind only:
    the steps never carry a hidden name, so none can reach the drawing.
    """
    you = pgettext("the seeker on a path", "You")
    nodes = [Node(MARGIN, you, "you", hidden=False)]
    for number, step in enumerate(way.steps, start=1):
        label = Truncator(step.shown_as).chars(LABEL_CHARACTERS)
        nodes.append(Node(MARGIN + number * NODE_GAP, label, step.position, hidden=step.name is None))
    edges = [
        format_html(_EDGE, x1=left.x + RADIUS + 2, x2=right.x - RADIUS - 6, id=diagram_id)
        for left, right in pairwise(nodes)
    ]
    drawn = [
        format_html(
            _NODE,
            kind=node.kind,
            hidden=_HIDDEN if node.hidden else "",
            x=node.x,
            radius=RADIUS,
            dashed=_DASHED if node.hidden else "",
            label=node.label,
        )
        for node in nodes
    ]
    people = " → ".join([you, *(step.shown_as for step in way.steps)])
    return format_html(
        _SVG,
        id=diagram_id,
        width=2 * MARGIN + (len(nodes) - 1) * NODE_GAP,
        title=gettext("Path: %(people)s") % {"people": people},
        edges=mark_safe("".join(edges)),  # each piece is format_html's, so escaped already
        nodes=mark_safe("".join(drawn)),
    )


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
    url = _request_page(request, name)
    if not url:
        return ""
    return f"{url}?{urlencode({'way': sign_way_in(user.pk, spec, way.person_ids)})}"


def _request_page(request, name: str) -> str:
    """The request page's address, reversed once per request however many cards the page shows (as costly as
    some twenty variables each time); empty when the name does not resolve."""
    if getattr(request, "_way_request_page", (None, ""))[0] != name:
        try:
            url = reverse(name)
        except NoReverseMatch:
            url = ""
        request._way_request_page = (name, url)
    return request._way_request_page[1]
