"""Every change to coffee meetings, starting with saving the preparation brief.

Each action checks its precondition (raising `Refused` with a translated message the view
shows), runs in one transaction, makes the change with a conditional update and writes an
event naming only codes and numbers, never what the seeker wrote. Saving a brief sends no
mail, so it schedules no side effects.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from kaffebro.accounts.models import User
from kaffebro.core.events import record_event
from kaffebro.meetings import readiness
from kaffebro.meetings.models import MAX_PART_CHARS, PrepBrief
from kaffebro.network.actions import Refused
from kaffebro.network.models import Target

__all__ = ["BriefFields", "Refused", "StaleBrief", "save_brief"]


class StaleBrief(Refused):
    """The brief was saved elsewhere (another tab) after the page the seeker edited was opened."""


@dataclass(frozen=True)
class BriefFields:
    """What the seeker writes in the brief: four parts, the optional one, and the checklist."""

    knowledge: str = ""
    offer: str = ""
    difference: str = ""
    ask: str = ""
    their_gain: str = ""
    read_website: bool = False
    knows_unit: bool = False
    read_news: bool = False

    def values(self) -> dict[str, str | bool]:
        return {item.name: getattr(self, item.name) for item in fields(self)}


def _clean(brief_fields: BriefFields) -> dict[str, str | bool]:
    """Trimmed parts, each checked against the stored size; a NUL byte (which PostgreSQL refuses) is refused too."""
    values = brief_fields.values()
    for part in readiness.PARTS:
        text = values[part]
        if not isinstance(text, str):
            raise Refused(_("Write this part as text."), field=part)
        if "\x00" in text:
            raise Refused(_("This part contains a character that cannot be saved."), field=part)
        text = text.strip()
        if len(text) > MAX_PART_CHARS:
            raise Refused(
                _("Keep this part under %(limit)d characters (it has %(count)d).")
                % {"limit": MAX_PART_CHARS, "count": len(text)},
                field=part,
            )
        values[part] = text
    for item in readiness.CHECKLIST:
        values[item] = bool(values[item])
    return values


def _stale() -> StaleBrief:
    return StaleBrief(
        _(
            "Your brief was saved in another window or tab after you opened this page, so nothing was saved here. "
            "Open the brief again to see the latest version, then make your changes to it."
        )
    )


def save_brief(user: User, target: Target, brief_fields: BriefFields, *, base_version: int) -> PrepBrief:
    """Create or improve the seeker's brief for their target, all or nothing.

    `base_version` is the version the seeker's page showed (0 when there was no brief yet). If the
    brief has been saved since, the save is refused with `StaleBrief` and changes nothing, so two
    tabs never silently overwrite each other.
    """
    values = _clean(brief_fields)
    if target.seeker_id != user.pk:
        raise Refused(_("This target no longer exists."))
    try:
        with transaction.atomic():
            if not Target.objects.filter(pk=target.pk, seeker=user).exists():
                raise Refused(_("This target no longer exists."))
            if base_version == 0:
                if PrepBrief.objects.filter(seeker=user, target=target).exists():
                    raise _stale()
                brief = PrepBrief.objects.create(seeker=user, target=target, version=1, **values)
            else:
                changed = PrepBrief.objects.filter(seeker=user, target=target, version=base_version).update(
                    **values, version=F("version") + 1, updated=timezone.now()
                )
                if not changed:
                    raise _stale()
                brief = PrepBrief.objects.get(seeker=user, target=target)
            brief.target = target
            level = readiness.readiness_of(brief).level
            record_event("brief.saved", actor=user, subject=brief.code, version=brief.version, level=str(level))
    except IntegrityError:
        # Another tab created the brief between the check and the insert: the unique constraint refused it.
        raise _stale() from None
    return brief
