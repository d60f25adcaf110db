"""Bulk actions on the lead and customer lists: assign (leads), tag, move to the pool
(customers), export. Each selected record goes through the same action as one at a time
(assignment.actions.reassign_lead, core.records.update_record, pool.actions.release_customer),
each in its own transaction, so one refusal does not undo the others; the page then says
how many were done and why the rest were refused."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from valuecrm.assignment.actions import reassign_lead
from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.core.records import update_record
from valuecrm.crm.models import Customer, Lead, Tag
from valuecrm.dataio.exports import export_response
from valuecrm.org.queries import visible_users
from valuecrm.pool.actions import release_customer
from valuecrm.web.views.forms import refusal

MAX_SELECTED = 500
ACTIONS = {"lead": ("assign", "tag", "export"), "customer": ("tag", "release", "export")}
MODELS = {"lead": Lead, "customer": Customer}
EXPORT_KIND = {"lead": "leads", "customer": "customers"}


class BulkForm(forms.Form):
    owner = forms.IntegerField(required=False)
    tag = forms.IntegerField(required=False)
    reason = forms.CharField(required=False, max_length=200)


def _apply(kind: str, action: str, actor, pk: int, data: dict) -> None:
    if action == "assign":
        reassign_lead(actor=actor, lead_id=pk, owner_id=data["owner"], reason=data["reason"])
    elif action == "release":
        release_customer(actor=actor, customer_id=pk, reason=data["reason"])
    elif action == "tag":
        record = MODELS[kind].objects.visible_to(actor).get(pk=pk)
        tags = {*record.tags.values_list("pk", flat=True), data["tag"]}
        update_record(actor=actor, model=MODELS[kind], pk=pk, changes={}, tags=sorted(tags),
                      reason=data["reason"] or _("tagged in bulk"))


def _check(kind: str, action: str, actor, data: dict) -> str:
    """The message when the request as a whole cannot run, else ""."""
    if action == "assign" and not visible_users(actor).filter(pk=data["owner"] or 0).exists():
        return _("Choose whom to assign the leads to.")
    if action == "tag" and not Tag.objects.visible_to(actor).filter(pk=data["tag"] or 0).exists():
        return _("Choose a tag.")
    if action in ("assign", "release") and not (data["reason"] or "").strip():
        return _("Say why: the reason is kept in each record's history.")
    return ""


def bulk_view(kind: str):
    @login_required
    @require_POST
    def view(request):
        back = request.POST.get("next", "")
        if not back.startswith(reverse(f"web:{kind}_list")):
            back = reverse(f"web:{kind}_list")
        ids = list(MODELS[kind].objects.visible_to(request.user)
                   .filter(pk__in=[v for v in request.POST.getlist("ids") if v.isdigit()])
                   .values_list("pk", flat=True)[:MAX_SELECTED])
        form = BulkForm(request.POST)
        action = request.POST.get("action", "")
        if action not in ACTIONS[kind]:
            raise Http404
        if not ids or not form.is_valid():
            messages.error(request, _("Select at least one row."))
            return redirect(back)
        data = form.cleaned_data
        if action == "export":
            return export_response(actor=request.user, kind=EXPORT_KIND[kind], ids=ids)
        problem = _check(kind, action, request.user, data)
        if problem:
            messages.error(request, problem)
            return redirect(back)
        done, refused = 0, {}
        for pk in ids:
            try:
                _apply(kind, action, request.user, pk, data)
                done += 1
            except (ValidationError, DomainError) as exc:
                refused.setdefault(refusal(exc), []).append(pk)
        if done:
            messages.success(request, _("Done for %(n)s records.") % {"n": done})
        for reason, pks in refused.items():
            messages.error(request, _("Refused for %(n)s records: %(reason)s")
                           % {"n": len(pks), "reason": reason})
        return redirect(back)

    view.__name__ = f"{kind}_bulk"
    return view
