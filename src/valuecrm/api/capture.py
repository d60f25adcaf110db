"""The public web-to-lead endpoint and its embeddable form. No authentication; throttled
per client address."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.template.loader import render_to_string
from ninja import Form, Router, Schema
from ninja.throttling import AnonRateThrottle

from valuecrm.crm.capture import capture_lead
from valuecrm.crm.models import Channel

router = Router(tags=["web-to-lead"], auth=None)


class CaptureIn(Schema):
    name: str = ""
    company_name: str = ""
    phone: str = ""
    email: str = ""
    region: str = ""
    industry: str = ""
    # The honeypot: hidden from people by the form's markup, filled in by bots.
    website: str = ""


class CapturedOut(Schema):
    status: str


@router.post("/public/leads/{key}", response={202: CapturedOut},
             throttle=[AnonRateThrottle(settings.CAPTURE_RATE)],
             operation_id="capture_lead", summary="Submit a lead from a public web form")
def capture(request, key: str, payload: Form[CaptureIn]):
    data = payload.dict()
    honeypot = data.pop("website")
    capture_lead(channel_key=key, fields=data, honeypot=honeypot)
    channel = Channel.objects.get(capture_key=key)
    if channel.thanks_url and "text/html" in request.headers.get("Accept", ""):
        return HttpResponseRedirect(channel.thanks_url)
    return 202, {"status": "received"}


@router.get("/public/leads/{key}/form.html", operation_id="capture_form",
            summary="An HTML form to paste into the company's website")
def form(request, key: str):
    channel = Channel.objects.filter(capture_key=key, is_active=True).first()
    if channel is None:
        return HttpResponse(status=404)
    action = request.build_absolute_uri(f"/api/v1/public/leads/{key}")
    html = render_to_string("crm/capture_form.html", {"action": action, "channel": channel})
    return HttpResponse(html, content_type="text/html; charset=utf-8")
