"""Delivery pages: an order's stages (with rework), changes, inspections, returns and
purchase orders, the stage move (delivery.actions.move_order_stage), and the supplier
scorecard (delivery.queries.supplier_scorecard). The order list is a `ListPage`
(web/lists.py)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy

from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.delivery.actions import move_order_stage
from valuecrm.delivery.models import Order, OrderStage
from valuecrm.delivery.queries import order_stage_timeline, supplier_scorecard
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import domain_errors, go_to, refusal
from valuecrm.web.views.periods import SpanForm


class MoveForm(forms.Form):
    stage = forms.ModelChoiceField(label=gettext_lazy("Move to stage"), queryset=None)
    note = forms.CharField(label=gettext_lazy("Note"), max_length=200, required=False)

    def __init__(self, *args, order, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].queryset = OrderStage.objects.filter(is_active=True).exclude(
            pk=order.stage_id)


def _order(request, pk) -> Order:
    return get_object_or_404(Order.objects.visible_to(request.user).select_related(
        "contract__customer", "contract__owner", "stage", "product"), pk=pk)


def _detail(request, order, form, *, error="", status=200):
    return render_page(request, "web/delivery/order_detail.html", {
        "record": order, "timeline": order_stage_timeline(order), "form": form,
        "error": error, "changes": order.changes.select_related("actor"),
        "inspections": order.inspections.select_related("inspector"),
        "returns": order.returns.select_related("actor"),
        "purchase_orders": order.purchase_orders.select_related("supplier"),
        "today": timezone.localdate(),
    }, status=status, partial="web/delivery/order_move.html")


@login_required
def order_detail(request, pk):
    order = _order(request, pk)
    return _detail(request, order, MoveForm(order=order))


@login_required
@domain_errors
def order_move(request, pk):
    order = _order(request, pk)
    if request.method != "POST":
        return _detail(request, order, MoveForm(order=order), status=405)
    ensure_can_write(request.user)
    form = MoveForm(request.POST, order=order)
    if form.is_valid():
        try:
            move_order_stage(actor=request.user, pk=order.pk,
                             stage_id=form.cleaned_data["stage"].pk,
                             note=form.cleaned_data["note"])
        except (ValidationError, Conflict) as exc:
            return _detail(request, order, form, error=refusal(exc), status=422)
        return go_to(request, reverse("web:order_detail", args=[order.pk]))
    return _detail(request, order, form, status=422)


@login_required
def supplier_list(request):
    form = SpanForm(request.GET or None, default_days=365)
    start, end = form.span()
    rows = supplier_scorecard(request.user, start=start, end=end)
    rows.sort(key=lambda r: (r["on_time_rate"] is None, r["on_time_rate"] or 0))
    return render_page(request, "web/delivery/suppliers.html",
                       {"form": form, "rows": rows, "start": start, "end": end})
