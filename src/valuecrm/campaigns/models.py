"""Campaigns to a segment, their variants, every message (or hold-out) per contact,
opt-outs, and referral campaigns with screenshot review.

One `Send` row per contact of the audience records its group (variant or hold-out), what
happened to the message (suppressed by an opt-out or the frequency cap, sent, failed) and
the first response and conversion within the campaign's window: the results, the A/B test
and the catalog metrics are all counts over these rows.
"""

import secrets

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from valuecrm.core.models import TimeStamped
from valuecrm.org.scope import ScopedManager

OWNER = settings.AUTH_USER_MODEL


def _seed() -> str:
    return secrets.token_hex(8)


def _upload_key() -> str:
    return secrets.token_urlsafe(24)


def _uploads():
    return FileSystemStorage(location=settings.HOME / "uploads")


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Webhook")


class Campaign(TimeStamped):
    class Kind(models.TextChoices):
        STANDARD = "standard", _("Outreach")
        REFERRAL = "referral", _("Referral")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    scope_owner = "owner"

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices,
                            default=Kind.STANDARD)
    segment = models.ForeignKey("segments.Segment", verbose_name=_("segment"),
                                on_delete=models.PROTECT, related_name="campaigns")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.DRAFT, db_index=True)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    seed = models.CharField(_("assignment seed"), max_length=32, default=_seed,
                            help_text=_("The same seed always assigns a contact to the same "
                                        "group."))
    holdout_percent = models.PositiveSmallIntegerField(
        _("hold-out (%)"), default=10, validators=[MaxValueValidator(90)],
        help_text=_("Share of the audience that gets no message, to measure the lift."))
    window_days = models.PositiveSmallIntegerField(
        _("conversion window (days)"), default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)])
    cap_messages = models.PositiveSmallIntegerField(
        _("frequency cap (messages)"), default=2, validators=[MinValueValidator(1)],
        help_text=_("At most this many campaign messages per contact within the cap period."))
    cap_days = models.PositiveSmallIntegerField(_("frequency cap (days)"), default=7)
    reward = models.CharField(_("reward"), max_length=200, blank=True,
                              help_text=_("Referral campaigns: what an accepted share earns."))
    owner = models.ForeignKey(OWNER, verbose_name=_("owner"), on_delete=models.PROTECT,
                              related_name="campaigns")
    history = HistoricalRecords()

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Variant(models.Model):
    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="variants")
    name = models.CharField(_("name"), max_length=50)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               default=Channel.EMAIL)
    subject = models.CharField(_("subject"), max_length=200, blank=True)
    message = models.TextField(_("message"))
    offer = models.CharField(_("offer"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1,
                                              validators=[MinValueValidator(1)])
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["campaign", "id"]
        constraints = [models.UniqueConstraint(
            "campaign", "name", name="variant_name_once",
            violation_error_message=_("Another variant of this campaign has this name."))]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.name}"


class OptOut(models.Model):
    """A contact who asked not to be contacted (on one channel, or on any when blank)."""

    scope_owner = "contact__customer__owner"

    contact = models.ForeignKey("crm.Contact", verbose_name=_("contact"),
                                on_delete=models.CASCADE, related_name="opt_outs")
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               blank=True, help_text=_("Empty: every channel."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    at = models.DateTimeField(_("at"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("opt-out")
        verbose_name_plural = _("opt-outs")
        constraints = [models.UniqueConstraint("contact", "channel", name="opt_out_once")]

    def __str__(self) -> str:
        return f"{self.contact} ({self.channel or '*'})"


class Send(models.Model):
    class Status(models.TextChoices):
        HOLDOUT = "holdout", _("Hold-out")
        OPTED_OUT = "opted_out", _("Opted out")
        CAPPED = "capped", _("Frequency cap")
        NO_ADDRESS = "no_address", _("No address")
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    class Conversion(models.TextChoices):
        REPLY = "reply", _("Reply")
        LEAD = "lead", _("Lead")
        OPPORTUNITY = "opportunity", _("Opportunity")
        CONTRACT = "contract", _("Contract")

    scope_owner = "customer__owner"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="sends")
    variant = models.ForeignKey(Variant, verbose_name=_("variant"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="sends",
                                help_text=_("Empty for the hold-out group."))
    contact = models.ForeignKey("crm.Contact", verbose_name=_("contact"),
                                on_delete=models.CASCADE, related_name="campaign_sends")
    customer = models.ForeignKey("crm.Customer", verbose_name=_("customer"),
                                 on_delete=models.CASCADE, related_name="campaign_sends")
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              db_index=True)
    # The channel the message goes through or, for the hold-out, would have gone through
    # (its variant had there been no hold-out): address, opt-out and frequency-cap rules
    # are applied to both groups alike, so the hold-out stays comparable.
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices,
                               blank=True)
    # When the message went (or, for the hold-out, would have gone): the window starts here.
    reference_at = models.DateTimeField(_("reference time"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    responded_at = models.DateTimeField(_("responded at"), null=True, blank=True)
    converted_at = models.DateTimeField(_("converted at"), null=True, blank=True)
    conversion = models.CharField(_("conversion"), max_length=20, choices=Conversion.choices,
                                  blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("campaign message")
        verbose_name_plural = _("campaign messages")
        constraints = [models.UniqueConstraint("campaign", "contact", name="send_once")]
        indexes = [models.Index(fields=["contact", "sent_at"]),
                   models.Index(fields=["campaign", "status"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.contact_id}: {self.status}"


class Participant(models.Model):
    """A contact taking part in a referral campaign: their poster's QR code carries a link
    signed for (campaign, participant); `upload_key` is their private upload address."""

    scope_owner = "contact__customer__owner"

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="participants")
    contact = models.ForeignKey("crm.Contact", verbose_name=_("contact"),
                                on_delete=models.CASCADE, related_name="referral_participations")
    upload_key = models.CharField(max_length=40, unique=True, default=_upload_key,
                                  editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("referral participant")
        verbose_name_plural = _("referral participants")
        constraints = [models.UniqueConstraint("campaign", "contact",
                                               name="participant_once")]

    def __str__(self) -> str:
        return f"{self.campaign}: {self.contact}"


class Submission(models.Model):
    """An uploaded screenshot of a share, and the review's verdict."""

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        MANUAL = "manual", _("Manual review")

    class Reason(models.TextChoices):
        OWN_CODE = "own_code", _("This campaign's code of the uploader")
        NO_CODE = "no_code", _("No readable QR code")
        WRONG_CAMPAIGN = "wrong_campaign", _("Code of another campaign")
        OTHER_PARTICIPANT = "other_participant", _("Code of another participant")
        FOREIGN_CODE = "foreign_code", _("Not a code of ours")
        REUSED = "reused", _("Image submitted before")
        NOT_AN_IMAGE = "not_an_image", _("Not an image")
        REVIEWER = "reviewer", _("Decided by a reviewer")

    scope_owner = "participant__contact__customer__owner"

    participant = models.ForeignKey(Participant, verbose_name=_("participant"),
                                    on_delete=models.CASCADE, related_name="submissions")
    image = models.FileField(_("screenshot"), upload_to="referrals/%Y/%m", storage=_uploads)
    image_hash = models.CharField(_("perceptual hash"), max_length=64, blank=True,
                                  db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              db_index=True)
    reason = models.CharField(_("reason"), max_length=30, choices=Reason.choices)
    decoded = models.JSONField(_("decoded codes"), default=list, blank=True)
    duplicate_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    reviewed_by = models.ForeignKey(OWNER, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("reviewed by"))
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    rewarded_at = models.DateTimeField(_("rewarded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("submitted at"), default=timezone.now, db_index=True)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("screenshot submission")
        verbose_name_plural = _("screenshot submissions")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(rewarded_at__isnull=True) | Q(status="accepted"),
            name="only_accepted_rewarded")]

    def __str__(self) -> str:
        return f"{self.participant_id}: {self.status}"


class Referral(models.Model):
    """A sign-up (a new lead) brought by a participant's link."""

    scope_owner = "participant__contact__customer__owner"

    participant = models.ForeignKey(Participant, verbose_name=_("referred by"),
                                    on_delete=models.CASCADE, related_name="referrals")
    lead = models.OneToOneField("crm.Lead", verbose_name=_("lead"), on_delete=models.CASCADE,
                                related_name="referral")
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    objects = ScopedManager()

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.participant_id} -> {self.lead_id}"
