"""Opportunities and their stages, products, contracts with line items, payments."""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from valuecrm.core.models import SoftDeletable, TimeStamped, Versioned
from valuecrm.core.search import SearchIndexed
from valuecrm.org.scope import AliveManager, ReferenceQuerySet, ScopedManager, ScopedQuerySet

OWNER = settings.AUTH_USER_MODEL
CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def currency_field():
    return models.CharField(_("currency"), max_length=3, default=settings.DEFAULT_CURRENCY)


class Stage(models.Model):
    """A configurable opportunity stage with its default win probability."""

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        WON = "won", _("Won")
        LOST = "lost", _("Lost")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), validators=[MaxValueValidator(100)]
    )
    outcome = models.CharField(
        _("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.OPEN
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("stage")
        verbose_name_plural = _("stages")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class Product(TimeStamped):
    name = models.CharField(_("name"), max_length=200)
    sku = models.CharField(_("SKU"), max_length=64, unique=True)
    category = models.CharField(_("category"), max_length=100, blank=True, db_index=True)
    list_price = money_field(_("list price"), validators=[MinValueValidator(ZERO)])
    currency = currency_field()
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Opportunity(SearchIndexed, TimeStamped, Versioned, SoftDeletable):
    scope_owner = "owner"

    name = models.CharField(_("name"), max_length=200)
    customer = models.ForeignKey(
        "crm.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="opportunities",
    )
    stage = models.ForeignKey(
        Stage, verbose_name=_("stage"), on_delete=models.PROTECT, related_name="opportunities"
    )
    stage_entered_at = models.DateTimeField(_("in stage since"), default=timezone.now)
    probability = models.PositiveSmallIntegerField(
        _("win probability (%)"), null=True, blank=True, validators=[MaxValueValidator(100)],
        help_text=_("Empty: the stage's default."),
    )
    amount = money_field(_("amount"), default=ZERO, validators=[MinValueValidator(ZERO)])
    currency = currency_field()
    expected_close_date = models.DateField(_("expected close date"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    lost_reason = models.CharField(_("lost reason"), max_length=200, blank=True)
    owner = models.ForeignKey(
        OWNER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="opportunities"
    )
    history = HistoricalRecords(excluded_fields=["version", "search_text"])

    objects = AliveManager()
    all_objects = ScopedManager()

    class Meta:
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["owner", "stage"])]

    def __str__(self) -> str:
        return self.name

    @property
    def outcome(self) -> str:
        return self.stage.outcome

    @property
    def effective_probability(self) -> int:
        return self.stage.probability if self.probability is None else self.probability

    def clean(self):
        if self.stage_id and self.stage.outcome == Stage.Outcome.LOST and not self.lost_reason:
            raise ValidationError({"lost_reason": [_("Say why the opportunity was lost.")]})


class OpportunityStageChange(models.Model):
    """Every stage an opportunity entered, with when and who: the source of cycle times."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.ForeignKey(
        Stage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.ForeignKey(Stage, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        OWNER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("stage change")
        verbose_name_plural = _("stage changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.opportunity_id}: {self.from_stage_id} -> {self.to_stage_id}"


class Contract(TimeStamped, Versioned, SoftDeletable):
    class Type(models.TextChoices):
        # Contexts: "New" and "Active" mean other things on leads and customers (新签 vs 新建).
        NEW = "new", pgettext_lazy("contract type", "New")
        RENEWAL = "renewal", _("Renewal")
        UPSELL = "upsell", _("Upsell")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Pending approval")
        ACTIVE = "active", pgettext_lazy("contract status", "Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    scope_owner = "owner"

    number = models.CharField(_("number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    customer = models.ForeignKey(
        "crm.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
        related_name="contracts",
    )
    opportunity = models.ForeignKey(
        Opportunity, verbose_name=_("opportunity"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="contracts",
    )
    type = models.CharField(_("type"), max_length=20, choices=Type.choices, default=Type.NEW)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    signed_date = models.DateField(_("signed date"), null=True, blank=True, db_index=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    end_date = models.DateField(_("end date"), null=True, blank=True)
    currency = currency_field()
    # Derived from the lines by recompute_total(); never accepted as input.
    total_amount = money_field(_("total amount"), default=ZERO, editable=False)
    owner = models.ForeignKey(
        OWNER, verbose_name=_("owner"), on_delete=models.PROTECT, related_name="contracts"
    )
    history = HistoricalRecords(excluded_fields=["version"])

    objects = AliveManager()
    all_objects = ScopedManager()

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-signed_date", "-id"]
        indexes = [models.Index(fields=["owner", "signed_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.number

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": [_("The end date is before the start date.")]})
        if self.status == self.Status.ACTIVE and not self.signed_date:
            raise ValidationError({"signed_date": [_("An active contract needs a signed date.")]})

    def compute_total(self) -> Decimal:
        return sum((line.line_total for line in self.lines.all()), ZERO)


class ContractLine(models.Model):
    # Scoped like its contract so per-product metrics and exports start from visible_to().
    scope_owner = "contract__owner"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, validators=[MinValueValidator(CENT)]
    )
    unit_price = money_field(_("unit price"), validators=[MinValueValidator(ZERO)])
    discount_percent = models.DecimalField(
        _("discount (%)"), max_digits=5, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal(100))],
    )
    history = HistoricalRecords()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("contract line")
        verbose_name_plural = _("contract lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="line_discount_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} x {self.quantity}"

    @property
    def line_total(self) -> Decimal:
        gross = Decimal(self.quantity) * Decimal(self.unit_price)
        net = gross * (Decimal(100) - Decimal(self.discount_percent)) / Decimal(100)
        return net.quantize(CENT, rounding=ROUND_HALF_UP)


class PaymentPlanQuerySet(ScopedQuerySet):
    def with_received(self):
        return self.annotate(
            received_amount=Coalesce(
                Sum("payments__amount"), ZERO,
                output_field=models.DecimalField(max_digits=14, decimal_places=2),
            )
        )

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.with_received().filter(due_date__lt=today, received_amount__lt=F("amount"))


class PaymentPlan(TimeStamped, Versioned):
    scope_owner = "contract__owner"

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
        related_name="payment_plans",
    )
    due_date = models.DateField(_("due date"), db_index=True)
    amount = money_field(_("amount"), validators=[MinValueValidator(CENT)])
    note = models.CharField(_("note"), max_length=200, blank=True)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = PaymentPlanQuerySet.as_manager()

    class Meta:
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        ordering = ["due_date", "id"]

    def __str__(self) -> str:
        return f"{self.contract} {self.due_date}"

    @property
    def received(self) -> Decimal:
        if hasattr(self, "received_amount"):
            total = self.received_amount
        else:
            total = self.payments.aggregate(total=Coalesce(Sum("amount"), ZERO))["total"]
        # SQLite hands back aggregates unquantised ("4000"); money always has two places.
        return Decimal(total).quantize(CENT)

    @property
    def is_overdue(self) -> bool:
        return self.due_date < timezone.localdate() and self.received < self.amount


class Payment(TimeStamped, Versioned):
    scope_owner = "contract__owner"

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="payments"
    )
    plan = models.ForeignKey(
        PaymentPlan, verbose_name=_("payment plan"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="payments",
    )
    received_date = models.DateField(_("received date"), db_index=True)
    amount = money_field(_("amount"), validators=[MinValueValidator(CENT)])
    currency = currency_field()
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    # Derived by sales.actions when a refund is paid out: the sum of its refunded refunds.
    # Collection metrics count amount - refunded_amount.
    refunded_amount = money_field(_("refunded"), default=ZERO, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ScopedManager()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_date", "-id"]

    def __str__(self) -> str:
        return f"{self.contract} {self.amount}"

    def clean(self):
        if self.plan_id and self.contract_id and self.plan.contract_id != self.contract_id:
            raise ValidationError({"plan": [_("The plan belongs to another contract.")]})
        if self.amount is not None and self.amount < self.refunded_amount:
            raise ValidationError({"amount": [
                _("%(refunded)s of this payment was refunded; it cannot be less.")
                % {"refunded": self.refunded_amount}]})


class Refund(TimeStamped, Versioned):
    """Money paid back on a payment. It counts only once refunded: then it reduces the
    payment's collected amount (`Payment.refunded_amount`), so collection metrics are net.
    A refund that an approval flow covers waits for that approval (approvals app)."""

    class Status(models.TextChoices):
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        REFUNDED = "refunded", _("Refunded")
        REJECTED = "rejected", _("Rejected")

    scope_owner = "contract__owner"

    contract = models.ForeignKey(Contract, verbose_name=_("contract"), on_delete=models.CASCADE,
                                 related_name="refunds")
    payment = models.ForeignKey(Payment, verbose_name=_("payment"), on_delete=models.CASCADE,
                                related_name="refunds")
    amount = money_field(_("amount"), validators=[MinValueValidator(CENT)])
    currency = currency_field()
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING_APPROVAL, db_index=True)
    refunded_date = models.DateField(_("refunded on"), null=True, blank=True, db_index=True)
    requested_by = models.ForeignKey(OWNER, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ScopedManager()

    class Meta:
        verbose_name = _("refund")
        verbose_name_plural = _("refunds")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.contract} -{self.amount}"

    def clean(self):
        if self.payment_id and self.contract_id and self.payment.contract_id != self.contract_id:
            raise ValidationError({"payment": [_("The payment belongs to another contract.")]})
