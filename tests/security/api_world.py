"""What the API matrix needs on top of the shared world (tests/security/world.py): tokens, and the API's own codes.

Every member of a role gets a personal API token, as a client program would hold one. The API names a brief by
the brief's own code (the pages name it by its target's), so `ApiWorld.own`/`foreign` add `prep_brief`, and
`helper`: a member a seeker may give a standing consent to, by his person's code (Karl, whom Mette knows; Ulrik,
Nanna's coach). Every other kind is the shared world's.
"""

from __future__ import annotations

from dataclasses import dataclass

from kaffebro.accounts.models import User
from kaffebro.api.actions import create_token
from kaffebro.meetings.models import PrepBrief
from kaffebro.network.members import member_person
from tests.security.world import MEMBER_ROLES, World


@dataclass
class ApiWorld:
    world: World
    tokens: dict[str, str]  # role → the secret of its token (`kb_…`)
    own: dict[str, str]
    foreign: dict[str, str]

    def user(self, role: str) -> User:
        return self.world.users[role]

    def foreign_parties(self, kind: str) -> frozenset[str]:
        return self.world.parties_of_foreign(kind) | FOREIGN_PARTIES.get(kind, frozenset())


FOREIGN_PARTIES = {"prep_brief": frozenset({"nanna"}), "helper": frozenset({"nanna"})}


def _brief_code(seeker: User) -> str:
    return PrepBrief.objects.filter(seeker=seeker).order_by("id").values_list("code", flat=True)[0]


def build_api_world(world: World) -> ApiWorld:
    """Tokens for every role and the API's extra codes; inside the caller's transaction, like the world itself."""
    tokens = {role: create_token(world.users[role], "authorization matrix").value for role in MEMBER_ROLES}
    own = {
        **world.own,
        "prep_brief": _brief_code(world.users["mette"]),
        "helper": member_person(world.users["karl"]).code,
    }
    foreign = {
        **world.foreign,
        "prep_brief": _brief_code(world.users["nanna"]),
        "helper": member_person(world.extras["ulrik"]).code,
    }
    return ApiWorld(world=world, tokens=tokens, own=own, foreign=foreign)
