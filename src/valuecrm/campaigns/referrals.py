"""Referral campaigns: per-participant posters with a signed QR link, sign-ups credited to
the participant who brought them, and the automatic review of uploaded share screenshots.

The review, in order:
1. not an image -> refused (nothing stored);
2. the same picture as an earlier submission (perceptual hash within REUSE_DISTANCE bits)
   -> rejected as reused;
3. no readable QR code -> manual review queue (a person decides);
4. a code signed for this campaign and the uploader -> accepted and rewarded (once per
   participant); signed for this campaign but another participant -> rejected; signed for
   another campaign -> rejected; not signed by us -> rejected.
"""

import io
from urllib.parse import urlsplit

import qrcode
from django.conf import settings
from django.core import signing
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageDraw, ImageFont

from valuecrm.campaigns import imagecheck
from valuecrm.campaigns.models import Campaign, Participant, Referral, Submission
from valuecrm.core.errors import Conflict, Forbidden, NotFound, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.org.scope import can_run_campaigns

# Bits of 256 two pictures may differ in and still be "the same picture": on the generated
# set re-encoded, rescaled and trimmed copies differ in at most 16, distinct screenshots of
# the same poster in at least 50 (docs/scrm.md): the threshold sits between them.
REUSE_DISTANCE = 32
_SIGNER = signing.Signer(salt="valuecrm.campaigns.referral")
LINK_PATH = "/api/v1/public/referrals/"


def referral_token(participant: Participant) -> str:
    return _SIGNER.sign(f"{participant.campaign_id}.{participant.pk}")


def referral_link(participant: Participant) -> str:
    """The link the participant's QR code carries (the referred person's sign-up page)."""
    return f"{settings.PUBLIC_BASE_URL}{LINK_PATH}{referral_token(participant)}"


def poster_link(participant: Participant) -> str:
    """The participant's private page: their poster, and where they upload screenshots."""
    return f"{settings.PUBLIC_BASE_URL}{LINK_PATH}uploads/{participant.upload_key}/poster.png"


def parse_token(token: str) -> tuple[int, int] | None:
    """(campaign id, participant id) of a token we signed; None for anything else."""
    try:
        campaign_id, participant_id = _SIGNER.unsign(token).split(".")
        return int(campaign_id), int(participant_id)
    except (signing.BadSignature, ValueError):
        return None


def parse_link(text: str) -> tuple[int, int] | None:
    path = urlsplit(text.strip()).path
    if LINK_PATH not in path:
        return None
    return parse_token(path.split(LINK_PATH, 1)[1].strip("/"))


def enrol(campaign: Campaign, contacts) -> dict[int, Participant]:
    """Participants for these contacts (created once), by contact id."""
    ids = [c.pk for c in contacts]
    Participant.objects.bulk_create(
        [Participant(campaign=campaign, contact_id=pk) for pk in ids], ignore_conflicts=True)
    return {p.contact_id: p for p in Participant.objects.filter(campaign=campaign,
                                                               contact_id__in=ids)}


def poster_png(participant: Participant) -> bytes:
    """A simple poster: the campaign's name, its reward and the participant's QR code."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10,
                         border=4)
    code.add_data(referral_link(participant))
    qr = code.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    poster = Image.new("RGB", (600, 900), (255, 244, 230))
    draw = ImageDraw.Draw(poster)
    draw.rectangle((0, 0, 600, 160), fill=(200, 40, 40))
    font = ImageFont.load_default(size=36)
    campaign = participant.campaign
    draw.text((30, 50), f"{campaign.name}"[:28], fill="white", font=font)
    draw.text((30, 190), (campaign.reward or "")[:30], fill=(120, 40, 20), font=font)
    qr = qr.resize((420, 420), Image.Resampling.NEAREST)
    poster.paste(qr, (90, 300))
    draw.text((30, 800), f"#{participant.pk}", fill=(90, 90, 90), font=font)
    out = io.BytesIO()
    poster.save(out, format="PNG")
    return out.getvalue()


def participant_by_key(upload_key: str) -> Participant:
    participant = Participant.objects.select_related("campaign").filter(
        upload_key=upload_key, campaign__kind=Campaign.Kind.REFERRAL).first()
    if participant is None:
        raise NotFound("no such participant")
    return participant


def participant_by_token(token: str) -> Participant:
    owner = parse_token(token)
    participant = Participant.objects.filter(
        pk=owner[1], campaign_id=owner[0]).select_related("campaign").first() if owner else None
    if participant is None:
        raise NotFound("no such referral link")
    return participant


def _earlier_copy(image_hash: str) -> Submission | None:
    """The first earlier submission of the same picture, on any campaign."""
    exact = Submission.objects.filter(image_hash=image_hash).order_by("pk").first()
    if exact is not None:
        return exact
    for pk, other in Submission.objects.exclude(image_hash="").values_list(
            "pk", "image_hash").order_by("pk").iterator(chunk_size=5000):
        if imagecheck.distance(image_hash, other) <= REUSE_DISTANCE:
            return Submission.objects.get(pk=pk)
    return None


def review(participant: Participant, codes: list[str], copy_of) -> tuple[str, str]:
    """(status, reason) of a screenshot with these decoded `codes`."""
    if copy_of is not None:
        return Submission.Status.REJECTED, Submission.Reason.REUSED
    if not codes:
        return Submission.Status.MANUAL, Submission.Reason.NO_CODE
    owners = [parse_link(code) for code in codes]
    if (participant.campaign_id, participant.pk) in owners:
        return Submission.Status.ACCEPTED, Submission.Reason.OWN_CODE
    if any(o and o[0] == participant.campaign_id for o in owners):
        return Submission.Status.REJECTED, Submission.Reason.OTHER_PARTICIPANT
    if any(owners):
        return Submission.Status.REJECTED, Submission.Reason.WRONG_CAMPAIGN
    return Submission.Status.REJECTED, Submission.Reason.FOREIGN_CODE


def _reward(submission: Submission, when) -> None:
    """An accepted share earns the campaign's reward, once per participant."""
    already = Submission.objects.filter(participant=submission.participant,
                                        rewarded_at__isnull=False).exists()
    if not already:
        submission.rewarded_at = when
        submission.save(update_fields=["rewarded_at"])


@transaction.atomic
def submit_screenshot(*, upload_key: str, data: bytes, filename: str = "share.jpg"
                      ) -> Submission:
    """A participant's upload, reviewed at once (the public upload and the CLI)."""
    participant = participant_by_key(upload_key)
    try:
        image = imagecheck.load(data)
    except imagecheck.NotAnImage:
        raise ValidationError({"image": [_("The file is not an image.")]}) from None
    image_hash = imagecheck.perceptual_hash(image)
    codes = imagecheck.decode_qr(image)
    copy_of = _earlier_copy(image_hash)
    status, reason = review(participant, codes, copy_of)
    submission = Submission(participant=participant, image_hash=image_hash, status=status,
                            reason=reason, decoded=codes, duplicate_of=copy_of)
    submission.image.save(filename[-80:] or "share.jpg", ContentFile(data), save=False)
    submission.save()
    if status == Submission.Status.ACCEPTED:
        _reward(submission, submission.created_at)
    return submission


@transaction.atomic
def decide_submission(*, actor, submission_id: int, accept: bool) -> Submission:
    """A reviewer's decision on a screenshot of the manual queue."""
    submission = Submission.objects.visible_to(actor).select_for_update().filter(
        pk=submission_id).first()
    if submission is None:
        raise NotFound(f"submission {submission_id} not found")
    ensure_can_write(actor)
    if not can_run_campaigns(actor):
        raise Forbidden(_("Only managers and administrators review screenshots."),
                        code="marketing_only")
    if submission.status != Submission.Status.MANUAL:
        raise Conflict(_("This screenshot was already decided."), code="decided")
    now = timezone.now()
    submission.status = Submission.Status.ACCEPTED if accept else Submission.Status.REJECTED
    submission.reason = Submission.Reason.REVIEWER
    submission.reviewed_by, submission.reviewed_at = actor, now
    submission.save(update_fields=["status", "reason", "reviewed_by", "reviewed_at"])
    if accept:
        _reward(submission, now)
    return submission


@transaction.atomic
def record_signup(*, token: str, data: dict) -> Referral:
    """Someone signed up through a participant's link: a new lead, credited to them."""
    from valuecrm.crm.actions import create_lead
    from valuecrm.org.actions import system_user

    participant = participant_by_token(token)
    lead = create_lead(actor=system_user(), data={
        "name": data.get("name", ""), "company_name": data.get("company_name", ""),
        "phone": data.get("phone", ""), "email": data.get("email", "")})
    return Referral.objects.create(participant=participant, lead=lead)
