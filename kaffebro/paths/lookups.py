"""What a code names when a member asks for their ways in, for `manage.py paths` and `/api/v1/paths/` alike.

Both look a code up as the member's own pages would (their own target first, then a shared
organisation, unit or posting) and need the same two things of what they found: the spec the
paths service searches for, and a readable name in the active language.
"""

from __future__ import annotations

from django.utils.translation import gettext

from kaffebro.network import access
from kaffebro.network.models import Organisation, Posting, Target, TargetKind, Unit
from kaffebro.paths.targets import TargetSpec


def spec_for(found: Target | Organisation | Unit | Posting) -> TargetSpec:
    """The spec to search for whatever the code named, so each kind is searched as its own page searches it."""
    if isinstance(found, Target):
        return TargetSpec.for_target(found)
    if isinstance(found, Organisation):
        return TargetSpec.for_organisation(found)
    if isinstance(found, Unit):
        return TargetSpec.for_unit(found)
    if isinstance(found, Posting):
        return TargetSpec.for_posting(found)
    raise TypeError(type(found).__name__)


def target_name(target: Target) -> str:
    """A target as its seeker reads it: the job field (and region), or the posting, unit and organisation."""
    organisation, unit = access.target_place(target)
    if target.kind == TargetKind.FIELD:
        field = target.job_field
        if target.region:
            return gettext("Job field: %(field)s in %(region)s") % {
                "field": field,
                "region": target.get_region_display(),
            }
        return gettext("Job field: %(field)s") % {"field": field}
    parts = [target.posting.title if target.posting else "", unit.name if unit else "", str(organisation)]
    return ", ".join(part for part in parts if part)
