"""The network: organisations and their units, the persons in them, and who knows whom.

Privacy shapes this model (see the brief): a `Person` holds only what path finding
needs and never contact details; a `ContactCard` is the member's own address-book
entry and nobody else ever sees it; a `Tie` is recorded by one member, who owns it.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kaffebro.core.models import CodeField


class Sector(models.TextChoices):
    PUBLIC = "public", _("Public")
    PRIVATE = "private", _("Private")
    NONPROFIT = "nonprofit", _("Non-profit")


class PublicLevel(models.TextChoices):
    STATE = "state", _("State")
    REGION = "region", _("Region")
    MUNICIPALITY = "municipality", _("Municipality")
    OTHER = "other", _("Other public body")


class Industry(models.TextChoices):
    PUBLIC_ADMINISTRATION = "public_administration", _("Public administration")
    HEALTH = "health", _("Health care")
    EDUCATION = "education", _("Education and research")
    PHARMA = "pharma", _("Pharma and life science")
    FINANCE = "finance", _("Banking and finance")
    ENERGY = "energy", _("Energy and utilities")
    IT = "it", _("IT and consulting")
    RETAIL = "retail", _("Retail and consumer goods")
    INDUSTRY = "industry", _("Manufacturing")
    TRANSPORT = "transport", _("Transport and logistics")
    MEDIA = "media", _("Media and communication")
    CONSTRUCTION = "construction", _("Construction and real estate")
    NONPROFIT = "nonprofit", _("Associations and non-profits")
    OTHER = "other", _("Other")


class Region(models.TextChoices):
    """The five Danish regions; job fields and organisations are narrowed by them."""

    HOVEDSTADEN = "hovedstaden", _("Capital Region of Denmark")
    SJAELLAND = "sjaelland", _("Region Zealand")
    SYDDANMARK = "syddanmark", _("Region of Southern Denmark")
    MIDTJYLLAND = "midtjylland", _("Central Denmark Region")
    NORDJYLLAND = "nordjylland", _("North Denmark Region")


class Organisation(models.Model):
    code = CodeField()
    name = models.CharField(_("name"), max_length=200, db_index=True)
    aliases = models.JSONField(
        _("other names"), default=list, blank=True, help_text=_("Abbreviations and former names, used in search.")
    )
    sector = models.CharField(_("sector"), max_length=16, choices=Sector.choices, default=Sector.PRIVATE)
    public_level = models.CharField(_("public level"), max_length=16, choices=PublicLevel.choices, blank=True)
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, default=Industry.OTHER)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    website = models.URLField(_("website"), blank=True)
    cvr = models.CharField(
        _("CVR number"),
        max_length=8,
        blank=True,
        validators=[RegexValidator(r"^\d{8}$", _("A CVR number has exactly 8 digits."))],
    )
    private_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("private to"),
        help_text=_("The member who typed this organisation in for a contact; empty for shared reference data."),
    )
    verified = models.BooleanField(
        _("verified"),
        default=True,
        db_default=True,
        help_text=_("False for an organisation an import created from a name nobody has confirmed yet."),
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(sector="public") | Q(public_level=""), name="organisation_level_only_public"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.sector == Sector.PUBLIC


class Unit(models.Model):
    """A department, team or office ("enhed", "afdeling") inside one organisation; units form a tree."""

    code = CodeField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("part of")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [models.UniqueConstraint("organisation", "parent", "name", name="unit_unique_name_in_parent")]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A node of the network. Most persons are not members; a member is exactly one person.

    Holds only a name and, through `Position`, where the person works: no e-mail,
    no phone. A person's name is shown to others only under the brief's rules.
    """

    code = CodeField()
    name = models.CharField(_("name"), max_length=200)
    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    suppressed = models.BooleanField(
        _("suppressed"), default=False, help_text=_("The person objected; they never appear in paths or imports.")
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self) -> str:
        return self.name


class Position(models.Model):
    """Where a person works: an organisation, optionally a unit, a title, and whether they decide on hiring."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="positions")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="positions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    is_decision_maker = models.BooleanField(_("decides on hiring"), default=False)
    start_date = models.DateField(_("started"), null=True, blank=True)
    end_date = models.DateField(_("ended"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The member whose contact card says so; empty for reference data."),
    )

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        indexes = [
            models.Index(fields=["organisation", "unit"], name="position_org_unit"),
            models.Index(fields=["person", "end_date"], name="position_person_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=models.F("start_date")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} @ {self.organisation_id}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class Strength(models.IntegerChoices):
    MET_ONCE = 1, _("Met once")
    ACQUAINTANCE = 2, _("Acquaintance")
    KNOW_WELL = 3, _("Know each other")
    GOOD_CONTACT = 4, _("Good contact")
    CLOSE = 5, _("Close colleague or friend")


class HowKnown(models.TextChoices):
    COLLEAGUE = "colleague", _("Colleague")
    FORMER_COLLEAGUE = "former_colleague", _("Former colleague")
    MANAGER = "manager", _("Manager or employee")
    CLIENT = "client", _("Client or partner")
    STUDIES = "studies", _("Studied together")
    ASSOCIATION = "association", _("Association or network")
    FRIEND = "friend", _("Friend")
    FAMILY = "family", _("Family")
    OTHER = "other", pgettext_lazy("how we know each other", "Other")


class TieSource(models.TextChoices):
    MANUAL = "manual", _("Added by hand")
    IMPORT = "import", _("Imported")
    MEETING = "meeting", _("Coffee meeting")


DEFAULT_IMPORT_STRENGTH = Strength.ACQUAINTANCE


class Tie(models.Model):
    """Two persons who know each other, as recorded by one member (the owner).

    `person_a` is the owner's own person and `person_b` the one they know. The same
    pair may be recorded from both sides; path finding combines the records.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ties")
    person_a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="ties_in")
    strength = models.PositiveSmallIntegerField(
        _("strength"),
        choices=Strength.choices,
        default=DEFAULT_IMPORT_STRENGTH,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    strength_rated = models.BooleanField(
        _("rated by the member"), default=False, help_text=_("False while the strength is an import default.")
    )
    how_known = models.CharField(_("how we know each other"), max_length=24, choices=HowKnown.choices, blank=True)
    since = models.DateField(_("known since"), null=True, blank=True)
    last_contact = models.DateField(_("last contact"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=8, choices=TieSource.choices, default=TieSource.MANUAL)
    is_private = models.BooleanField(
        _("private"), default=False, help_text=_("A private contact is never used in anyone else's paths.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        constraints = [
            models.UniqueConstraint("owner", "person_b", name="tie_one_record_per_owner_and_person"),
            models.CheckConstraint(condition=Q(strength__gte=1, strength__lte=5), name="tie_strength_1_to_5"),
            models.CheckConstraint(condition=~Q(person_a=models.F("person_b")), name="tie_two_different_persons"),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}-{self.person_b_id} ({self.strength})"


class ContactCard(models.Model):
    """One contact in a member's own address book, linked to the resolved `Person`.

    Only the owner ever sees these fields. E-mail and phone are kept only when the
    member chooses to keep them.
    """

    code = CodeField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_cards")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contact_cards")
    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    full_name = models.CharField(_("name"), max_length=200)
    organisation_name = models.CharField(_("organisation"), max_length=200, blank=True)
    unit_name = models.CharField(_("unit"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    profile_url = models.URLField(_("profile address"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail address"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    source = models.CharField(_("source"), max_length=8, choices=TieSource.choices, default=TieSource.MANUAL)
    decision_maker_hint = models.BooleanField(
        _("likely decision-maker"),
        default=False,
        db_default=False,
        help_text=_("The title usually means a hiring decision; only the member can confirm it."),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["full_name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        indexes = [
            models.Index(fields=["owner", "full_name"], name="contact_owner_name"),
            models.Index(fields=["owner", "organisation_name"], name="contact_owner_org"),
        ]

    def __str__(self) -> str:
        return self.full_name


class Visibility(models.TextChoices):
    PRIVATE = "private", _("Only me")
    CONNECTORS = "connectors", _("My connectors")
    MEMBERS = "members", _("All members")


class SectorBackground(models.TextChoices):
    PUBLIC = "public", _("Public sector")
    PRIVATE = "private", _("Private sector")


class EmploymentForm(models.TextChoices):
    EMPLOYEE = "employee", _("Employee")
    SELF_EMPLOYED = "self_employed", _("Self-employed")


class Gender(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    OTHER = "other", _("Other")


class SeekerProfile(models.Model):
    """Having one makes a member a job seeker. Segment fields are used only in aggregates."""

    code = CodeField()
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="seeker_profile")
    headline = models.CharField(_("headline"), max_length=200, blank=True)
    offer = models.TextField(_("what I offer"), blank=True, max_length=4000)
    competencies = models.JSONField(_("competencies"), default=list, blank=True)
    job_fields = models.JSONField(_("job fields"), default=list, blank=True)
    regions = models.JSONField(_("regions"), default=list, blank=True)
    looking_visibility = models.CharField(
        _("who may see that I am looking"), max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    industry = models.CharField(_("industry"), max_length=32, choices=Industry.choices, blank=True)
    sector_background = models.CharField(
        _("sector background"), max_length=16, choices=SectorBackground.choices, blank=True
    )
    employment_form = models.CharField(_("employment form"), max_length=16, choices=EmploymentForm.choices, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=8,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional. Never shown to anyone; used only in statistics of at least 5 people."),
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("seeker profile")
        verbose_name_plural = _("seeker profiles")

    def __str__(self) -> str:
        return self.headline


class EmploymentType(models.TextChoices):
    """The kinds schema.org `JobPosting.employmentType` names, as Danish job ads use them."""

    FULL_TIME = "full_time", _("Full time")
    PART_TIME = "part_time", _("Part time")
    TEMPORARY = "temporary", _("Temporary")
    CONTRACTOR = "contractor", _("Contractor")
    INTERN = "intern", _("Internship or trainee")
    VOLUNTEER = "volunteer", _("Volunteer")
    OTHER = "other", pgettext_lazy("employment type", "Other")


class PostingSource(models.TextChoices):
    MANUAL = "manual", _("Written here")
    JSONLD = "jsonld", _("Imported from a job ad")
    DEMO = "demo", _("Demo data")


class Posting(models.Model):
    """A job posting ("stillingsopslag") for a unit of an organisation."""

    code = CodeField()
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="postings")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=20000)
    job_field = models.CharField(_("job field"), max_length=100, blank=True)
    decision_maker = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("decision-maker")
    )
    url = models.URLField(_("link to the posting"), max_length=500, blank=True)
    deadline = models.DateField(_("application deadline"), null=True, blank=True)
    contact_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("contact person")
    )
    is_public = models.BooleanField(
        _("must be advertised"),
        default=False,
        help_text=_(
            "Public employers must advertise almost every job; the decision-maker still chooses whom to invite."
        ),
    )
    employment_type = models.CharField(_("employment type"), max_length=16, choices=EmploymentType.choices, blank=True)
    location = models.CharField(_("location"), max_length=200, blank=True)
    identifier = models.CharField(
        _("reference number"), max_length=200, blank=True, help_text=_("The employer's own id of the posting.")
    )
    source = models.CharField(_("source"), max_length=8, choices=PostingSource.choices, default=PostingSource.MANUAL)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="postings_created"
    )
    closed = models.DateTimeField(
        _("closed"), null=True, blank=True, help_text=_("When the posting was filled or taken down.")
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["deadline", "title"]
        verbose_name = _("job posting")
        verbose_name_plural = _("job postings")

    def __str__(self) -> str:
        return self.title


class TargetKind(models.TextChoices):
    POSTING = "posting", _("Job posting")
    UNIT = "unit", _("Unit")
    ORGANISATION = "organisation", _("Organisation")
    FIELD = "field", _("Job field")


class Target(models.Model):
    """Where a seeker wants to land. Exactly the field that matches `kind` is set."""

    code = CodeField()
    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="targets")
    kind = models.CharField(_("kind"), max_length=16, choices=TargetKind.choices)
    posting = models.ForeignKey(Posting, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey(Unit, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    job_field = models.CharField(_("job field"), max_length=100, blank=True)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices, blank=True)
    priority = models.PositiveIntegerField(_("priority"), default=0, help_text=_("1 is the most wanted."))
    notes = models.TextField(_("notes"), blank=True, max_length=4000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["priority", "created"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="posting", posting__isnull=False, unit__isnull=True, organisation__isnull=True, job_field="")
                    | Q(kind="unit", unit__isnull=False, posting__isnull=True, organisation__isnull=True, job_field="")
                    | Q(
                        kind="organisation",
                        organisation__isnull=False,
                        posting__isnull=True,
                        unit__isnull=True,
                        job_field="",
                    )
                    | Q(kind="field", posting__isnull=True, unit__isnull=True, organisation__isnull=True)
                    & ~Q(job_field="")
                ),
                name="target_fields_match_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.code}"


DEFAULT_MONTHLY_INTRODUCTIONS = 4


class ConnectorSettings(models.Model):
    """Whether and how much a member helps others; off until they opt in."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="connector_settings")
    open_to_introductions = models.BooleanField(
        _("open to introductions"),
        default=False,
        help_text=_("Lets other members find paths through your contacts. Names stay hidden until you approve."),
    )
    monthly_limit = models.PositiveSmallIntegerField(
        _("introduction requests a month at most"),
        default=DEFAULT_MONTHLY_INTRODUCTIONS,
        validators=[MinValueValidator(0), MaxValueValidator(50)],
    )
    paused_until = models.DateField(_("paused until"), null=True, blank=True)
    # Introduction requests sent to this connector in a month, counted by `meetings.actions.send_request` with a
    # conditional update; a count from an earlier month counts as 0 (the first send of a new month resets it).
    introductions_month = models.DateField(
        _("month counted"), null=True, blank=True, help_text=_("The first day of the month the count is for.")
    )
    introductions_used = models.PositiveSmallIntegerField(
        _("introduction requests this month"), default=0, db_default=0
    )
    show_name_in_paths = models.BooleanField(
        _("show my name in other members' paths"),
        default=True,
        db_default=True,
        help_text=_('Otherwise you appear as "a connector at" your organisation until you approve an introduction.'),
    )
    contacts_private_by_default = models.BooleanField(
        _("new contacts are private"),
        default=True,
        help_text=_("A private contact is never used in anyone else's paths until you change it."),
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("connector settings")
        verbose_name_plural = _("connector settings")

    def __str__(self) -> str:
        return f"connector settings of {self.user_id}"


class Block(models.Model):
    """A member never wants paths through or to this person or organisation."""

    code = CodeField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, organisation__isnull=True)
                | Q(person__isnull=True, organisation__isnull=False),
                name="block_person_or_organisation",
            ),
            models.UniqueConstraint("owner", "person", name="block_person_once"),
            models.UniqueConstraint("owner", "organisation", name="block_organisation_once"),
        ]

    def __str__(self) -> str:
        return f"block {self.code}"


class IdentityKind(models.TextChoices):
    PROFILE_URL = "url", _("Profile address")
    EMAIL = "email", _("E-mail address")
    NAME_AT_ORGANISATION = "name_org", _("Name at organisation")


class PersonKey(models.Model):
    """An exact identity key of a person, stored only as a digest.

    Lets imports by different members find the same person by profile URL or
    e-mail without the shared `Person` ever holding contact details.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="keys")
    kind = models.CharField(max_length=8, choices=IdentityKind.choices)
    digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("identity key")
        verbose_name_plural = _("identity keys")
        constraints = [models.UniqueConstraint("kind", "digest", name="person_key_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.digest[:8]}"


class Suppression(models.Model):
    """A person who objected: no import ever creates them again. Stored as digests, never as names."""

    kind = models.CharField(max_length=8, choices=IdentityKind.choices)
    digest = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("suppression")
        verbose_name_plural = _("suppression list")
        constraints = [models.UniqueConstraint("kind", "digest", name="suppression_unique")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.digest[:8]}"


class ImportFormat(models.TextChoices):
    AUTO = "auto", _("Detect automatically")
    LINKEDIN = "linkedin", _("LinkedIn connections (CSV)")
    VCARD = "vcard", _("vCard (.vcf)")
    CSV = "csv", _("Spreadsheet (CSV)")


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", _("Waiting for your confirmation")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class ImportBatch(models.Model):
    """One uploaded contact file, from preview to summary.

    The file's bytes are kept only until the import has run, then emptied: the
    summary rows are all that remains.
    """

    code = CodeField()
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="imports")
    status = models.CharField(max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    format = models.CharField(_("format"), max_length=8, choices=ImportFormat.choices, default=ImportFormat.AUTO)
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    content = models.BinaryField(blank=True, default=b"")
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    keep_contact_details = models.BooleanField(_("keep e-mail addresses and phone numbers"), default=False)
    remove_missing = models.BooleanField(_("remove contacts that are no longer in the file"), default=False)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)
    updated = models.DateTimeField(
        auto_now=True, help_text=_("Moves while an import runs; a run that stops moving was interrupted.")
    )

    class Meta:
        ordering = ["-created"]
        verbose_name = _("contact import")
        verbose_name_plural = _("contact imports")

    def __str__(self) -> str:
        return f"import {self.code}"


class RowOutcome(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    MERGED = "merged", _("Merged with a known person")
    NEEDS_CONFIRMATION = "confirm", _("Needs your confirmation")
    UNCHANGED = "unchanged", _("Unchanged")
    SKIPPED = "skipped", _("Skipped")
    REMOVED = "removed", _("Removed")


class ImportRow(models.Model):
    """What happened to one row of an import, and why; the member's own summary."""

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="rows")
    row_number = models.PositiveIntegerField()
    outcome = models.CharField(max_length=10, choices=RowOutcome.choices)
    reason = models.CharField(max_length=40, blank=True, help_text=_("A reason code, shown in the reader's language."))
    details = models.JSONField(default=dict, blank=True, help_text=_("The reason's parameters."))
    name = models.CharField(max_length=200, blank=True)
    card = models.ForeignKey(ContactCard, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["row_number"]
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        indexes = [models.Index(fields=["batch", "outcome"], name="import_row_outcome")]

    def __str__(self) -> str:
        return f"{self.row_number}: {self.outcome}"


class SuggestionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ACCEPTED = "accepted", _("Merged")
    REJECTED = "rejected", _("Not the same")


class MergeSuggestion(models.Model):
    """A low-confidence match, never merged silently: the member (or an operator) decides."""

    code = CodeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="merge_suggestions",
        help_text=_("The member who decides; empty when only an operator may (persons across members)."),
    )
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    candidate = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    reason = models.CharField(max_length=40, help_text=_("A reason code, shown in the reader's language."))
    details = models.JSONField(default=dict, blank=True, help_text=_("The reason's parameters."))
    status = models.CharField(max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.OPEN)
    created = models.DateTimeField(auto_now_add=True)
    decided = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-score"]
        verbose_name = _("merge suggestion")
        verbose_name_plural = _("merge suggestions")
        constraints = [
            models.UniqueConstraint("person", "candidate", name="merge_suggestion_once"),
            models.CheckConstraint(condition=~Q(person=models.F("candidate")), name="merge_suggestion_two_persons"),
        ]

    def __str__(self) -> str:
        return f"suggestion {self.code}"


class MergeKind(models.TextChoices):
    PERSON = "person", _("Person")
    ORGANISATION = "organisation", _("Organisation")


class MergeRecord(models.Model):
    """A merge of two persons or two organisations, with what it moved, so it can be undone."""

    code = CodeField()
    kind = models.CharField(max_length=16, choices=MergeKind.choices)
    kept_id = models.BigIntegerField()
    merged_id = models.BigIntegerField()
    merged_name = models.CharField(max_length=200)
    reason = models.CharField(max_length=300)
    moved = models.JSONField(default=dict, help_text=_("Ids of the rows the merge re-pointed, for un-merge."))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)
    undone = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return f"merge {self.code}"


class GraphChange(models.Model):
    """Persons whose place in the network changed, written in the transaction that changed them.

    The path engine's snapshot is rebuilt in the background; until then a search
    re-reads the persons changed after the snapshot, so no change waits for a rebuild.
    """

    persons = models.JSONField(default=list, help_text=_("Ids of the persons whose ties or positions changed."))
    reason = models.CharField(max_length=40)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("network change")
        verbose_name_plural = _("network changes")

    def __str__(self) -> str:
        return f"{self.reason} ({len(self.persons)})"
