"""The approvals inbox: steps waiting for my decision (approve or reject with a comment,
through approvals.actions.decide), what I submitted, and steps overdue past their SLA.
Opening a request is approvals.actions.open_request, which ends the step's waiting time
for its approver, as the API's GET does."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from valuecrm.approvals import actions, queries
from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import domain_errors, go_to, refusal


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", gettext_lazy("Approve")),
                                          ("reject", gettext_lazy("Reject"))])
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              help_text=gettext_lazy("Required when you reject."))


@login_required
def inbox(request):
    steps = list(queries.inbox(request.user))
    for step in steps:
        step.overdue = queries.is_overdue(step)
    return render_page(request, "web/approvals/inbox.html", {
        "steps": steps, "submitted": queries.submitted_by(request.user)[:50],
        "overdue": queries.overdue_steps(request.user), "form": DecisionForm(),
    })


def _detail(request, approval, *, form=None, error="", status=200):
    steps = list(approval.steps.select_related("approver", "decided_by"))
    mine = next((s for s in steps if s.status == s.Status.PENDING
                 and s.may_decide(request.user)), None)
    return render_page(request, "web/approvals/detail.html", {
        "approval": approval, "steps": steps, "mine": mine, "form": form or DecisionForm(),
        "error": error}, status=status, partial="web/approvals/decision.html")


@login_required
@domain_errors
def approval_detail(request, pk):
    approval = actions.open_request(actor=request.user, request_id=pk)
    return _detail(request, approval)


@login_required
@require_POST
@domain_errors
def approval_decide(request, pk):
    approval = actions.open_request(actor=request.user, request_id=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _detail(request, approval, form=form, status=422)
    try:
        actions.decide(actor=request.user, request_id=pk,
                       approve=form.cleaned_data["decision"] == "approve",
                       comment=form.cleaned_data["comment"])
    except (ValidationError, Conflict) as exc:
        return _detail(request, approval, form=form, error=refusal(exc), status=422)
    approved = form.cleaned_data["decision"] == "approve"
    messages.success(request, (_("Approved: %(request)s") if approved
                               else _("Rejected: %(request)s")) % {"request": approval})
    return go_to(request, reverse("web:approval_inbox"))
