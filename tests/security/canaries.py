"""The canary crawl's seeds and its crawler (tests/security/test_canary_crawl.py).

Mette's private data in every app carries a unique string, a canary. Each canary says which roles may
legitimately read it, from the rules of docs/jobs.md, docs/meetings.md and docs/privacy.md; every other role
crawls the whole site and the whole API and must never meet it. Canaries are lower-case letters, digits and
hyphens, so HTML escaping, JSON and CSV leave them as they are, and they are matched without regard to case
(an e-mail address may be lower-cased, a TOTP secret upper-cased).
"""

from __future__ import annotations

import io
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit, urlunsplit

from django.test import Client
from django.utils import timezone

from kaffebro.accounts.models import Authenticator, User
from kaffebro.api.models import ApiToken, IdempotencyRecord
from kaffebro.jobs.models import (
    CoachAccess,
    CoachNote,
    Outcome,
    ProfileShare,
    ShareConsent,
    ShareRecipient,
    Suggestion,
)
from kaffebro.meetings.models import MeetingOutcome, MeetingRequest, PrepBrief, RequestKind, RequestState
from kaffebro.network.members import connector_settings, member_person
from kaffebro.network.models import (
    Block,
    ContactCard,
    ImportBatch,
    ImportRow,
    ImportStatus,
    MergeSuggestion,
    Organisation,
    Person,
    Position,
    SeekerProfile,
    Strength,
    Target,
    TargetKind,
    Visibility,
)
from kaffebro.notifications.models import Notification
from tests.conftest import know, log_in_with_second_factor, make_member

PREFIX = "canary7f3a"

# The roles that crawl, besides Mette herself.
NANNA = "nanna"  # another job seeker aiming at Mette's organisation, who knows Karl, who knows Mette
JONAS = "jonas"  # Mette's connector, with her standing consent to put her profile in play
KARL = "karl"  # a connector who knows Mette, without her consent
BIRTHE = "birthe"  # Mette's coach (an open coach access)
KIM = "kim"  # a coach Mette never let follow her search
SOFIE = "sofie"  # the decision-maker of Mette's target unit, who got her profile and a suggestion of her
DORTE = "dorte"  # the decision-maker of another unit
OLGA = "olga"  # an operator
LARS = "lars"  # a member Mette asked for consent to suggest him (privacy/conftest.py), and no more
ANONYMOUS = "anonymous"
METTE = "mette"
ROLES = (NANNA, JONAS, KARL, BIRTHE, KIM, SOFIE, DORTE, OLGA, LARS, ANONYMOUS)


def canary(name: str) -> str:
    return f"{PREFIX}-{name}"


@dataclass(frozen=True)
class Canary:
    """One seeded string: where it lives, who besides Mette may read it, and whether Mette's pages show it."""

    text: str
    where: str
    seen_by: frozenset[str] = frozenset()
    shown_to_mette: bool = True

    def forbidden_for(self, role: str) -> bool:
        return role != METTE and role not in self.seen_by


@dataclass
class Cast:
    """The crawling roles' users (anonymous has none) and Mette's seeded world."""

    users: dict[str, User]
    canaries: list[Canary] = field(default_factory=list)
    mettes_codes: dict[type, list[str]] = field(default_factory=dict)


# Who legitimately reads what of Mette's, and why (the docs named above):
# - her name: the connector of her request and helper of her profile (Jonas), the person she asked to meet, who
#   also received her profile and a suggestion of her (Sofie), her coach (Birthe), and Lars, whom she asked to let
#   her suggest him (privacy/conftest.py). Everyone else meets her at most as "a connector at" her organisation;
#   Karl, who has her among his contacts but seeks nothing, is not even told that she is a member
#   (`access.shares.eligible_helpers` lists helpers to seekers only).
NAME_READERS = frozenset({JONAS, SOFIE, BIRTHE, LARS})
# - her e-mail address: the member she meets at a scheduled coffee meeting (Jonas, who asked her), whose calendar
#   invitation names both who meet by address (docs/meetings.md, the seeker as ORGANIZER and ATTENDEE lines).
EMAIL_READERS = frozenset({JONAS})
# - her request (docs/meetings.md, "Who sees a request"): its brief, the connector who approves the introduction
#   and the person to meet, who is also the decision-maker a suggestion of her was made to
#   (`access.suggestions.briefs_for`); her message, the connector it asks; the place, the person she meets there.
#   What she learned from a meeting, her next step and the outcome she noted are hers alone, also toward the
#   member she met.
BRIEF_READERS = frozenset({JONAS, SOFIE})
MESSAGE_READERS = frozenset({JONAS})
PLACE_READERS = frozenset({SOFIE})
# - her profile (headline, offer, competencies, job fields): a helper with her standing consent, and a member
#   recipient of her profile or of a suggestion of her.
PROFILE_READERS = frozenset({JONAS, SOFIE})
# Her coach may put her in play too, and finds her by her headline among the seekers she may suggest.
HEADLINE_READERS = PROFILE_READERS | {BIRTHE}
# - the places she aims at: her coach, and a helper with her standing consent (`access.shares.targets_for_helper`).
#   The notes on a target are hers alone.
TARGET_READERS = frozenset({JONAS, BIRTHE})
# - the text of a consent she gave: the helper she gave it to (his data export holds the consents given to him).
CONSENT_READERS = frozenset({JONAS})
# - an endorsement and the decision-maker's word back: the suggester and the decision-maker (the word back is
#   not hers to read).
SUGGESTION_READERS = frozenset({JONAS, SOFIE})


def seed(everything, users: dict[str, User]) -> Cast:
    """Canaries in every app, on top of the `everything` world of tests/privacy/conftest.py."""
    mette = everything.mette
    cast = Cast(users)
    for plant in (_account, _contacts, _imports, _search, _meetings, _jobs):
        cast.canaries += plant(everything)
    cast.mettes_codes = mettes_codes(mette)
    return cast


def _account(everything) -> list[Canary]:
    mette = everything.mette
    User.objects.filter(pk=mette.pk).update(
        display_name=f"Mette {canary('display-name')}", email=f"{canary('email')}@example.org"
    )
    settings_row = connector_settings(mette)
    settings_row.show_name_in_paths = False
    settings_row.save()
    ApiToken.objects.filter(user=mette).update(name=canary("token-name"))
    Authenticator.objects.filter(member=mette).update(secret=totp_secret())
    IdempotencyRecord.objects.filter(user=mette).update(body={"note": canary("idempotency-body")})
    return [
        Canary(canary("display-name"), "User.display_name", NAME_READERS),
        Canary(canary("email"), "User.email", EMAIL_READERS),
        Canary(canary("token-name"), "ApiToken.name"),
        Canary(totp_secret(), "Authenticator.secret", shown_to_mette=False),
        Canary(canary("idempotency-body"), "IdempotencyRecord.body", shown_to_mette=False),
    ]


def totp_secret() -> str:
    """A valid base-32 secret (A-Z, 2-7) that is also a canary once lower-cased."""
    return f"{PREFIX}totp".upper().ljust(32, "Q")


def _contacts(everything) -> list[Canary]:
    """A private contact at a private organisation, with every field of the card, and a blocked person."""
    mette = everything.mette
    hideaway = Organisation.objects.create(name=canary("private-org"), private_to=mette)
    confidant = Person.objects.create(name=canary("person-name"))
    card = know(mette, confidant, private=True, organisation=hideaway, title=canary("card-title"))
    ContactCard.objects.filter(pk=card.pk).update(
        full_name=canary("card-name"),
        first_name=canary("card-first"),
        last_name=canary("card-last"),
        unit_name=canary("card-unit"),
        profile_url=f"https://example.org/{canary('card-url')}",
        email=f"{canary('card-email')}@example.org",
        phone=canary("card-phone"),
        notes=canary("card-notes"),
    )
    Position.objects.create(person=confidant, organisation=hideaway, title=canary("position"), recorded_by=mette)
    blocked = Person.objects.create(name=canary("blocked-person"))
    know(mette, blocked, private=True, strength=Strength.MET_ONCE)
    Block.objects.create(owner=mette, person=blocked)
    names = ["private-org", "person-name", "card-title", "card-name", "card-first", "card-last", "card-unit"]
    names += ["card-url", "card-email", "card-phone", "card-notes", "position", "blocked-person"]
    return [Canary(canary(name), f"contact: {name}") for name in names]


def _imports(everything) -> list[Canary]:
    """A file waiting for her confirmation (its rows are read from the bytes) and a finished one."""
    mette = everything.mette
    waiting = f"First Name,Last Name\n{canary('import-first')},{canary('import-last')}\n"
    ImportBatch.objects.create(
        owner=mette, filename=f"{canary('import-file')}.csv", content=waiting.encode(), total_rows=1
    )
    done = ImportBatch.objects.create(
        owner=mette,
        filename=f"{canary('import-done-file')}.csv",
        status=ImportStatus.DONE,
        counts={"created": 1},
        total_rows=1,
    )
    ImportRow.objects.create(
        batch=done, row_number=1, outcome="created", reason="new_person", name=canary("import-row")
    )
    twin = Person.objects.create(name=canary("twin-name"))
    know(mette, twin, private=True)
    MergeSuggestion.objects.create(
        owner=mette, person=twin, candidate=everything.henrietta, score=80, reason="similar_name_at_organisation"
    )
    names = ["import-first", "import-last", "import-file", "import-done-file", "import-row", "twin-name"]
    return [Canary(canary(name), f"import: {name}") for name in names]


def _search(everything) -> list[Canary]:
    """Her profile, private to her, and where she aims: targets and their notes."""
    mette = everything.mette
    SeekerProfile.objects.filter(user=mette).update(
        headline=canary("headline"),
        offer=canary("offer"),
        competencies=[canary("competency")],
        looking_visibility=Visibility.PRIVATE,
    )
    Target.objects.filter(seeker=mette).update(notes=canary("target-notes"))
    Target.objects.create(seeker=mette, kind=TargetKind.FIELD, job_field=canary("target-field"), priority=5)
    return [
        Canary(canary("headline"), "SeekerProfile.headline", HEADLINE_READERS),
        Canary(canary("offer"), "SeekerProfile.offer", PROFILE_READERS),
        Canary(canary("competency"), "SeekerProfile.competencies", PROFILE_READERS),
        Canary(canary("target-notes"), "Target.notes"),
        Canary(canary("target-field"), "Target.job_field", TARGET_READERS),
    ]


def _meetings(everything) -> list[Canary]:
    """Her request through Jonas to Sofie with its brief, and a draft to her private contact nobody was sent."""
    own = everything.own_request
    MeetingRequest.objects.filter(pk=own.pk).update(message=canary("request-message"), place=canary("place"))
    brief_parts = ("knowledge", "offer", "difference", "ask", "their_gain")
    PrepBrief.objects.filter(pk=own.brief_id).update(**{part: canary(f"brief-{part}") for part in brief_parts})
    confidant = Person.objects.get(name=canary("person-name"))
    MeetingRequest.objects.create(
        seeker=everything.mette,
        brief=PrepBrief.objects.get(pk=own.brief_id),
        kind=RequestKind.DIRECT,
        person=confidant,
        path=[confidant.pk],
        state=RequestState.DRAFT,
        message=canary("draft-message"),
    )
    now = timezone.now()
    held = MeetingRequest.objects.create(
        seeker=everything.mette,
        brief=PrepBrief.objects.get(pk=own.brief_id),
        kind=RequestKind.DIRECT,
        person=member_person(everything.jonas),
        person_member=everything.jonas,
        path=[member_person(everything.jonas).pk],
        state=RequestState.HELD,
        first_sent=now,
        reached_person=now,
        learned=canary("learned"),
        next_step=canary("next-step"),
    )
    MeetingOutcome.objects.create(request=held, kind="new_contact", note=canary("meeting-outcome"))
    return [
        Canary(canary("request-message"), "MeetingRequest.message", MESSAGE_READERS),
        Canary(canary("place"), "MeetingRequest.place", PLACE_READERS),
        Canary(canary("learned"), "MeetingRequest.learned (a meeting held with Jonas)"),
        Canary(canary("next-step"), "MeetingRequest.next_step (a meeting held with Jonas)"),
        Canary(canary("meeting-outcome"), "MeetingOutcome.note (a meeting held with Jonas)"),
        *(Canary(canary(f"brief-{part}"), f"PrepBrief.{part}", BRIEF_READERS) for part in brief_parts),
        Canary(canary("draft-message"), "a draft MeetingRequest.message"),
    ]


def _jobs(everything) -> list[Canary]:
    mette = everything.mette
    ShareConsent.objects.filter(seeker=mette, carried_from=None).update(text=canary("consent-text"))
    ProfileShare.objects.filter(seeker=mette, passed_on_from=None).update(note=canary("share-note"))
    Suggestion.objects.filter(seeker=mette).update(
        how_known=canary("endorse-how"), why_fit=canary("endorse-why"), reason_back=canary("reason-back")
    )
    CoachNote.objects.filter(seeker=mette).update(text=canary("coach-note"))
    Outcome.objects.filter(seeker=mette).update(note=canary("outcome-note"))
    return [
        Canary(canary("consent-text"), "ShareConsent.text", CONSENT_READERS),
        Canary(canary("share-note"), "ProfileShare.note", PROFILE_READERS),
        Canary(canary("endorse-how"), "Suggestion.how_known", SUGGESTION_READERS),
        Canary(canary("endorse-why"), "Suggestion.why_fit", SUGGESTION_READERS),
        Canary(canary("reason-back"), "Suggestion.reason_back", SUGGESTION_READERS, shown_to_mette=False),
        Canary(canary("coach-note"), "CoachNote.text (Birthe's)", frozenset({BIRTHE})),
        Canary(canary("outcome-note"), "Outcome.note"),
    ]


MettesCodes = dict[type, list[str]]


def mettes_codes(mette: User) -> MettesCodes:
    """The codes of every object that is Mette's own, by model (reference data such as units and postings is not)."""
    querysets = [
        ContactCard.objects.filter(owner=mette),
        Target.objects.filter(seeker=mette),
        SeekerProfile.objects.filter(user=mette),
        Organisation.objects.filter(private_to=mette),
        Block.objects.filter(owner=mette),
        ImportBatch.objects.filter(owner=mette),
        MergeSuggestion.objects.filter(owner=mette),
        Notification.objects.filter(recipient=mette),
        PrepBrief.objects.filter(seeker=mette),
        MeetingRequest.objects.filter(seeker=mette),
        ShareConsent.objects.filter(seeker=mette),
        ProfileShare.objects.filter(seeker=mette),
        ShareRecipient.objects.filter(share__seeker=mette),
        Suggestion.objects.filter(seeker=mette),
        CoachAccess.objects.filter(seeker=mette),
        Outcome.objects.filter(seeker=mette),
        ApiToken.objects.filter(user=mette),
    ]
    codes = {queryset.model: sorted(queryset.values_list("code", flat=True)) for queryset in querysets}
    codes[User] = [mette.code]
    codes[Person] = [member_person(mette).code]
    return codes


# Which objects' codes each address takes, by URL name (read from the views and their access functions). Each of
# Mette's codes of those models goes in; putting every code into every address would cost ten times the requests
# and only adds lookups of the wrong model, which test_url_sweep.py already sweeps as the stranger. Reference data
# (units, postings, public organisations) has no owner, so no code of Mette's is one: those addresses get her
# private organisation's and target's codes, the nearest of hers.
NETWORK = {
    **dict.fromkeys(
        ["import_preview", "import_confirm", "import_cancel", "import_retry", "import_progress"], (ImportBatch,)
    ),
    **dict.fromkeys(["import_summary", "import_summary_csv"], (ImportBatch,)),
    "decide_suggestion": (MergeSuggestion,),
    **dict.fromkeys(
        ["edit_contact", "rate_contact", "set_contact_private", "confirm_decision_maker", "delete_contact"],
        (ContactCard, Person),
    ),
    "organisation": (Organisation,),
    **dict.fromkeys(["remove_target", "move_target"], (Target,)),
    "unblock": (Block,),
}
PATHS = {
    "target": (Target,),
    **dict.fromkeys(["organisation", "organisation_best", "unit", "unit_detail", "posting"], (Organisation, Target)),
}
MEETINGS = {
    **dict.fromkeys(["brief", "brief_check"], (Target, PrepBrief)),
    **dict.fromkeys(
        [
            "request",
            "send",
            "approve",
            "ask_for_changes",
            "decline_introduction",
            "accept",
            "decline",
            "propose_times",
            "pick_time",
            "reschedule",
            "cancel",
            "withdraw",
            "confirm_held",
            "follow_up",
            "record_outcome",
            "invitation",
        ],
        (MeetingRequest,),
    ),
}
JOBS = {
    **dict.fromkeys(["posting_create", "posting_import_confirm"], (Organisation,)),
    **dict.fromkeys(["posting_edit", "posting_close", "posting_reopen"], (Target,)),
    "share_withdraw": (ShareConsent,),
    "share_put": (SeekerProfile, User),
    **dict.fromkeys(["share_detail", "share_cancel", "share_consent", "share_decline"], (ProfileShare,)),
    **dict.fromkeys(["share_record", "share_card", "share_card_answer", "share_pass_on"], (ShareRecipient,)),
    **dict.fromkeys(["suggestion", "suggestion_act"], (Suggestion,)),
    "outcome_record": (Target,),
    "outcome_delete": (Outcome,),
    **dict.fromkeys(["coaching_withdraw", "coaching_seeker", "coaching_note"], (CoachAccess,)),
}
API = {
    "token": (ApiToken,),
    **dict.fromkeys(["target", "target_move"], (Target,)),
    "contact": (ContactCard, Person),
    **dict.fromkeys(["import", "import_action"], (ImportBatch,)),
    "organisation": (Organisation,),
    "brief": (PrepBrief, Target),
    **dict.fromkeys(["request", "request_action"], (MeetingRequest,)),
    **dict.fromkeys(["posting", "posting_action"], (Target,)),
    "consent_withdraw": (ShareConsent,),
    **dict.fromkeys(["share", "share_action"], (ProfileShare,)),
    "share_suggested_recipients": (SeekerProfile, User),
    **dict.fromkeys(["share_record", "card", "card_answer"], (ShareRecipient,)),
    **dict.fromkeys(["suggestion", "suggestion_action", "inbox_action"], (Suggestion,)),
    "outcome": (Outcome,),
    **dict.fromkeys(["coach_withdraw", "case", "case_notes"], (CoachAccess,)),
}


def _named(namespace: str, kinds: dict[str, tuple[type, ...]]) -> dict[str, tuple[type, ...]]:
    return {f"{namespace}:{name}": models for name, models in kinds.items()}


CODE_KINDS = {
    **_named("network", NETWORK),
    **_named("paths", PATHS),
    **_named("meetings", MEETINGS),
    **_named("jobs", JOBS),
    **_named("api", API),
    "api_tokens:revoke": (ApiToken,),
    **dict.fromkeys(["postings:detail", "postings:add_target"], (Organisation, Target)),
    "notifications:mark_read": (Notification,),
}


def codes_for(endpoint_name: str, codes: MettesCodes) -> list[str]:
    return [code for model in CODE_KINDS[endpoint_name] for code in codes.get(model, [])]


# The other roles (tests/conftest.py and tests/jobs/conftest.py give Jonas, Sofie, Lars, Olga, Birthe, Kim, Dorte).


def karl_and_nanna(everything) -> tuple[User, User]:
    """Karl, a connector who knows Mette (by a name of his own); Nanna, a seeker aiming at Mette's organisation
    who knows Karl, so her path searches may reach Mette (who hides her name in paths) through him."""
    mette = everything.mette
    karl = make_member("karl@example.org", "Karl Dahl", language="en")
    settings_row = connector_settings(karl)
    settings_row.open_to_introductions = True
    settings_row.contacts_private_by_default = False
    settings_row.save()
    card = know(karl, member_person(mette), strength=Strength.GOOD_CONTACT)
    ContactCard.objects.filter(pk=card.pk).update(full_name="Mette fra Regionen")
    nanna = make_member("nanna@example.org", "Nanna Juhl", language="en")
    SeekerProfile.objects.create(user=nanna, headline="Projektkoordinator", job_fields=["projektledelse"])
    region_h = Position.objects.filter(person=mette.person, is_decision_maker=True).get().organisation
    Target.objects.create(seeker=nanna, kind=TargetKind.ORGANISATION, organisation=region_h, priority=1)
    know(nanna, member_person(karl), strength=Strength.CLOSE)
    return karl, nanna


# The crawler.

# Links a crawl never follows, because they would change the crawler's session or are not the site's pages.
SKIPPED_PREFIXES = {
    "/account/logout/": "logs the crawler out",
    "/account/language/": "switches the session's language",
    "/operator/": "the Django admin: operators legitimately read members' data there (docs/security.md)",
    "/static/": "files, not data",
    "/api/": "crawled separately, with a personal token (crawl_api)",
    "/health/": "the load balancer's probes: they say only whether the server can serve (503 without its services)",
}
PAGE_CAP = 400
HTMX_MARK = " (htmx)"


@dataclass
class Fetched:
    url: str
    status: int
    text: str  # lower-cased, for matching canaries


class LinkFinder(HTMLParser):
    """href, hx-get, src and the action of GET forms: every address a page leads to by reading."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[tuple[str, bool]] = []  # (address, as an htmx request)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for name in ("href", "src"):
            if name in values:
                self.links.append((values[name], False))
        if "hx-get" in values:
            self.links.append((values["hx-get"], True))
        if tag == "form" and values.get("method", "get").lower() == "get":
            self.links.append((values.get("action", ""), False))


def body_text(response) -> str:
    """The body as text, a streamed one and the files of a zip archive too (codes in links keep their case)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body.startswith(b"PK"):
        return zip_text(body)
    return body.decode(errors="replace")


def zip_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "\n".join(archive.read(name).decode(errors="replace") for name in archive.namelist())


def same_site_path(base: str, link: str) -> str | None:
    """The path and query of a same-site link, or None for another site, a mail link or a skipped path."""
    parts = urlsplit(urljoin(base, link.strip()))
    if parts.scheme not in {"http", "https"} or parts.netloc not in {"", "testserver"}:
        return None
    if any(parts.path.startswith(prefix) for prefix in SKIPPED_PREFIXES):
        return None
    return urlunsplit(("", "", parts.path, parts.query, ""))


def fetch(client, path: str, *, htmx: bool = False) -> tuple[Fetched, str, object]:
    """The answer to a GET, for matching canaries, with the body as it came (for its links) and the response."""
    response = client.get(path, headers={"HX-Request": "true"} if htmx else {})
    label = f"{path}{HTMX_MARK if htmx else ''}"
    body = body_text(response)
    return Fetched(label, response.status_code, body.lower()), body, response


def crawl(client: Client, start: Iterable[str], cap: int = PAGE_CAP) -> Iterator[Fetched]:
    """Breadth first from `start`, GET only, following links and redirects, at most `cap` requests."""
    queue = deque((path, False) for path in start)
    seen = set(queue)
    fetched = 0
    while queue and fetched < cap:
        path, htmx = queue.popleft()
        answer, body, response = fetch(client, path, htmx=htmx)
        fetched += 1
        yield answer
        for link, as_htmx in next_links(response, body):
            target = same_site_path("http://testserver" + path, link)
            if target is not None and (target, as_htmx) not in seen:
                seen.add((target, as_htmx))
                queue.append((target, as_htmx))


def next_links(response, text: str) -> list[tuple[str, bool]]:
    if response.has_header("Location"):
        return [(response["Location"], False)]
    if "html" not in response.get("Content-Type", ""):
        return []
    finder = LinkFinder()
    finder.feed(text)
    return finder.links


def crawl_api(client, start: Iterable[str], cap: int = PAGE_CAP) -> Iterator[Fetched]:
    """Every list from its first page on, following the `next` links of cursor pagination."""
    queue = deque(start)
    fetched = 0
    while queue and fetched < cap:
        path = queue.popleft()
        answer, _body, response = fetch(client, path)
        fetched += 1
        yield answer
        if "json" in response.get("Content-Type", "") and response.status_code == 200:
            following = response.json().get("next") if isinstance(response.json(), dict) else None
            if following:
                queue.append(same_site_path("http://testserver" + path, following) or "")


def leaks(fetched: Fetched, canaries: list[Canary], role: str) -> list[str]:
    return [
        f"{role} read {item.text!r} ({item.where}) at {fetched.url}"
        for item in canaries
        if item.forbidden_for(role) and item.text.lower() in fetched.text
    ]


def logged_in_client(user: User | None) -> Client:
    """A client as the member, past the second factor (an operator or a coach must be); anonymous without one."""
    client = Client(raise_request_exception=False)
    if user is not None:
        log_in_with_second_factor(client, user)
    return client
