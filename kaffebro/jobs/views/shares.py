"""Profiles in play, page by page: the overview, the seeker's "where my profile is in play" with her
consents, the helper's "put in play" and their shares, and a member recipient's card.

Views are thin: every read goes through `jobs.access.shares` (404 for anything not the viewer's) and
every change through `jobs.actions.shares`; a refused action comes back as a form error on the same page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from kaffebro.core.access_log import log_read
from kaffebro.core.models import AccessKind
from kaffebro.jobs.access import shares as access
from kaffebro.jobs.actions import shares as actions
from kaffebro.jobs.forms_shares import (
    CardAnswerForm,
    GrantForm,
    PassOnForm,
    RecordAnswerForm,
    SearchForm,
    ShareForm,
    ShownForm,
)
from kaffebro.jobs.models import ConsentScope, ProfileShare, ShareAnswer, ShareRecipient, ShareState
from kaffebro.jobs.shares_states import answers_from
from kaffebro.network.access import PlacedTarget, target_place


def _refused_on(form: forms.Form, refused: actions.Refused) -> None:
    form.add_error(refused.field if refused.field in form.fields else None, refused.message)


def _problems(form: forms.Form | None) -> list[str]:
    """The errors of a posted form the page no longer shows (someone answered first): said above the answers."""
    if form is None:
        return []
    return [str(error) for errors in form.errors.values() for error in errors]


# The overview


@require_safe
def index(request):
    """Seekers the viewer may put in play, the shares they made, and the cards they received."""
    user = request.user
    shares = (
        access.shares_by(user)
        .annotate(
            people=Count("recipients"),
            answered=Count("recipients", filter=~Q(recipients__answer=ShareAnswer.PENDING)),
        )
        .order_by("-created", "-id")
    )
    cards = access.cards_for(user).order_by("-created", "-id")
    return render(
        request,
        "jobs/share_index.html",
        {
            "nav": "shares",
            "seekers": access.seekers_for(user),
            "shares": Paginator(shares, settings.PAGE_SIZE).get_page(request.GET.get("shares_page")),
            "cards": Paginator(cards, settings.PAGE_SIZE).get_page(request.GET.get("cards_page")),
            "is_seeker": access.profile_of(user) is not None,
        },
    )


# The seeker


@dataclass(frozen=True)
class RecipientLine:
    row: ShareRecipient
    shown: str  # a member as their profile allows; anyone else by role kind and place only


@dataclass(frozen=True)
class ShareLines:
    share: ProfileShare
    helper: str
    recipients: list[RecipientLine]


@require_safe
def mine(request):
    """Where the seeker's profile is in play: each share and its answers, and her consents."""
    user = request.user
    page = Paginator(access.shares_of(user), settings.PAGE_SIZE).get_page(request.GET.get("page"))
    shares = list(page)
    shown = access.recipients_shown_to_seeker(shares)
    lines = [
        ShareLines(
            share,
            access.helper_shown_to_seeker(share),
            [RecipientLine(row, shown[row.pk]) for row in share.recipients.all()],
        )
        for share in shares
    ]
    consents = list(access.consents_of(user)[:100])
    given = {c.helper_id for c in consents if c.scope == ConsentScope.STANDING and c.withdrawn is None}
    eligible = [helper for helper in access.eligible_helpers(user) if helper.pk not in given]
    return render(
        request,
        "jobs/share_mine.html",
        {
            "nav": "shares",
            "page": page,
            "lines": lines,
            "consents": consents,
            "eligible": eligible,
            "has_profile": access.profile_of(user) is not None,
        },
    )


def _eligible_helper(user, code: str):
    helper = access.eligible_helpers(user).filter(person__code=code).first()
    if helper is None:
        raise Http404
    return helper


@require_http_methods(["GET", "POST"])
def grant(request):
    """A standing consent to one helper: the exact text, then "I agree"."""
    user = request.user
    code = request.POST.get("helper") if request.method == "POST" else request.GET.get("helper")
    if not isinstance(code, str) or not code:
        messages.error(request, _("Choose one of the people listed."))
        return redirect("jobs:shares_mine")
    helper = _eligible_helper(user, code)
    text = actions.consent_text(user, helper, scope=ConsentScope.STANDING)
    form = GrantForm(request.POST or None, initial={"helper": code, "shown": actions.text_digest(text)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.grant_consent(user, helper, shown=form.cleaned_data["shown"])
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            messages.success(request, _("%(name)s may now put your profile in play.") % {"name": helper.display_name})
            return redirect("jobs:shares_mine")
    context = {"nav": "shares", "helper": helper, "text": text, "form": form}
    return render(request, "jobs/share_grant.html", context)


@require_POST
def withdraw(request, code):
    consent = access.access_consent(request.user, code)
    try:
        actions.withdraw_consent(request.user, consent)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Your consent is withdrawn. %(name)s will have to ask you before putting your profile in play again.")
            % {"name": consent.helper.display_name},
        )
    return redirect("jobs:shares_mine")


@require_http_methods(["GET", "POST"])
def consent(request, code):
    """A share waiting for the seeker's consent: who would receive it, the note, the text; consent or decline."""
    user = request.user
    share = access.access_seekers_share(user, code)
    rows = list(share.recipients.all())
    text = actions.consent_text(user, share.helper, scope=ConsentScope.ONE, recipients=len(rows))
    form = ShownForm(request.POST or None, initial={"shown": actions.text_digest(text)})
    if request.method == "POST" and form.is_valid():
        try:
            actions.consent_to_share(user, share, shown=form.cleaned_data["shown"])
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            messages.success(request, _("Thank you. Your profile is in play."))
            return redirect("jobs:shares_mine")
    shown = access.recipients_shown_to_seeker([share])
    return render(
        request,
        "jobs/share_consent.html",
        {
            "nav": "shares",
            "share": share,
            "helper": access.helper_shown_to_seeker(share),
            "recipients": [RecipientLine(row, shown[row.pk]) for row in rows],
            "text": text,
            "form": form,
            "waiting": share.state == ShareState.AWAITING_CONSENT,
        },
    )


@require_POST
def decline(request, code):
    share = access.access_seekers_share(request.user, code)
    try:
        actions.decline_consent(request.user, share)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Nobody receives your profile from this share."))
    return redirect("jobs:shares_mine")


# The helper


@require_http_methods(["GET", "POST"])
def put(request, code):
    """Put one seeker in play: suggestions from the helper's own contacts, recipients ticked, a short note."""
    user = request.user
    playable = access.playable_seeker(user, code)
    log_read(user, playable.seeker, AccessKind.HELPER_OPENED_SEEKER, playable.profile.code)
    targets = access.targets_for_helper(user, playable)
    search = SearchForm(request.GET)
    form = ShareForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share = actions.send_share(
                user, playable.seeker, form.cleaned_data["recipients"], form.cleaned_data["note"]
            )
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            if share.state == ShareState.SENT:
                messages.success(request, _("The profile is in play."))
            else:
                messages.success(
                    request,
                    _("%(name)s is asked for consent first. Nothing is sent until they say yes.")
                    % {"name": playable.seeker.display_name},
                )
            return redirect("jobs:share_detail", share.code)
    suggestions = access.suggest(
        user,
        playable.seeker,
        targets=targets,
        job_fields=access.job_fields_of(playable, targets),
        query=search.query(),
    )
    chosen = set(request.POST.getlist("recipients"))
    return render(
        request,
        "jobs/share_put.html",
        {
            "nav": "shares",
            "playable": playable,
            "placed": [PlacedTarget(target, *target_place(target)) for target in targets],
            "suggestions": suggestions,
            "chosen": chosen,
            "search": search,
            "form": form,
            "limit": actions.MAX_RECIPIENTS,
        },
    )


@dataclass(frozen=True)
class HelperLine:
    row: ShareRecipient
    name: str  # the helper's own name for them
    text: str  # the text to send by hand, for a recipient who is not a member
    record: RecordAnswerForm | None


@require_safe
def detail(request, code):
    """One of the helper's shares: each recipient, their answer, and for a non-member the text to send."""
    return _render_detail(request, access.access_own_share(request.user, code))


def _render_detail(request, share: ProfileShare, bound: tuple[int, RecordAnswerForm] | None = None):
    user = request.user
    rows = list(share.recipients.all())
    names = access.card_names(user, [row.person_id for row in rows])
    profile = access.profile_of(share.seeker)
    headline = profile.headline if profile is not None else ""
    lines = []
    for row in rows:
        name = names.get(row.person_id) or row.person.name
        text = ""
        record = None
        if row.member_id is None:
            text = actions.text_for_non_member(share, person=name, headline=headline)
            if share.state == ShareState.SENT and answers_from(row.answer):
                record = bound[1] if bound and bound[0] == row.pk else RecordAnswerForm(prefix=row.code)
        lines.append(HelperLine(row, name, text, record))
    shown = bound is not None and any(line.record is bound[1] for line in lines)
    problems = _problems(bound[1]) if bound is not None and not shown else []
    return render(
        request, "jobs/share_detail.html", {"nav": "shares", "share": share, "lines": lines, "problems": problems}
    )


@require_POST
def cancel(request, code):
    share = access.access_own_share(request.user, code)
    try:
        actions.cancel_share(request.user, share)
    except actions.Refused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The share is called off. Nobody received the profile."))
    return redirect("jobs:share_detail", share.code)


@require_POST
def record(request, code):
    """The helper records a non-member's answer given by hand."""
    row = access.access_helpers_recipient(request.user, code)
    form = RecordAnswerForm(request.POST, prefix=row.code)
    if form.is_valid():
        try:
            actions.record_answer(request.user, row, form.cleaned_data["answer"])
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            messages.success(request, _("The answer is recorded."))
            return redirect("jobs:share_detail", row.share.code)
    return _render_detail(request, access.access_own_share(request.user, row.share.code), (row.pk, form))


# The member recipient


@require_safe
def card(request, code):
    """A member's card of a profile put in play to them; the seeker's access log notes it, with their name only
    when their own settings show it (as her page of shares does)."""
    user = request.user
    row = access.access_card(user, code)
    log_read(user, row.share.seeker, AccessKind.RECIPIENT_OPENED_CARD, row.code, named=access.shows_name(user))
    return _render_card(request, row)


def _render_card(request, row: ShareRecipient, **bound: forms.Form):
    user = request.user
    share = row.share
    profile = access.profile_of(share.seeker)
    open_answers = answers_from(row.answer)
    search = SearchForm(request.GET)
    suggestions = []
    if "pass_on" in open_answers:
        fields = [str(field) for field in profile.job_fields] if profile is not None else []
        suggestions = access.suggest(user, share.seeker, targets=[], job_fields=fields, query=search.query())
    return render(
        request,
        "jobs/share_card.html",
        {
            "nav": "shares",
            "row": row,
            "share": share,
            "profile": profile,
            "open_answers": open_answers,
            "answer_form": bound.get("answer") or CardAnswerForm(),
            "pass_on_form": bound.get("pass_on") or PassOnForm(),
            "search": search,
            "suggestions": suggestions,
            "passed_on_by": access.passed_on_by(share),
            "problems": [] if open_answers else [m for form in bound.values() for m in _problems(form)],
        },
    )


@require_POST
def card_answer(request, code):
    """ "Yes, coffee" (an invitation to coffee, then on to the meeting) or "not now"."""
    row = access.access_card(request.user, code)
    form = CardAnswerForm(request.POST)
    if form.is_valid():
        try:
            actions.answer_card(request.user, row, form.cleaned_data["answer"], form.cleaned_data["message"])
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            row.refresh_from_db()
            meeting = row.meeting
            if meeting is not None:
                messages.success(request, _("Your invitation is sent. Propose a few times for the coffee meeting."))
                return redirect("meetings:request", meeting.code)
            messages.success(request, _("Thank you for answering."))
            return redirect("jobs:share_card", row.code)
    return _render_card(request, access.access_card(request.user, code), answer=form)


@require_POST
def card_pass_on(request, code):
    """ "I'll pass it on": to one of the member's own contacts, with a note of their own."""
    row = access.access_card(request.user, code)
    form = PassOnForm(request.POST)
    if form.is_valid():
        try:
            passed = actions.pass_on(request.user, row, form.cleaned_data["recipient"], form.cleaned_data["note"])
        except actions.Refused as refused:
            _refused_on(form, refused)
        else:
            messages.success(request, _("Thank you for passing it on."))
            return redirect("jobs:share_detail", passed.code)
    return _render_card(request, access.access_card(request.user, code), pass_on=form)
