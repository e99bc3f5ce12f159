"""Every read of meetings data goes through here.

A preparation brief belongs to its seeker: anyone else asking for it (or for the
seeker's target it belongs to) gets 404, exactly as if it did not exist.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from kaffebro.accounts.models import User
from kaffebro.meetings.models import PrepBrief
from kaffebro.network import access as network_access
from kaffebro.network.models import Target

# What the readiness check and the brief page read of a brief's target, fetched in the same query.
TARGET_PLACE = (
    "target__posting__organisation",
    "target__posting__unit",
    "target__unit__organisation",
    "target__organisation",
)


def own_target(user: User, code: str) -> Target:
    """The viewer's own target, with its organisation, unit and posting; 404 for anyone else's."""
    return network_access.access_target(user, code)


def briefs_of(user: User) -> QuerySet[PrepBrief]:
    return PrepBrief.objects.filter(seeker=user).select_related(*TARGET_PLACE)


def brief_for(user: User, target: Target) -> PrepBrief | None:
    """The seeker's brief for their target, if they have written one (the target's place is already loaded)."""
    if target.seeker_id != user.pk:
        return None
    brief = PrepBrief.objects.filter(seeker=user, target=target).first()
    if brief is not None:
        brief.target = target
    return brief


def access_brief(user: User, code: str) -> PrepBrief:
    """A brief by its code, for the later request flow; 404 unless it is the viewer's."""
    return get_object_or_404(briefs_of(user), code=code)
