"""Delivery pages: an order's stages (with rework), changes, inspections, returns and
purchase orders, the stage move (delivery.actions.move_order_stage), placing an order
(create_order) and changing one (modify_order), and the supplier scorecard
(delivery.queries.supplier_scorecard). The order list is a `ListPage` (web/lists.py)."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.delivery.actions import create_order, modify_order, move_order_stage
from valuecrm.delivery.models import Order, OrderStage
from valuecrm.delivery.queries import order_stage_timeline, supplier_scorecard
from valuecrm.sales.models import Contract
from valuecrm.web.htmx import render_page
from valuecrm.web.operation_forms import OrderChangeForm, OrderForm
from valuecrm.web.views.forms import domain_errors, go_to, posted, refusal, submit
from valuecrm.web.views.periods import SpanForm
from valuecrm.web.views.records import edit_page


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


def _placing(request) -> dict:
    """What a new order starts from: `?contract=` (the contract page's "Create order")
    prefills the contract and, when it sells one product, that product and quantity."""
    pk = request.GET.get("contract", "")
    if not pk:
        return {"initial": {}, "back": reverse("web:order_list")}
    if not pk.isdigit():
        raise Http404
    contract = get_object_or_404(Contract.objects.visible_to(request.user).select_related(
        "customer"), pk=pk)
    initial = {"contract": contract}
    lines = list(contract.lines.all()[:2])
    if len(lines) == 1:
        initial.update(product=lines[0].product_id, quantity=lines[0].quantity)
    return {"initial": initial, "back": reverse("web:contract_detail", args=[contract.pk]),
            "intro": _("For contract %(number)s of %(customer)s.") % {
                "number": contract.number, "customer": contract.customer}}


@login_required
@domain_errors
def order_create(request):
    start = _placing(request)
    form = OrderForm(posted(request), initial=start.pop("initial"), user=request.user)
    return submit(request, form,
                  lambda f: create_order(actor=request.user, data=f.values()),
                  context={"title": _("New sales order"), **start},
                  success=lambda o: _("Order %(number)s placed.") % {"number": o.number})


@login_required
@domain_errors
def order_edit(request, pk):
    """Change what the customer changed; each changed field is recorded with the reason."""
    return edit_page(request, Order, pk, OrderChangeForm, title=_("Change order"),
                     update=modify_order,
                     success=lambda o: _("Order %(number)s changed.") % {"number": o.number})


@login_required
def supplier_list(request):
    form = SpanForm(request.GET or None, default_days=365)
    start, end = form.span()
    rows = supplier_scorecard(request.user, start=start, end=end)
    rows.sort(key=lambda r: (r["on_time_rate"] is None, r["on_time_rate"] or 0))
    return render_page(request, "web/delivery/suppliers.html",
                       {"form": form, "rows": rows, "start": start, "end": end})
