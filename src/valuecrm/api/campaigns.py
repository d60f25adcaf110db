"""Campaigns (run by managers, department heads and administrators), their results and A/B
verdicts, opt-outs, responses, the screenshot review queue; and the public referral routes
(a participant's poster and uploads, sign-ups through a participant's link)."""

from datetime import datetime

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.throttling import AnonRateThrottle

from valuecrm.api.pagination import LimitOffset
from valuecrm.api.types import Instant
from valuecrm.campaigns import actions, queries, referrals
from valuecrm.campaigns.models import Campaign, Channel, Submission

router = Router(tags=["campaigns"])
public_router = Router(tags=["referrals"], auth=None)
MAX_UPLOAD = 8 * 1024 * 1024


class VariantIn(Schema):
    name: str
    channel: Channel = Channel.EMAIL
    subject: str = ""
    message: str
    offer: str = ""
    weight: int = 1


class VariantOut(VariantIn):
    id: int


class CampaignIn(Schema):
    name: str
    segment: int
    kind: Campaign.Kind = Campaign.Kind.STANDARD
    holdout_percent: int = 10
    window_days: int = 30
    cap_messages: int = 2
    cap_days: int = 7
    reward: str = ""
    variants: list[VariantIn]


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    segment_id: int
    status: str
    scheduled_at: datetime | None
    sent_at: datetime | None
    seed: str
    holdout_percent: int
    window_days: int
    cap_messages: int
    cap_days: int
    reward: str
    owner_id: int
    variants: list[VariantOut]

    @staticmethod
    def resolve_variants(obj):
        return list(obj.variants.all())


class ScheduleIn(Schema):
    at: Instant | None = None


class OptOutIn(Schema):
    channel: Channel | None = None
    reason: str = ""


class SubmissionOut(Schema):
    id: int
    participant_id: int
    status: str
    reason: str
    decoded: list[str]
    duplicate_of_id: int | None
    created_at: datetime
    reviewed_at: datetime | None
    rewarded_at: datetime | None


class OkOut(Schema):
    ok: bool


@router.get("/campaigns", response=list[CampaignOut], operation_id="list_campaigns",
            summary="Campaigns in the caller's scope (their own and their people's)")
@paginate(LimitOffset)
def list_campaigns(request):
    return queries.campaigns_for(request.auth).prefetch_related("variants")


@router.post("/campaigns", response={201: CampaignOut}, operation_id="create_campaign",
             summary="A draft campaign to a segment, with its variants")
def create_campaign(request, body: CampaignIn):
    data = body.dict()
    variants, segment = data.pop("variants"), data.pop("segment")
    return Status(201, actions.create_campaign(actor=request.auth, segment_id=segment,
                                               variants=variants, **data))


@router.get("/campaigns/{int:pk}", response=CampaignOut, operation_id="get_campaign")
def get_campaign(request, pk: int):
    return Campaign.objects.get_visible(request.auth, pk)


@router.post("/campaigns/{int:pk}/schedule", response=CampaignOut,
             operation_id="schedule_campaign",
             summary="Send at a time (default: at the worker's next run)")
def schedule_campaign(request, pk: int, body: ScheduleIn):
    return actions.schedule_campaign(actor=request.auth, campaign_id=pk, when=body.at)


@router.post("/campaigns/{int:pk}/cancel", response=CampaignOut,
             operation_id="cancel_campaign", summary="Stop a campaign not yet sent")
def cancel_campaign(request, pk: int):
    return actions.cancel_campaign(actor=request.auth, campaign_id=pk)


@router.get("/campaigns/{int:pk}/results", response=dict, operation_id="campaign_results",
            summary="Per variant and hold-out: reach, conversions, lift, significance, verdict")
def campaign_results(request, pk: int):
    return queries.campaign_results(request.auth, pk)


@router.post("/contacts/{int:pk}/opt-out", response=OkOut, operation_id="opt_out_contact",
             summary="The contact wants no campaign messages (on one channel, or any)")
def opt_out_contact(request, pk: int, body: OptOutIn):
    actions.opt_out(actor=request.auth, contact_id=pk, channel=body.channel or "",
                    reason=body.reason)
    return {"ok": True}


@router.post("/campaign-messages/{int:pk}/response", response=OkOut,
             operation_id="record_campaign_response",
             summary="A reply to a campaign message (a gateway callback or a person)")
def record_response(request, pk: int):
    actions.record_response(actor=request.auth, send_id=pk)
    return {"ok": True}


@router.get("/referral-submissions", response=list[SubmissionOut],
            operation_id="list_referral_submissions",
            summary="Screenshot submissions in scope; status=manual is the review queue")
@paginate(LimitOffset)
def list_submissions(request, status: Submission.Status | None = None):
    found = Submission.objects.visible_to(request.auth).order_by("created_at", "pk")
    return found.filter(status=status) if status else found


@router.post("/referral-submissions/{int:pk}/accept", response=SubmissionOut,
             operation_id="accept_referral_submission")
def accept_submission(request, pk: int):
    return referrals.decide_submission(actor=request.auth, submission_id=pk, accept=True)


@router.post("/referral-submissions/{int:pk}/reject", response=SubmissionOut,
             operation_id="reject_referral_submission")
def reject_submission(request, pk: int):
    return referrals.decide_submission(actor=request.auth, submission_id=pk, accept=False)


# Public: a participant's private upload address, and the referral link in their QR code.

class SignupIn(Schema):
    name: str = ""
    company_name: str = ""
    phone: str = ""
    email: str = ""


class ReceivedOut(Schema):
    status: str


@public_router.get("/public/referrals/uploads/{key}/poster.png",
                   operation_id="referral_poster", summary="The participant's poster (PNG)")
def poster(request, key: str):
    return HttpResponse(referrals.poster_png(referrals.participant_by_key(key)),
                        content_type="image/png")


@public_router.post("/public/referrals/uploads/{key}/screenshots",
                    response={201: SubmissionOut},
                    throttle=[AnonRateThrottle(settings.CAPTURE_RATE)],
                    operation_id="upload_referral_screenshot",
                    summary="Upload a screenshot of a share; reviewed at once")
def upload_screenshot(request, key: str, image: File[UploadedFile]):
    from valuecrm.core.errors import ValidationError

    if image.size > MAX_UPLOAD:
        raise ValidationError({"image": ["The file is larger than 8 MB."]})
    return Status(201, referrals.submit_screenshot(upload_key=key, data=image.read(),
                                                   filename=image.name or "share.jpg"))


@public_router.get("/public/referrals/{token}", operation_id="referral_signup_form",
                   summary="The sign-up page a participant's QR code opens")
def signup_form(request, token: str):
    participant = referrals.participant_by_token(token)
    html = render_to_string("campaigns/signup_form.html", {
        "campaign": participant.campaign, "action": request.build_absolute_uri()})
    return HttpResponse(html, content_type="text/html; charset=utf-8")


@public_router.post("/public/referrals/{token}", response={201: ReceivedOut},
                    throttle=[AnonRateThrottle(settings.CAPTURE_RATE)],
                    operation_id="referral_signup",
                    summary="Sign up through a participant's link (credited to them)")
def signup(request, token: str, payload: Form[SignupIn]):
    referrals.record_signup(token=token, data=payload.dict())
    return Status(201, {"status": "received"})
