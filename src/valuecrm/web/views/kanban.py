"""The opportunity kanban: one column per stage; dragging a card moves the opportunity
through sales.actions.update_opportunity, so the move lands in its stage history."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Sum
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.sales.actions import update_opportunity
from valuecrm.sales.models import Opportunity, Stage
from valuecrm.web.views.forms import domain_errors

CARDS_PER_COLUMN = 30


@login_required
def kanban(request):
    visible = Opportunity.objects.visible_to(request.user)
    totals = {row["stage"]: row for row in visible.values("stage").annotate(
        count=Count("pk"), amount=Sum("amount")).order_by()}
    columns = []
    for stage in Stage.objects.visible_to(request.user).filter(is_active=True):
        cards = list(visible.filter(stage=stage).select_related("customer", "owner")
                     .order_by("-amount", "-pk")[:CARDS_PER_COLUMN])
        total = totals.get(stage.pk, {"count": 0, "amount": None})
        columns.append({"stage": stage, "cards": cards, "count": total["count"],
                        "amount": total["amount"] or 0,
                        "more": max(total["count"] - len(cards), 0)})
    return render(request, "web/kanban.html", {"columns": columns})


class MoveForm(forms.Form):
    stage = forms.IntegerField()
    version = forms.IntegerField(required=False)


def _messages(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
@require_POST
@domain_errors
def move(request, pk):
    get_object_or_404(Opportunity.objects.visible_to(request.user), pk=pk)
    ensure_can_write(request.user)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return JsonResponse({"error": _("Choose a stage.")}, status=422)
    try:
        deal = update_opportunity(actor=request.user, pk=pk,
                                  changes={"stage_id": form.cleaned_data["stage"]},
                                  expected_version=form.cleaned_data["version"])
    except ValidationError as exc:
        return JsonResponse({"error": _messages(exc)}, status=422)
    except Conflict as exc:
        return JsonResponse({"error": exc.message}, status=409)
    return JsonResponse({"version": deal.version,
                         "message": _("Moved to %(stage)s.") % {"stage": deal.stage}})
