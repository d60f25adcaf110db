"""Segmentation and campaign pages: segments with live counts (and a preview of an unsaved
definition), campaigns with their per-variant results and the form that creates one, and
the manual screenshot review queue. The rules are the segments and campaigns apps'; these
views only call them."""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from valuecrm.campaigns import queries as campaign_queries
from valuecrm.campaigns.actions import create_campaign
from valuecrm.campaigns.models import Submission
from valuecrm.campaigns.referrals import decide_submission
from valuecrm.crm.models import Contact
from valuecrm.org.scope import can_run_campaigns
from valuecrm.segments import queries as segment_queries
from valuecrm.segments.models import Segment
from valuecrm.web.htmx import render_page
from valuecrm.web.operation_forms import CampaignForm, variant_rows
from valuecrm.web.views.forms import domain_errors, posted, submit


@login_required
def segment_list(request):
    rows = [(s, segment_queries.segment_counts(request.user, s))
            for s in Segment.objects.visible_to(request.user)]
    return render_page(request, "web/scrm/segments.html", {"rows": rows})


@login_required
@require_POST
def segment_preview(request):
    """Counts of the definition typed in the preview box, within the reader's scope."""
    context = {"errors": [], "counts": None}
    try:
        definition = json.loads(request.POST.get("definition") or "{}")
        customers = segment_queries.customers_matching(request.user, definition)
        context["counts"] = {
            "customers": customers.count(),
            "contacts": Contact.objects.visible_to(request.user).filter(
                customer__in=customers.values("pk")).count()}
    except json.JSONDecodeError as exc:
        context["errors"] = [_("Not JSON: %(error)s") % {"error": exc}]
    except ValidationError as exc:
        context["errors"] = [m for ms in exc.message_dict.values() for m in ms]
    return render_page(request, "web/scrm/preview.html", context,
                       partial="web/scrm/preview.html",
                       status=422 if context["errors"] else 200)


@login_required
def campaign_list(request):
    campaigns = campaign_queries.campaigns_for(request.user).select_related("segment")
    return render_page(request, "web/scrm/campaigns.html", {
        "campaigns": campaigns, "can_create": can_run_campaigns(request.user)})


@login_required
@domain_errors
def campaign_create(request):
    """A draft campaign with its variants (campaigns.actions.create_campaign); only those
    who run campaigns may open the form."""
    if not can_run_campaigns(request.user):
        raise PermissionDenied
    form = CampaignForm(posted(request), user=request.user)
    variants = variant_rows(posted(request))

    def save(form):
        data = form.values()
        return create_campaign(actor=request.user, segment_id=data.pop("segment_id"),
                               variants=variants.values(), **data)

    return submit(request, form, save, rows={"variants": variants}, context={
        "title": _("New campaign"), "back": reverse("web:campaign_list")},
        success=lambda c: _("Campaign “%(name)s” saved as a draft.") % {"name": c.name})


@login_required
@domain_errors
def campaign_detail(request, pk):
    results = campaign_queries.campaign_results(request.user, pk)
    return render_page(request, "web/scrm/campaign_detail.html", {"r": results})


@login_required
def review_queue(request):
    return render_page(request, "web/scrm/review_queue.html", {
        "queue": campaign_queries.review_queue(request.user)[:100],
        "can_decide": can_run_campaigns(request.user)})


@login_required
def submission_image(request, pk):
    submission = Submission.objects.visible_to(request.user).filter(pk=pk).first()
    if submission is None or not submission.image:
        raise Http404
    return FileResponse(submission.image.open("rb"))


@login_required
@require_POST
@domain_errors
def submission_decide(request, pk):
    accept = request.POST.get("verdict") == "accept"
    submission = decide_submission(actor=request.user, submission_id=pk, accept=accept)
    messages.success(request, _("Screenshot %(pk)s: %(status)s")
                     % {"pk": submission.pk, "status": submission.get_status_display()})
    return redirect("web:review_queue")
