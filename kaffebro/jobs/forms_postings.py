"""The forms of the postings area. They check the shape of what was typed; `actions.postings` checks the rest.

`PostingForm` is the same for a posting written by hand, one edited, and the preview of an imported
job ad: the organisation is fixed by the page, so its units and people are simple choices, named
by codes, never ids. `JobAdForm` reads an upload or pasted text into a `JobAd`; between the steps
of an import the ad travels signed in the page, so nothing is stored before the member confirms.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from django import forms
from django.core import signing
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from kaffebro.accounts.models import User
from kaffebro.jobs.access import postings as access
from kaffebro.jobs.actions.postings import (
    MAX_DESCRIPTION_INPUT_CHARS,
    MAX_JOB_FIELD_CHARS,
    MAX_TEXT_CHARS,
    MAX_TITLE_CHARS,
    MAX_URL_CHARS,
    PostingFields,
)
from kaffebro.jobs.jobad import MAX_BYTES, Employer, JobAd, JobAdError, read_job_ad
from kaffebro.meetings.forms import TextField
from kaffebro.network.models import EmploymentType, Organisation, Person, Posting

AD_SALT = "kaffebro.jobs.jobad"
AD_MAX_AGE = 2 * 60 * 60  # seconds a preview stays valid
MAX_PEOPLE = 300  # a select of people to choose from never grows beyond this
CVR = re.compile(r"^\s*(?:DK)?\s*(\d{8})\s*$", re.IGNORECASE)


def _text(label, max_length: int, *, required: bool = False, help_text="") -> TextField:
    return TextField(label=label, max_length=max_length, required=required, help_text=help_text, strip=True)


class PostingForm(forms.Form):
    title = _text(_("Title"), MAX_TITLE_CHARS, required=True)
    unit = forms.ChoiceField(label=_("Unit"), required=False)
    decision_maker = forms.ChoiceField(
        label=_("Decision-maker"),
        required=False,
        help_text=_("Who decides whom to hire. Members reach them through their paths; the page never names them."),
    )
    contact_person = forms.ChoiceField(
        label=_("Contact person"),
        required=False,
        help_text=_("A member who answers questions about the job. Their name is shown on the posting."),
    )
    deadline = forms.DateField(
        label=_("Application deadline"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),  # what a date input shows in any language
    )
    is_public = forms.BooleanField(
        label=_("The job must be advertised"),
        required=False,
        help_text=_("Public employers must advertise almost every job. Seekers are told why a coffee still helps."),
    )
    employment_type = forms.ChoiceField(label=_("Employment type"), required=False)
    location = _text(_("Location"), MAX_TEXT_CHARS)
    job_field = _text(_("Job field"), MAX_JOB_FIELD_CHARS, help_text=_("For example “data analysis” or “nursing”."))
    description = TextField(
        label=_("Description"),
        required=False,
        max_length=MAX_DESCRIPTION_INPUT_CHARS,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_(
            "Plain text, or simple HTML: paragraphs, lists, bold, italics, links and small headings. "
            "Anything else is removed."
        ),
    )
    url = forms.URLField(
        label=_("Link to the original ad"), required=False, max_length=MAX_URL_CHARS, assume_scheme="https"
    )
    identifier = _text(_("Reference number"), MAX_TEXT_CHARS, help_text=_("The employer's own number for the job."))
    updated = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(
        self, *args, user: User, organisation: Organisation, posting: Posting | None = None, scope=None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.posting = posting
        scope = scope or access.scope_of(user)
        units = access.units_for(user, organisation, scope)
        self.units = {choice.unit.code: choice.unit for choice in units}
        whole = access.may_post_for_whole(user, organisation, scope) or (
            posting is not None and posting.unit_id is None
        )
        unit_field: Any = self.fields["unit"]
        unit_field.choices = ([("", _("The whole organisation"))] if whole else [("", _("Choose a unit"))]) + [
            (choice.unit.code, choice.label) for choice in units
        ]
        unit_field.required = not whole
        self.people: dict[str, Person] = {}
        self._people(
            "decision_maker", access.decision_makers_at(organisation), posting.decision_maker if posting else None
        )
        self._people("contact_person", access.contacts_at(organisation), posting.contact_person if posting else None)
        if posting is None:
            self._suggest_themselves(user)
        type_field: Any = self.fields["employment_type"]
        type_field.choices = [("", _("Not stated")), *EmploymentType.choices]
        if posting is None:
            del self.fields["updated"]

    def _people(self, name: str, candidates, current: Person | None) -> None:
        people = list(candidates[:MAX_PEOPLE])
        if current is not None and all(person.pk != current.pk for person in people):
            people.insert(0, current)
        self.people.update({person.code: person for person in people})
        field: Any = self.fields[name]
        field.choices = [("", _("Nobody named"))] + [(person.code, person.name) for person in people]

    def _suggest_themselves(self, user: User) -> None:
        """A decision-maker writing a new posting is most often its decision-maker: preselect them."""
        own = next((code for code, person in self.people.items() if person.member_id == user.pk), None)
        if own is not None and own in dict(self.fields["decision_maker"].choices):  # type: ignore[attr-defined]
            self.initial.setdefault("decision_maker", own)

    def clean_updated(self) -> datetime.datetime | None:
        value = parse_datetime(self.cleaned_data.get("updated") or "")
        if self.posting is not None and value is None:
            raise forms.ValidationError(_("Open the posting again and make your changes there."))
        return value

    def posting_fields(self) -> PostingFields:
        data = self.cleaned_data
        return PostingFields(
            title=data["title"],
            unit=self.units.get(data["unit"]) if data["unit"] else None,
            decision_maker=self.people.get(data["decision_maker"]) if data["decision_maker"] else None,
            contact_person=self.people.get(data["contact_person"]) if data["contact_person"] else None,
            deadline=data["deadline"],
            is_public=data["is_public"],
            employment_type=data["employment_type"],
            location=data["location"],
            description=data["description"],
            url=data["url"],
            identifier=data["identifier"],
            job_field=data["job_field"],
        )

    @staticmethod
    def initial_for(posting: Posting) -> dict[str, Any]:
        return {
            "title": posting.title,
            "unit": posting.unit.code if posting.unit else "",
            "decision_maker": posting.decision_maker.code if posting.decision_maker else "",
            "contact_person": posting.contact_person.code if posting.contact_person else "",
            "deadline": posting.deadline,
            "is_public": posting.is_public,
            "employment_type": posting.employment_type,
            "location": posting.location,
            "job_field": posting.job_field,
            "description": posting.description,
            "url": posting.url,
            "identifier": posting.identifier,
            "updated": posting.updated.isoformat(),
        }

    @staticmethod
    def initial_from_ad(ad: JobAd, organisation: Organisation, description: str) -> dict[str, Any]:
        """The preview of an imported ad; `description` is already sanitised, so the member sees what is kept."""
        return {
            "title": ad.title,
            "deadline": ad.deadline,
            "is_public": organisation.is_public,
            "employment_type": ad.employment_type,
            "location": ad.location,
            "description": description,
            "url": ad.url,
            "identifier": ad.identifier,
        }


class JobAdForm(forms.Form):
    """Step one of an import: the ad as a file or pasted text; or, once read, the ad again with another employer."""

    file = forms.FileField(
        label=_("Job ad file"),
        required=False,
        help_text=_("The ad's page saved from the browser (.html), or its JSON-LD (.json, .jsonld). At most 2 MB."),
    )
    text = TextField(
        label=_("Or paste the JSON-LD"),
        required=False,
        strip=True,
        max_length=MAX_BYTES,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    employer = _text(
        _("Organisation"),
        MAX_TEXT_CHARS,
        help_text=_("Only if the ad names the employer differently from Kaffebro: its name here, or its CVR number."),
    )
    ad = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is too large (%(size)s MB). A job ad may be at most %(limit)s MB.")
                % {"size": f"{upload.size / 1024 / 1024:.1f}", "limit": f"{MAX_BYTES / 1024 / 1024:.0f}"}
            )
        return upload

    def clean(self):
        data = super().clean() or {}
        if self.errors:
            return data
        token, upload, text = data.get("ad"), data.get("file"), data.get("text")
        try:
            if token and not upload and not text:
                self.job_ad = _ad_from_token(token)
            elif upload:
                self.job_ad = read_job_ad(upload.read(MAX_BYTES + 1))
            elif text:
                self.job_ad = read_job_ad(text)
            else:
                raise JobAdError(str(_("Upload the saved job ad, or paste its JSON-LD.")))
        except JobAdError as error:
            self.add_error("text" if text and not upload else "file", error.message)
        return data

    def employer_sought(self) -> Employer:
        """The employer to look for: what the member wrote, else what the ad says."""
        written = self.cleaned_data.get("employer") or ""
        if not written:
            return self.job_ad.employer
        cvr = CVR.match(written)
        return Employer(name=written, cvr=cvr.group(1) if cvr else "")

    def token(self) -> str:
        return ad_token(self.job_ad)


def ad_token(ad: JobAd) -> str:
    """The ad, signed, for the next step of the import."""
    return signing.dumps(ad.as_data(), salt=AD_SALT, compress=True)


def _ad_from_token(token: str) -> JobAd:
    try:
        return JobAd.from_data(signing.loads(token, salt=AD_SALT, max_age=AD_MAX_AGE))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise JobAdError(str(_("This preview has expired. Upload the job ad again."))) from None
