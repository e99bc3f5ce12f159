"""Whose figures a member may see: every read of the insights goes through a scope from here.

- all job seekers (members with a seeker profile): operators only;
- a caseload (the seekers who let this coach follow them and have not withdrawn it): coaches only;
- her own: every member, about herself.

Anyone else gets 403: these pages exist for everyone, so refusing them hides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kaffebro.accounts.models import User

ALL = "all"
CASELOAD = "caseload"
OWN = "own"


@dataclass(frozen=True)
class Scope:
    kind: str  # ALL, CASELOAD or OWN
    seekers: QuerySet[User]

    @property
    def name(self) -> str:
        """How a chart title names the seekers."""
        return str(SCOPE_NAMES[self.kind])


SCOPE_NAMES = {ALL: _("all job seekers"), CASELOAD: _("your caseload"), OWN: _("you")}


def all_seekers(user: User) -> Scope:
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied
    return Scope(ALL, User.objects.filter(seeker_profile__isnull=False))


def caseload(user: User) -> Scope:
    if not (user.is_authenticated and user.is_coach):
        raise PermissionDenied
    return Scope(CASELOAD, User.objects.filter(coaches_granted__coach=user, coaches_granted__withdrawn__isnull=True))


def own(user: User) -> Scope:
    if not user.is_authenticated:
        raise PermissionDenied
    return Scope(OWN, User.objects.filter(pk=user.pk))


def scopes_of(user: User) -> list[str]:
    """The insights pages this member may open, for the page's own navigation."""
    kinds = [OWN]
    if user.is_coach:
        kinds.append(CASELOAD)
    if user.is_staff:
        kinds.append(ALL)
    return kinds
