"""Leads, customers, contacts, activities, channels and tags.

Field rules live here (validators, clean, constraints) so forms, the API and imports
validate the same way: every write layer calls `full_clean()`.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.core.models import SoftDeletable, TimeStamped, Versioned
from valuecrm.core.normalize import normalize_company, normalize_email, normalize_phone
from valuecrm.core.search import SearchIndexed
from valuecrm.org.scope import AliveManager, ReferenceQuerySet, ScopedManager

OWNER = settings.AUTH_USER_MODEL


class ContactFieldsMixin:
    """Normalises phone and email in clean(), reporting errors on the field."""

    def normalize_contact_fields(self) -> dict:
        errors = {}
        for field, normalize in (("phone", normalize_phone), ("email", normalize_email)):
            try:
                setattr(self, field, normalize(getattr(self, field)))
            except ValidationError as exc:
                errors[field] = exc.messages
        return errors


class Channel(TimeStamped):
    """Where leads come from. `monthly_cost` feeds channel ROI."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    monthly_cost = models.DecimalField(
        _("monthly cost"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)
    is_active = models.BooleanField(_("active"), default=True)
    capture_key = models.CharField(
        _("web form key"), max_length=40, unique=True, null=True, blank=True,
        help_text=_("Set to accept leads from the public web form of this channel."),
    )
    thanks_url = models.URLField(
        _("thank-you page"), blank=True,
        help_text=_("Where a web form sends the visitor after a submission."),
    )
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(monthly_cost__isnull=True) | Q(monthly_cost__gte=0),
                name="channel_cost_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TagGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag group")
        verbose_name_plural = _("tag groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    group = models.ForeignKey(
        TagGroup, verbose_name=_("group"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="tags",
    )
    name = models.CharField(_("name"), max_length=100)
    color = models.CharField(
        _("colour"), max_length=7, default="#5470c6",
        validators=[
            RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Use #RRGGBB."))
        ],
    )

    history = HistoricalRecords()
    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["group__name", "name"]
        constraints = [models.UniqueConstraint("group", "name", name="tag_unique_in_group")]

    def __str__(self) -> str:
        return f"{self.group}: {self.name}" if self.group_id else self.name


class Lead(ContactFieldsMixin, SearchIndexed, TimeStamped, Versioned, SoftDeletable):
    class Status(models.TextChoices):
        NEW = "new", _("New")
        WORKING = "working", _("Working")
        QUALIFIED = "qualified", _("Qualified")
        DISQUALIFIED = "disqualified", _("Disqualified")
        CONVERTED = "converted", _("Converted")

    scope_owner = "owner"
    search_names = ("name", "company_name")
    search_phones = ("phone",)
    search_emails = ("email",)

    name = models.CharField(_("contact name"), max_length=100, blank=True)
    company_name = models.CharField(_("company name"), max_length=200, blank=True)
    # normalize_company(company_name): duplicate checks compare it, like Customer.name_key.
    company_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="leads",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW, db_index=True
    )
    disqualify_reason = models.CharField(_("disqualification reason"), max_length=200, blank=True)
    owner = models.ForeignKey(
        OWNER, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="leads",
    )
    assigned_at = models.DateTimeField(_("assigned at"), null=True, blank=True)
    first_contact_at = models.DateTimeField(_("first contact at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    converted_customer = models.ForeignKey(
        "Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="source_leads"
    )
    converted_contact = models.ForeignKey(
        "Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    converted_opportunity = models.ForeignKey(
        "sales.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="leads")
    history = HistoricalRecords(
        excluded_fields=["version", "company_key", "search_text"], m2m_fields=[tags]
    )

    objects = AliveManager()
    all_objects = ScopedManager()

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        # Every list sort key has an index, so deep pages of a sorted list stay fast.
        indexes = [
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["name", "id"], name="crm_lead_name_sort"),
            models.Index(fields=["company_name", "id"], name="crm_lead_company_sort"),
            models.Index(fields=["updated_at", "id"], name="crm_lead_updated_sort"),
            # The list in a rep's or a team's scope. Its count, alone or with a status or
            # channel filter, is read from this index alone (an index-only scan): without it
            # counting a team's 118,000 of 1,000,000 leads visits every row (300 ms). Its
            # newest-first page with a status filter is read in order from it: when the
            # team has few leads of that status (60 "new" of 39,640), walking the
            # created_at index instead filters the whole table (300 ms; now 0.2 ms).
            models.Index(fields=["owner", "status", "-created_at", "-id"],
                         include=["channel"], name="crm_lead_scope_newest",
                         condition=Q(deleted_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name="") | ~Q(company_name=""), name="lead_has_a_name"
            ),
            models.CheckConstraint(
                condition=~Q(status="disqualified") | ~Q(disqualify_reason=""),
                name="lead_disqualified_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return " / ".join(x for x in (self.name, self.company_name) if x)

    def set_derived_fields(self) -> None:
        self.company_key = normalize_company(self.company_name)
        super().set_derived_fields()

    def clean(self):
        errors = self.normalize_contact_fields()
        self.company_key = normalize_company(self.company_name)
        if not self.name.strip() and not self.company_name.strip():
            errors["name"] = [_("Give a contact name or a company name.")]
        if self.status == self.Status.DISQUALIFIED and not self.disqualify_reason.strip():
            errors["disqualify_reason"] = [_("Say why the lead is disqualified.")]
        if errors:
            raise ValidationError(errors)


class Customer(ContactFieldsMixin, SearchIndexed, TimeStamped, Versioned, SoftDeletable):
    class SizeTier(models.TextChoices):
        SMALL = "small", _("Small")
        MEDIUM = "medium", _("Medium")
        LARGE = "large", _("Large")
        ENTERPRISE = "enterprise", _("Enterprise")

    class Lifecycle(models.TextChoices):
        PROSPECT = "prospect", _("Prospect")
        ACTIVE = "active", _("Active")
        CHURNED = "churned", _("Churned")

    scope_owner = "owner"
    soft_delete_cascade = ("contacts", "opportunities", "contracts")
    search_phones = ("phone",)
    search_emails = ("email",)

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(max_length=200, editable=False, db_index=True, default="")
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size_tier = models.CharField(
        _("size tier"), max_length=20, choices=SizeTier.choices, blank=True
    )
    region = models.CharField(_("region"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    lifecycle_stage = models.CharField(
        _("lifecycle stage"), max_length=20, choices=Lifecycle.choices,
        default=Lifecycle.PROSPECT, db_index=True,
    )
    channel = models.ForeignKey(
        Channel, verbose_name=_("channel"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="customers",
    )
    owner = models.ForeignKey(
        OWNER, verbose_name=_("owner"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="customers", help_text=_("Empty while the customer is in the public pool."),
    )
    pool = models.ForeignKey(
        "pool.Pool", verbose_name=_("public pool"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="customers",
        help_text=_("The pool the customer returns to when it is recycled or released."),
    )
    owned_since = models.DateTimeField(_("owned since"), null=True, blank=True)
    # Kept by log_activity so recycle rules are one indexed comparison, not a join over
    # millions of activities.
    last_activity_at = models.DateTimeField(
        _("last activity at"), null=True, blank=True, db_index=True
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("tags"), blank=True, related_name="customers"
    )
    history = HistoricalRecords(
        excluded_fields=["version", "name_key", "last_activity_at", "search_text"],
        m2m_fields=[tags],
    )

    objects = AliveManager()
    all_objects = ScopedManager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["owner", "lifecycle_stage"]),
            models.Index(fields=["name", "id"], name="crm_customer_name_sort"),
            models.Index(fields=["updated_at", "id"], name="crm_customer_updated_sort"),
        ]

    def __str__(self) -> str:
        return self.name

    def set_derived_fields(self) -> None:
        self.name_key = normalize_company(self.name)
        super().set_derived_fields()

    def clean(self):
        errors = self.normalize_contact_fields()
        self.name = self.name.strip()
        self.name_key = normalize_company(self.name)
        if self.name and not self.name_key:
            errors["name"] = [_("The name has no letters or digits.")]
        if errors:
            raise ValidationError(errors)


class Contact(ContactFieldsMixin, SearchIndexed, TimeStamped, Versioned, SoftDeletable):
    scope_owner = "customer__owner"
    search_phones = ("phone",)
    search_emails = ("email",)

    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="contacts"
    )
    name = models.CharField(_("name"), max_length=100)
    title = models.CharField(_("title"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True, db_index=True)
    email = models.CharField(_("email"), max_length=254, blank=True, db_index=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)
    history = HistoricalRecords(excluded_fields=["version", "search_text"])

    objects = AliveManager()
    all_objects = ScopedManager()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["customer_id", "-is_primary", "name"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = self.normalize_contact_fields()
        if errors:
            raise ValidationError(errors)


class Activity(TimeStamped, Versioned):
    """A call, visit, email, meeting or note on a lead, customer or opportunity."""

    class Kind(models.TextChoices):
        CALL = "call", _("Call")
        VISIT = "visit", _("Visit")
        EMAIL = "email", _("Email")
        MEETING = "meeting", _("Meeting")
        NOTE = "note", _("Note")

    TIMED_KINDS = (Kind.CALL, Kind.VISIT, Kind.MEETING)
    scope_owner = "owner"

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, db_index=True)
    lead = models.ForeignKey(
        Lead, verbose_name=_("lead"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="activities",
    )
    customer = models.ForeignKey(
        Customer, verbose_name=_("customer"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="activities",
    )
    opportunity = models.ForeignKey(
        "sales.Opportunity", verbose_name=_("opportunity"), null=True, blank=True,
        on_delete=models.CASCADE, related_name="activities",
    )
    owner = models.ForeignKey(
        OWNER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="activities"
    )
    started_at = models.DateTimeField(_("started at"), db_index=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=500, blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ScopedManager()

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["owner", "started_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead__isnull=False)
                | Q(customer__isnull=False)
                | Q(opportunity__isnull=False),
                name="activity_has_a_subject_record",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.started_at:%Y-%m-%d %H:%M}"

    def clean(self):
        if not (self.lead_id or self.customer_id or self.opportunity_id):
            raise ValidationError(
                {"lead": [_("An activity belongs to a lead, a customer or an opportunity.")]}
            )

