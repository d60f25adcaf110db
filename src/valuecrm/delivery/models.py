"""Sales orders moving through delivery stages, their changes, inspections and returns;
suppliers and the purchase orders placed with them.

Orders are scoped through their contract's owner (`contract__owner`): the rep who owns the
contract owns its delivery, so reassigning a contract moves its orders with it and an order
can never be visible to someone who cannot see its contract.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from valuecrm.core.models import TimeStamped, Versioned
from valuecrm.org.scope import ReferenceQuerySet, ScopedManager

USER = settings.AUTH_USER_MODEL
ZERO = Decimal("0")

# Codes of the default stages that rules refer to (inspections need production, returns
# need shipped); administrators may rename stages and add others.
PLACED, CONTRACT_EFFECTIVE, PROCUREMENT = "placed", "contract_effective", "procurement"
PRODUCTION, SHIPPED, SIGNED_OFF = "production", "shipped", "signed_off"


def quantity_field(verbose_name, **kwargs):
    return models.DecimalField(verbose_name, max_digits=12, decimal_places=2, **kwargs)


class OrderStage(models.Model):
    """A configurable delivery stage with its target duration (days spent in it)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    target_days = models.DecimalField(
        _("target days"), max_digits=6, decimal_places=2, default=ZERO,
        validators=[MinValueValidator(ZERO)],
        help_text=_("How long an order should stay in this stage."),
    )
    is_final = models.BooleanField(
        _("final"), default=False, help_text=_("Entering it completes the order.")
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("order stage")
        verbose_name_plural = _("order stages")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


def delivery_target_days() -> Decimal:
    """The delivery target: the sum of the active stages' targets (one source, so the
    whole and its parts cannot disagree)."""
    total = OrderStage.objects.filter(is_active=True).aggregate(t=models.Sum("target_days"))
    return Decimal(total["t"] or 0)


class Order(TimeStamped, Versioned):
    scope_owner = "contract__owner"

    number = models.CharField(_("number"), max_length=50, unique=True)
    contract = models.ForeignKey(
        "sales.Contract", verbose_name=_("contract"), on_delete=models.PROTECT,
        related_name="orders",
    )
    product = models.ForeignKey(
        "sales.Product", verbose_name=_("product"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
    )
    spec = models.CharField(_("specification"), max_length=200, blank=True)
    quantity = quantity_field(_("quantity"), validators=[MinValueValidator(Decimal("0.01"))])
    stage = models.ForeignKey(OrderStage, verbose_name=pgettext_lazy("order", "stage"),
                              on_delete=models.PROTECT,
                              related_name="orders")
    stage_entered_at = models.DateTimeField(_("in stage since"), default=timezone.now)
    placed_at = models.DateTimeField(_("placed at"), default=timezone.now, db_index=True)
    due_date = models.DateField(_("due date"), help_text=_("Delivery promised to the customer."))
    target_days = models.DecimalField(
        _("target days"), max_digits=6, decimal_places=2, editable=False, default=ZERO,
        help_text=_("The delivery target when the order was placed."),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True, db_index=True)
    # Derived by set_derived_fields(): signed off after the due date.
    late = models.BooleanField(_("late"), null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ScopedManager()

    class Meta:
        verbose_name = _("sales order")
        verbose_name_plural = _("sales orders")
        ordering = ["-placed_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0),
                                              name="order_quantity_positive")]

    def __str__(self) -> str:
        return self.number

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        """`save()` calls it; bulk writers (the demo) call it themselves."""
        self.late = (None if self.completed_at is None
                     else timezone.localdate(self.completed_at) > self.due_date)

    @property
    def lead_time_days(self) -> float | None:
        if self.completed_at is None:
            return None
        return (self.completed_at - self.placed_at).total_seconds() / 86400


class OrderStageEvent(models.Model):
    """An order entering a stage: when, who, and whether it went back (rework). `left_at`
    is the next entry's time, so a stage's duration is left_at - entered_at."""

    scope_owner = "order__contract__owner"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="stage_events")
    stage = models.ForeignKey(OrderStage, on_delete=models.PROTECT, related_name="+")
    from_stage = models.ForeignKey(OrderStage, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    entered_at = models.DateTimeField(_("entered at"), db_index=True)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    is_rework = models.BooleanField(_("rework"), default=False)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("order stage event")
        verbose_name_plural = _("order stage events")
        ordering = ["entered_at", "id"]
        indexes = [models.Index(fields=["order", "entered_at"])]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.stage_id} @ {self.entered_at}"


class OrderChange(models.Model):
    """One field of an order changed after it was placed (quantity, spec, dates)."""

    class Field(models.TextChoices):
        QUANTITY = "quantity", _("quantity")
        SPEC = "spec", _("specification")
        DUE_DATE = "due_date", _("due date")
        PRODUCT = "product", _("product")

    scope_owner = "order__contract__owner"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    old_value = models.CharField(_("old value"), max_length=200, blank=True)
    new_value = models.CharField(_("new value"), max_length=200, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("order change")
        verbose_name_plural = _("order changes")
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}.{self.field}: {self.old_value} -> {self.new_value}"


class Inspection(models.Model):
    """A quality inspection during production: how many units passed and failed, and why."""

    scope_owner = "order__contract__owner"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="inspections")
    inspected_at = models.DateTimeField(_("inspected at"), default=timezone.now, db_index=True)
    passed_quantity = quantity_field(_("passed"), validators=[MinValueValidator(ZERO)])
    failed_quantity = quantity_field(_("failed"), default=ZERO,
                                     validators=[MinValueValidator(ZERO)])
    defect_reason = models.CharField(_("defect reason"), max_length=200, blank=True)
    inspector = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["inspected_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.passed_quantity} ok, {self.failed_quantity} failed"

    def clean(self):
        if (self.passed_quantity or 0) + (self.failed_quantity or 0) <= 0:
            raise ValidationError({"passed_quantity": [_("Inspect at least one unit.")]})
        if self.failed_quantity and not self.defect_reason:
            raise ValidationError({"defect_reason": [_("Say what the defect was.")]})


class OrderReturn(models.Model):
    """Units the customer sent back after delivery."""

    scope_owner = "order__contract__owner"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="returns")
    returned_at = models.DateTimeField(_("returned at"), default=timezone.now, db_index=True)
    quantity = quantity_field(_("quantity"), validators=[MinValueValidator(Decimal("0.01"))])
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(USER, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")

    objects = ScopedManager()

    class Meta:
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        ordering = ["returned_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.quantity} returned"


class Supplier(TimeStamped):
    """Company-wide master data: everyone reads suppliers, administrators maintain them."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    code = models.CharField(_("code"), max_length=40, unique=True)
    contact_name = models.CharField(_("contact"), max_length=100, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PurchaseOrder(TimeStamped, Versioned):
    """What procurement buys from a supplier for a sales order, and how it arrived."""

    scope_owner = "order__contract__owner"

    number = models.CharField(_("number"), max_length=50, unique=True)
    supplier = models.ForeignKey(Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT,
                                 related_name="purchase_orders")
    order = models.ForeignKey(Order, verbose_name=_("sales order"), on_delete=models.PROTECT,
                              related_name="purchase_orders")
    item = models.CharField(_("item"), max_length=200)
    quantity = quantity_field(_("quantity"), validators=[MinValueValidator(Decimal("0.01"))])
    ordered_date = models.DateField(_("ordered on"), default=timezone.localdate, db_index=True)
    promised_date = models.DateField(_("promised delivery"))
    delivered_date = models.DateField(_("delivered on"), null=True, blank=True, db_index=True)
    logistics_company = models.CharField(_("logistics company"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    # Derived by set_derived_fields(): delivered no later than promised.
    on_time = models.BooleanField(_("on time"), null=True, editable=False)
    history = HistoricalRecords(excluded_fields=["version"])

    objects = ScopedManager()

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-ordered_date", "-id"]

    def __str__(self) -> str:
        return self.number

    def clean(self):
        if self.ordered_date and self.promised_date and self.promised_date < self.ordered_date:
            raise ValidationError(
                {"promised_date": [_("The promised date is before the order date.")]})
        if self.ordered_date and self.delivered_date and self.delivered_date < self.ordered_date:
            raise ValidationError(
                {"delivered_date": [_("The delivery date is before the order date.")]})

    def save(self, *args, **kwargs):
        self.set_derived_fields()
        super().save(*args, **kwargs)

    def set_derived_fields(self) -> None:
        self.on_time = (None if self.delivered_date is None
                        else self.delivered_date <= self.promised_date)
