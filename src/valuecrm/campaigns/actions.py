"""Writes of campaigns: define, schedule, send (audience, opt-outs, frequency cap, gateway),
responses, opt-outs and the conversion measurement.

Sending is set-based except for the group assignment (a hash per contact, written in
batches) and the gateway call (batches of messages): opt-outs and the frequency cap are
UPDATE ... WHERE EXISTS statements over the campaign's rows, conversions are UPDATEs with
correlated subqueries.
"""

from datetime import timedelta

from django.core.exceptions import NON_FIELD_ERRORS
from django.db import transaction
from django.db.models import (
    Count,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.campaigns.assignment import assign
from valuecrm.campaigns.gateways import Message, gateway_for
from valuecrm.campaigns.models import Campaign, Channel, OptOut, Send, Variant
from valuecrm.core.errors import Conflict, Forbidden, NotFound, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.crm.models import Contact, Lead
from valuecrm.org.scope import can_run_campaigns
from valuecrm.sales.models import Contract, Opportunity
from valuecrm.segments.conditions import SIGNED
from valuecrm.segments.models import Segment
from valuecrm.segments.queries import segment_contacts
from valuecrm.usage.actions import track

BATCH = 1000


def _ensure_marketer(actor):
    ensure_can_write(actor)
    if not can_run_campaigns(actor):
        raise Forbidden(_("Only managers and administrators run campaigns."),
                        code="marketing_only")


def editable_campaign(actor, campaign_id, *, lock=False) -> Campaign:
    """The campaign if the actor may change it: out of scope looks absent (404), in scope
    but not a campaign manager (an analyst) is refused (403)."""
    found = Campaign.objects.visible_to(actor)
    if lock:
        found = found.select_for_update()
    campaign = found.filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFound(f"campaign {campaign_id} not found")
    _ensure_marketer(actor)
    return campaign


def _save(actor, obj):
    obj.full_clean()
    obj._history_user = actor
    obj.save()
    return obj


@transaction.atomic
def create_campaign(*, actor, name: str, segment_id: int, variants: list[dict],
                    **settings) -> Campaign:
    """A draft campaign with its variants ({name, channel, subject, message, offer, weight})."""
    _ensure_marketer(actor)
    segment = Segment.objects.get_visible(actor, segment_id)
    if not variants:
        raise Conflict(_("A campaign needs at least one variant."), code="no_variant")
    campaign = _save(actor, Campaign(name=name, segment=segment, owner=actor, **settings))
    for index, data in enumerate(variants):
        try:
            _save(actor, Variant(campaign=campaign, **data))
        except ValidationError as exc:
            # Named by position, as the API's schema errors are (variants.1.message), so a
            # form shows each error on its own variant.
            raise ValidationError({
                f"variants.{index}" + ("" if field == NON_FIELD_ERRORS else f".{field}"): errors
                for field, errors in exc.error_dict.items()}) from None
    track(actor, "campaigns", "create")
    return campaign


@transaction.atomic
def schedule_campaign(*, actor, campaign_id: int, when=None) -> Campaign:
    campaign = editable_campaign(actor, campaign_id, lock=True)
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        raise Conflict(_("Only a draft campaign can be scheduled."), code="not_draft")
    campaign.status = Campaign.Status.SCHEDULED
    campaign.scheduled_at = when or timezone.now()
    return _save(actor, campaign)


@transaction.atomic
def cancel_campaign(*, actor, campaign_id: int) -> Campaign:
    """Stop a campaign that has not been sent yet."""
    campaign = editable_campaign(actor, campaign_id, lock=True)
    if campaign.status not in (Campaign.Status.DRAFT, Campaign.Status.SCHEDULED):
        raise Conflict(_("A sent campaign cannot be cancelled."), code="already_sent")
    campaign.status = Campaign.Status.CANCELLED
    return _save(actor, campaign)


@transaction.atomic
def opt_out(*, actor, contact_id: int, channel: str = "", reason: str = "") -> OptOut:
    """Record that a contact wants no campaign messages (on `channel`, or on any)."""
    ensure_can_write(actor)
    contact = Contact.objects.editable_by(actor).filter(pk=contact_id).first()
    if contact is None:
        raise NotFound(f"contact {contact_id} not found")
    return OptOut.objects.get_or_create(contact=contact, channel=channel,
                                        defaults={"reason": reason})[0]


def _address(channel, email, phone, contact_id) -> str:
    return {Channel.EMAIL: email, Channel.SMS: phone}.get(channel, str(contact_id))


def _build_audience(campaign: Campaign, when) -> None:
    """One Send row per contact of the segment (within the owner's scope), in its group.

    A hold-out contact is checked like the others, on the channel of the variant it would
    have had without the hold-out: one the message could not have reached (no address
    here, opted out or capped in `_suppress`) leaves the comparison on both sides, so the
    hold-out's rate is that of people who would have been reached."""
    variants = {v.pk: v for v in campaign.variants.all()}
    weights = [(v.pk, v.weight) for v in variants.values()]
    contacts = segment_contacts(campaign.owner, campaign.segment).order_by("pk").values_list(
        "pk", "customer_id", "email", "phone")
    batch = []
    for contact_id, customer_id, email, phone in contacts.iterator(chunk_size=BATCH):
        variant_id = assign(campaign.seed, contact_id, weights, campaign.holdout_percent)
        channel = variants[variant_id or assign(campaign.seed, contact_id, weights, 0)].channel
        if not _address(channel, email, phone, contact_id):
            status = Send.Status.NO_ADDRESS
        elif variant_id is None:
            status = Send.Status.HOLDOUT
        else:
            status = Send.Status.QUEUED
        batch.append(Send(campaign=campaign, variant_id=variant_id, contact_id=contact_id,
                          customer_id=customer_id, status=status, channel=channel,
                          reference_at=when))
        if len(batch) >= BATCH:
            Send.objects.bulk_create(batch)
            batch = []
    Send.objects.bulk_create(batch)


def _suppress(campaign: Campaign, when) -> None:
    """Opted-out contacts, then contacts at the frequency cap, are not sent to; in the
    hold-out they are left out of the comparison the same way (see `_build_audience`)."""
    candidates = Send.objects.filter(campaign=campaign,
                                     status__in=(Send.Status.QUEUED, Send.Status.HOLDOUT))
    opted = OptOut.objects.filter(contact_id=OuterRef("contact_id")).filter(
        Q(channel="") | Q(channel=OuterRef("channel")))
    candidates.filter(Exists(opted)).update(status=Send.Status.OPTED_OUT)
    at_cap = (Send.objects.filter(sent_at__gte=when - timedelta(days=campaign.cap_days))
              .exclude(campaign=campaign).order_by().values("contact_id")
              .annotate(n=Count("pk")).filter(n__gte=campaign.cap_messages)
              .values("contact_id"))
    candidates.filter(contact_id__in=at_cap).update(status=Send.Status.CAPPED)


def _deliver(campaign: Campaign, when) -> None:
    from valuecrm.campaigns.referrals import enrol, poster_link

    variants = {v.pk: v for v in campaign.variants.all()}
    queued = Send.objects.filter(campaign=campaign, status=Send.Status.QUEUED).select_related(
        "contact").order_by("pk")
    while rows := list(queued[:BATCH]):
        links = enrol(campaign, [r.contact for r in rows]) \
            if campaign.kind == Campaign.Kind.REFERRAL else {}
        by_channel: dict[str, list[Message]] = {}
        for row in rows:
            variant = variants[row.variant_id]
            body = variant.message + (f"\n{variant.offer}" if variant.offer else "")
            if row.contact_id in links:
                body += f"\n{poster_link(links[row.contact_id])}"
            by_channel.setdefault(variant.channel, []).append(Message(
                row.pk, variant.channel,
                _address(variant.channel, row.contact.email, row.contact.phone, row.contact_id),
                variant.subject, body))
        for channel, messages in by_channel.items():
            outcomes = gateway_for(channel).send(messages)
            ok = [o.send_id for o in outcomes if o.ok]
            Send.objects.filter(pk__in=ok).update(status=Send.Status.SENT, sent_at=when)
            Send.objects.filter(pk__in=[o.send_id for o in outcomes if o.delivered]).update(
                delivered_at=when)
            for outcome in (o for o in outcomes if not o.ok):
                Send.objects.filter(pk=outcome.send_id).update(status=Send.Status.FAILED,
                                                               error=outcome.error[:300])
        # A gateway that answered nothing for a message leaves it failed, not queued forever.
        Send.objects.filter(pk__in=[r.pk for r in rows], status=Send.Status.QUEUED).update(
            status=Send.Status.FAILED, error="no answer from the gateway")


@transaction.atomic
def send_campaign(*, campaign_id: int, when=None) -> Campaign:
    """Build the audience and send (the job's step; the campaign's owner defines the scope)."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign_id)
    if campaign.status != Campaign.Status.SCHEDULED:
        raise Conflict(_("Only a scheduled campaign is sent."), code="not_scheduled")
    when = when or timezone.now()
    _build_audience(campaign, when)
    _suppress(campaign, when)
    _deliver(campaign, when)
    Campaign.objects.filter(pk=campaign.pk).update(status=Campaign.Status.SENT, sent_at=when)
    campaign.refresh_from_db()
    return campaign


def send_due_campaigns(now=None) -> list[int]:
    """Send every scheduled campaign whose time has come; then measure open windows."""
    now = now or timezone.now()
    due = list(Campaign.objects.filter(status=Campaign.Status.SCHEDULED,
                                       scheduled_at__lte=now).values_list("pk", flat=True))
    for pk in due:
        send_campaign(campaign_id=pk, when=now)
    open_windows = Campaign.objects.filter(status=Campaign.Status.SENT,
                                           sent_at__gte=now - timedelta(days=366))
    for campaign in open_windows:
        measure_conversions(campaign=campaign)
    return due


@transaction.atomic
def record_response(*, actor, send_id: int, when=None) -> Send:
    """A reply to a message (the gateway's callback or a person noting it)."""
    ensure_can_write(actor)
    send = Send.objects.editable_by(actor).filter(pk=send_id, status=Send.Status.SENT).first()
    if send is None:
        raise NotFound(f"campaign message {send_id} not found")
    if send.responded_at is None:
        send.responded_at = when or timezone.now()
        send.save(update_fields=["responded_at"])
    return send


def measure_conversions(*, campaign: Campaign) -> int:
    """Mark each message (and hold-out row) with the deepest step its contact reached within
    the window: contract > opportunity > lead > reply. Set-based, idempotent."""
    window = timedelta(days=campaign.window_days)
    rows = Send.objects.filter(campaign=campaign,
                               status__in=[Send.Status.SENT, Send.Status.HOLDOUT])
    start = ExpressionWrapper(OuterRef("reference_at"), output_field=DateTimeField())
    end = ExpressionWrapper(OuterRef("reference_at") + window, output_field=DateTimeField())
    # The contact's address without a join (an UPDATE may not join): a nested subquery.
    contact = Contact.all_objects.filter(pk=OuterRef(OuterRef("contact_id")))
    leads = Lead.objects.filter(created_at__gte=start, created_at__lte=end)
    same_phone = Q(phone=Subquery(contact.values("phone"))) & ~Q(phone="")
    same_email = Q(email=Subquery(contact.values("email"))) & ~Q(email="")
    contracts = Contract.objects.filter(
        customer_id=OuterRef("customer_id"), status__in=SIGNED,
        signed_date__gte=TruncDate(start), signed_date__lte=TruncDate(end))
    opportunities = Opportunity.objects.filter(
        customer_id=OuterRef("customer_id"), created_at__gte=start, created_at__lte=end)
    evidence = [
        (Send.Conversion.CONTRACT, contracts, Exists(contracts)),
        (Send.Conversion.OPPORTUNITY, opportunities, Exists(opportunities)),
        # Which rows converted: two EXISTS, each able to use its column's index, where one
        # over "phone OR email" made SQLite scan every lead for every row (13-20 s for the
        # demo's 1,300 rows against 5,000 leads). The OR form only dates the few matches.
        (Send.Conversion.LEAD, leads.filter(same_phone | same_email),
         Exists(leads.filter(same_phone)) | Exists(leads.filter(same_email))),
    ]
    changed, deeper = 0, []
    for kind, found, exists in evidence:
        # converted_at: when the record that proves it was created.
        first = Subquery(found.order_by("created_at").values("created_at")[:1])
        changed += rows.exclude(conversion__in=[kind, *deeper]).filter(exists).update(
            conversion=kind, converted_at=first)
        deeper.append(kind)
    changed += rows.filter(conversion="", responded_at__isnull=False,
                           responded_at__lte=F("reference_at") + window).update(
        conversion=Send.Conversion.REPLY, converted_at=F("responded_at"))
    return changed

