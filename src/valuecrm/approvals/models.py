"""Approval flows (configuration) and approval requests with their steps (the record).

A flow applies to a kind of request (a contract, a refund) when its conditions hold (an
amount at or above a threshold, or a line discount at or above a percentage); its steps run
in order, each decided by a named person or by a role holder above the requester. Each
step stores when it became current, when the approver first opened it and when they
decided, so waiting and handling times are data, not guesses.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from valuecrm.org.models import Role
from valuecrm.org.scope import ReferenceQuerySet, ScopedManager
from valuecrm.sales.models import ZERO, money_field


class Subject(models.TextChoices):
    CONTRACT = "contract", _("Contract")
    REFUND = "refund", _("Refund")


class ApprovalFlow(models.Model):
    name = models.CharField(_("name"), max_length=100)
    subject = models.CharField(_("applies to"), max_length=20, choices=Subject.choices,
                               default=Subject.CONTRACT)
    min_amount = money_field(_("from amount"), null=True, blank=True,
                             validators=[MinValueValidator(ZERO)],
                             help_text=_("Applies when the amount is at least this."))
    min_discount_percent = models.DecimalField(
        _("from discount (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(100)],
        help_text=_("Applies when a line's discount is at least this."))
    priority = models.PositiveSmallIntegerField(
        _("priority"), default=100, help_text=_("When several flows apply, the lowest wins."))
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    objects = ReferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")
        ordering = ["priority", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.min_amount is None and self.min_discount_percent is None:
            raise ValidationError(_("Give an amount or a discount from which the flow applies."))

    def applies(self, *, amount, discount_percent) -> bool:
        by_amount = self.min_amount is not None and amount >= self.min_amount
        by_discount = (self.min_discount_percent is not None
                       and discount_percent >= self.min_discount_percent)
        return by_amount or by_discount


class ApprovalFlowStep(models.Model):
    flow = models.ForeignKey(ApprovalFlow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    approver_role = models.CharField(
        _("approver role"), max_length=20, choices=Role.choices, blank=True,
        help_text=_("The nearest holder of this role above the requester decides."))
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    sla_hours = models.PositiveIntegerField(_("SLA (hours)"), default=24)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("approval flow step")
        verbose_name_plural = _("approval flow steps")
        ordering = ["flow", "position"]
        constraints = [
            models.UniqueConstraint("flow", "position", name="flow_step_position_once"),
            models.CheckConstraint(
                condition=(Q(approver__isnull=False) & Q(approver_role=""))
                | (Q(approver__isnull=True) & ~Q(approver_role="")),
                name="flow_step_one_approver"),
        ]

    def __str__(self) -> str:
        return f"{self.flow_id}.{self.position} {self.name}"

    def clean(self):
        if bool(self.approver_id) == bool(self.approver_role):
            raise ValidationError(_("Name either an approver or an approver role."))


class ApprovalRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("approval status", "Pending")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Seen like the record it is about: the owner, their managers, analysts and admins.
    # Approvers reach the requests waiting for them through the inbox query.
    scope_owner = "owner"

    flow = models.ForeignKey(ApprovalFlow, verbose_name=_("flow"), on_delete=models.PROTECT,
                             related_name="requests")
    subject = models.CharField(_("applies to"), max_length=20, choices=Subject.choices)
    contract = models.ForeignKey("sales.Contract", verbose_name=_("contract"),
                                 on_delete=models.PROTECT, related_name="approval_requests")
    amount = money_field(_("amount"))
    discount_percent = models.DecimalField(_("largest discount (%)"), max_digits=5,
                                           decimal_places=2, default=ZERO)
    refund = models.ForeignKey("sales.Refund", verbose_name=_("refund"), null=True, blank=True,
                               on_delete=models.CASCADE, related_name="approval_requests",
                               help_text=_("The refund this request decides, if any."))
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="approval_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("requested by"),
                                     on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.PENDING, db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), db_index=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, db_index=True)
    cycle_seconds = models.PositiveIntegerField(
        _("cycle time (s)"), null=True, blank=True,
        help_text=_("From submission to the final decision."))
    history = HistoricalRecords()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint("contract", "subject", condition=Q(status="pending"),
                                    name="one_pending_approval_per_subject"),
        ]

    def __str__(self) -> str:
        return f"{self.get_subject_display()} {self.contract} ({self.get_status_display()})"


class ApprovalStep(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Not yet reached")
        PENDING = "pending", _("Waiting for decision")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SKIPPED = "skipped", _("Not needed")

    scope_owner = "request__owner"

    request = models.ForeignKey(ApprovalRequest, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approver"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    approver_role = models.CharField(_("approver role"), max_length=20, choices=Role.choices,
                                     blank=True)
    approver_unit = models.ForeignKey(
        "org.OrgUnit", verbose_name=_("approver unit"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Role holders of this unit decide; empty: any holder of the role."))
    sla_hours = models.PositiveIntegerField(_("SLA (hours)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.WAITING, db_index=True)
    activated_at = models.DateTimeField(_("reached at"), null=True, blank=True)
    opened_at = models.DateTimeField(_("first opened at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    comment = models.TextField(_("comment"), blank=True)
    waiting_seconds = models.PositiveIntegerField(
        _("waiting time (s)"), null=True, blank=True,
        help_text=_("From reaching the step until the approver first opened it."))
    handling_seconds = models.PositiveIntegerField(
        _("handling time (s)"), null=True, blank=True,
        help_text=_("From first opening to the decision."))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["request", "position"]
        constraints = [
            models.UniqueConstraint("request", "position", name="approval_step_position_once"),
        ]

    def __str__(self) -> str:
        return f"{self.request_id}.{self.position} {self.name} ({self.status})"

    def may_decide(self, user) -> bool:
        if user is None or not user.is_authenticated or not user.is_active or user.is_read_only:
            return False
        if self.approver_id:
            return self.approver_id == user.pk
        if user.role != self.approver_role:
            return False
        return self.approver_unit_id is None or self.approver_unit_id == user.unit_id
