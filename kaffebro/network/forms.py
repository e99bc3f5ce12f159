"""Forms for the network pages. They validate input; the actions make the changes."""

from __future__ import annotations

from typing import cast

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kaffebro.accounts.models import User
from kaffebro.network import access
from kaffebro.network.actions import MAX_MONTHLY_LIMIT, ContactDetails
from kaffebro.network.importing.records import MAPPABLE_FIELDS
from kaffebro.network.models import (
    EmploymentForm,
    Gender,
    HowKnown,
    ImportFormat,
    Industry,
    Organisation,
    Region,
    RowOutcome,
    Sector,
    SectorBackground,
    Strength,
    TargetKind,
    Visibility,
)

SEARCH_MAX_LENGTH = 200
MAX_LIST_ITEMS = 30
LIST_ITEM_MAX_LENGTH = 100


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _blank_first(label, choices) -> list[tuple[str, str]]:
    return [("", label), *choices]


class ContactForm(forms.Form):
    """A contact in the member's own address book: a name, where they work, and how well the member knows them."""

    first_name = forms.CharField(label=_("First name"), max_length=100, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=100, required=False)
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to use the first and last name."),
    )
    organisation_name = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "known-organisations", "autocomplete": "off"}),
        help_text=_("Where they work now. Choose a known organisation from the suggestions or write the name."),
    )
    unit_name = forms.CharField(
        label=_("Unit"), max_length=200, required=False, help_text=_("Department, team or office, if you know it.")
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    how_known = forms.ChoiceField(
        label=_("How we know each other"),
        choices=_blank_first(_("Choose…"), HowKnown.choices),
        required=False,
    )
    since = forms.DateField(label=_("Known since"), required=False, widget=DateInput())
    strength = forms.TypedChoiceField(
        label=_("How well do you know each other?"),
        choices=Strength.choices,
        coerce=int,
        initial=Strength.KNOW_WELL,
        widget=forms.RadioSelect,
    )
    is_private = forms.BooleanField(
        label=_("Private contact"),
        required=False,
        help_text=_("A private contact is never used in anyone else's paths."),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        required=False,
        help_text=_("Optional. Kept only in your own address book; Kaffebro never writes to your contacts."),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        help_text=_("Optional. Kept only in your own address book."),
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean_since(self):
        since = self.cleaned_data["since"]
        if since and since > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return since

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        full_name = (cleaned.get("full_name") or "").strip()
        if not full_name:
            full_name = " ".join(
                part
                for part in ((cleaned.get("first_name") or "").strip(), (cleaned.get("last_name") or "").strip())
                if part
            )
            if not full_name and "full_name" not in self.errors:
                self.add_error("full_name", _("Write the contact's name: a full name, or a first and a last name."))
            if len(full_name) > 200:
                self.add_error("full_name", _("Keep the name under 200 characters."))
        cleaned["full_name"] = full_name
        if (cleaned.get("unit_name") or "").strip() and not (cleaned.get("organisation_name") or "").strip():
            self.add_error("organisation_name", _("Write the organisation the unit belongs to."))
        return cleaned

    def details(self) -> ContactDetails:
        data = self.cleaned_data
        return ContactDetails(
            full_name=data["full_name"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            organisation_name=data["organisation_name"],
            unit_name=data["unit_name"],
            title=data["title"],
            how_known=data["how_known"],
            since=data["since"],
            strength=data["strength"],
            is_private=data.get("is_private"),
            email=data["email"],
            phone=data["phone"],
            notes=data["notes"],
        )


class EditContactForm(ContactForm):
    """Editing leaves privacy alone: it has its own switch on the contact's page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["is_private"]


class StrengthForm(forms.Form):
    strength = forms.TypedChoiceField(label=_("Strength"), choices=Strength.choices, coerce=int)


class ContactSearchForm(forms.Form):
    """Search and filter the member's own contacts; the organisations offered are where their contacts work."""

    q = forms.CharField(
        label=_("Search name, organisation or title"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    organisation = forms.ChoiceField(label=_("Organisation"), required=False)

    def __init__(self, *args, organisations: list[Organisation], **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = {org.code: org for org in organisations}
        cast(forms.ChoiceField, self.fields["organisation"]).choices = _blank_first(
            _("All organisations"), [(org.code, org.name) for org in organisations]
        )

    def selected_organisation(self) -> Organisation | None:
        return self.organisations.get(self.cleaned_data.get("organisation") or "")


class OrganisationSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search name or other name"),
        max_length=SEARCH_MAX_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), choices=_blank_first(_("All sectors"), Sector.choices), required=False
    )
    industry = forms.ChoiceField(
        label=_("Industry"), choices=_blank_first(_("All industries"), Industry.choices), required=False
    )
    region = forms.ChoiceField(
        label=_("Region"), choices=_blank_first(_("All regions"), Region.choices), required=False
    )


class CommaSeparatedField(forms.CharField):
    """A list typed as comma-separated words, stored as a list without blanks or repeats."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", MAX_LIST_ITEMS * (LIST_ITEM_MAX_LENGTH + 2))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def clean(self, value):
        text = super().clean(value)
        items: list[str] = []
        for item in (part.strip() for part in text.split(",")):
            if item and item.casefold() not in {existing.casefold() for existing in items}:
                items.append(item)
        if len(items) > MAX_LIST_ITEMS:
            raise forms.ValidationError(_("Give at most %(count)d items.") % {"count": MAX_LIST_ITEMS})
        if any(len(item) > LIST_ITEM_MAX_LENGTH for item in items):
            raise forms.ValidationError(
                _("Keep each item under %(length)d characters.") % {"length": LIST_ITEM_MAX_LENGTH}
            )
        return items


SEGMENT_HELP = _("Optional. Used only in statistics of at least 5 people, never to single you out.")


class SeekerProfileForm(forms.Form):
    headline = forms.CharField(
        label=_("Headline"),
        max_length=200,
        required=False,
        help_text=_("One line about you, e.g. “Development consultant with a knack for data”."),
    )
    offer = forms.CharField(
        label=_("What I offer"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("How you can make a difference for an employer. You will reuse it when you prepare a request."),
    )
    competencies = CommaSeparatedField(label=_("Competencies"), help_text=_("Separate them with commas."))
    job_fields = CommaSeparatedField(
        label=_("Job fields"), help_text=_("The kinds of job you are looking for, separated by commas.")
    )
    regions = forms.MultipleChoiceField(
        label=_("Regions"), choices=Region.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    looking_visibility = forms.ChoiceField(
        label=_("Who may see that I am looking"), choices=Visibility.choices, initial=Visibility.PRIVATE
    )
    industry = forms.ChoiceField(
        label=_("Industry"),
        choices=_blank_first(_("Not stated"), Industry.choices),
        required=False,
        help_text=SEGMENT_HELP,
    )
    sector_background = forms.ChoiceField(
        label=_("Sector background"),
        choices=_blank_first(_("Not stated"), SectorBackground.choices),
        required=False,
        help_text=SEGMENT_HELP,
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"),
        choices=_blank_first(_("Not stated"), EmploymentForm.choices),
        required=False,
        help_text=SEGMENT_HELP,
    )
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=_blank_first(_("Not stated"), Gender.choices),
        required=False,
        help_text=_("Optional. Never shown to anyone; used only in statistics of at least 5 people."),
    )


class TargetForm(forms.Form):
    """A new target: the organisation, unit and posting are found by name (or code) among the shared ones."""

    kind = forms.ChoiceField(label=_("What are you aiming at?"), choices=TargetKind.choices, widget=forms.RadioSelect)
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"list": "target-organisations", "autocomplete": "off"}),
        help_text=_("For a job posting, a unit or an organisation."),
    )
    unit = forms.CharField(
        label=_("Unit"),
        max_length=200,
        required=False,
        help_text=_("The unit's name as it appears on the organisation's page."),
    )
    posting = forms.CharField(
        label=_("Job posting"),
        max_length=200,
        required=False,
        help_text=_("The posting's title as it appears on the organisation's page."),
    )
    job_field = forms.CharField(
        label=_("Job field"), max_length=100, required=False, help_text=_("For a job field, e.g. “data analysis”.")
    )
    region = forms.ChoiceField(label=_("Region"), choices=_blank_first(_("Anywhere"), Region.choices), required=False)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        kind = cleaned.get("kind")
        cleaned.update(posting_obj=None, unit_obj=None, organisation_obj=None)
        if kind in {TargetKind.POSTING, TargetKind.UNIT, TargetKind.ORGANISATION}:
            organisation = self._one_organisation(cleaned.get("organisation") or "")
            if organisation is None:
                return cleaned
            if kind == TargetKind.ORGANISATION:
                cleaned["organisation_obj"] = organisation
            elif kind == TargetKind.UNIT:
                cleaned["unit_obj"] = self._one("unit", access.unit_in(organisation, cleaned.get("unit") or ""))
            else:
                cleaned["posting_obj"] = self._one(
                    "posting", access.posting_in(organisation, cleaned.get("posting") or "")
                )
        elif kind == TargetKind.FIELD and not (cleaned.get("job_field") or "").strip():
            self.add_error("job_field", _("Write the job field you are aiming at."))
        return cleaned

    def _one_organisation(self, value: str) -> Organisation | None:
        value = value.strip()
        if not value:
            self.add_error("organisation", _("Write the organisation's name."))
            return None
        by_code = list(access.visible_organisations(self.user).filter(code=value))
        return self._one("organisation", by_code or access.organisations_named(self.user, value))

    def _one(self, field: str, matches: list):
        if not matches:
            self.add_error(field, _("No match. Check the spelling or choose from the suggestions."))
            return None
        if len(matches) > 1:
            self.add_error(field, _("Several match this name. Open the organisation's page and choose it there."))
            return None
        return matches[0]


class ConnectorSettingsForm(forms.Form):
    open_to_introductions = forms.BooleanField(
        label=_("I am open to introductions"),
        required=False,
        help_text=_(
            "Other members may then find paths through your contacts. Names stay hidden until you approve "
            "an introduction."
        ),
    )
    monthly_limit = forms.IntegerField(
        label=_("Introduction requests a month at most"),
        min_value=0,
        max_value=MAX_MONTHLY_LIMIT,
        help_text=_("From 0 to %(max)d.") % {"max": MAX_MONTHLY_LIMIT},
    )
    paused_until = forms.DateField(
        label=_("Pause until"),
        required=False,
        widget=DateInput(),
        help_text=_("No requests reach you until this date. Leave empty for no pause."),
    )
    contacts_private_by_default = forms.BooleanField(
        label=_("New contacts are private"),
        required=False,
        help_text=_("Applies to contacts you add from now on; you can change each contact on its own."),
    )
    show_name_in_paths = forms.BooleanField(
        label=_("Show my name in other members' paths"),
        required=False,
        help_text=_('Otherwise you appear as "a connector at" your organisation until you approve an introduction.'),
    )

    def clean_paused_until(self):
        paused_until = self.cleaned_data["paused_until"]
        if paused_until and paused_until < timezone.localdate():
            raise forms.ValidationError(_("A pause must end today or later."))
        return paused_until


class BlockOrganisationForm(forms.Form):
    organisation = forms.CharField(
        label=_("Organisation to block"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "block-organisations", "autocomplete": "off"}),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_organisation(self) -> Organisation:
        value = self.cleaned_data["organisation"].strip()
        matches = list(access.visible_organisations(self.user).filter(code=value)) or access.organisations_named(
            self.user, value
        )
        if not matches:
            raise forms.ValidationError(_("No organisation has this name. Check the spelling."))
        if len(matches) > 1:
            raise forms.ValidationError(_("Several organisations have this name. Block it from its page instead."))
        return matches[0]


class BlockPersonForm(forms.Form):
    contact = forms.CharField(
        label=_("Contact to block"),
        max_length=200,
        widget=forms.TextInput(attrs={"list": "block-contacts", "autocomplete": "off"}),
        help_text=_("The name as it appears in your network."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_contact(self):
        matches = access.contacts_named(self.user, self.cleaned_data["contact"])
        if not matches:
            raise forms.ValidationError(_("None of your contacts has this name."))
        if len(matches) > 1:
            raise forms.ValidationError(
                _("Several of your contacts have this name. Block it from the contact instead.")
            )
        return matches[0]


# ---- Contact import ----

IMPORT_FIELD_LABELS = {
    "first_name": _("First name"),
    "last_name": _("Last name"),
    "full_name": _("Full name"),
    "email": _("E-mail address"),
    "phone": _("Phone"),
    "organisation": _("Organisation"),
    "unit": _("Unit"),
    "title": _("Title"),
    "profile_url": _("Profile address"),
    "connected_on": _("Known since"),
    "how_known": _("How we know each other"),
}
# A contact may have several e-mail addresses and phone numbers; every other field comes from one column.
MULTI_COLUMN_FIELDS = {"email", "phone"}
CONTACT_FILE_TYPES = ".csv,.vcf,.vcard,.txt,text/csv,text/vcard,text/x-vcard"


def _keep_contact_details_field() -> forms.BooleanField:
    return forms.BooleanField(
        label=_("Keep e-mail addresses and phone numbers in my own address book"),
        required=False,
        help_text=_(
            "Off by default: finding paths needs only names, workplaces and titles. If you tick it, e-mail "
            "addresses and phone numbers are kept on your own contact cards, which only you see."
        ),
    )


class ContactFileForm(forms.Form):
    """The exported contact file and how to read it; the import action checks what is inside."""

    file = forms.FileField(
        label=_("Contact file"),
        allow_empty_file=True,  # the importer explains an empty file in its own words
        widget=forms.FileInput(attrs={"accept": CONTACT_FILE_TYPES}),
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=ImportFormat.choices,
        initial=ImportFormat.AUTO,
        help_text=_("Kaffebro recognises the format by itself; choose one only if it guesses wrong."),
    )
    keep_contact_details = _keep_contact_details_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "LinkedIn's Connections.csv, a vCard file (.vcf) or a spreadsheet saved as CSV, at most %(size)s."
        ) % {"size": filesizeformat(settings.IMPORT_MAX_BYTES)}

    def clean_file(self):
        """A file over the limit is refused before its bytes are read into memory."""
        upload = self.cleaned_data["file"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s. Export fewer contacts at a time, or split the file."),
                params={"size": filesizeformat(settings.IMPORT_MAX_BYTES)},
            )
        return upload


class ImportMappingForm(forms.Form):
    """How to read the file in the preview: its format and, for a spreadsheet, what each column holds."""

    format = forms.ChoiceField(label=_("Format"), choices=ImportFormat.choices)

    def __init__(self, *args, columns: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        self.columns = columns
        choices = [("", _("Ignore this column")), *((name, IMPORT_FIELD_LABELS[name]) for name in MAPPABLE_FIELDS)]
        for index, column in enumerate(columns):
            self.fields[self.column_field(index)] = forms.ChoiceField(
                label=column.strip() or gettext("Column %(number)d") % {"number": index + 1},
                choices=choices,
                required=False,
                initial=mapping.get(column, ""),
            )

    @staticmethod
    def column_field(index: int) -> str:
        return f"column_{index}"

    def column_fields(self) -> list[forms.BoundField]:
        return [self[self.column_field(index)] for index in range(len(self.columns))]

    def clean(self):
        super().clean()
        chosen = [self.cleaned_data.get(self.column_field(index)) for index in range(len(self.columns))]
        twice = sorted({name for name in chosen if name and name not in MULTI_COLUMN_FIELDS and chosen.count(name) > 1})
        if twice:
            raise forms.ValidationError(
                _("Choose one column at most for each of: %(fields)s."),
                params={"fields": ", ".join(str(IMPORT_FIELD_LABELS[name]) for name in twice)},
            )
        return self.cleaned_data

    def mapping(self) -> dict[str, str]:
        """Column header -> field name, or "" for a column to ignore."""
        return {column: self.cleaned_data[self.column_field(index)] for index, column in enumerate(self.columns)}


class ImportChoicesForm(forms.Form):
    """The choices that matter only when the import runs, asked next to the Import button."""

    keep_contact_details = _keep_contact_details_field()
    remove_missing = forms.BooleanField(
        label=_("Remove contacts that are no longer in the file"),
        required=False,
        help_text=_(
            "For a newer export of the same list: contacts you imported earlier that are missing from this file "
            "are removed from your network. Leave it off to keep them."
        ),
    )


class ImportRowFilterForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Show"), choices=_blank_first(_("All rows"), RowOutcome.choices), required=False
    )
