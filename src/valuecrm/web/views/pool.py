"""The public pool (公海): customers waiting to be claimed, the claim button with the reason a
claim is refused, and giving a customer back from its page. The rules (limits, cooldown,
who was first) are pool.actions'; these views only call them and show the outcome."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.records import ensure_can_write
from valuecrm.crm.models import Customer
from valuecrm.org.scope import pools_for
from valuecrm.pool import actions
from valuecrm.web.forms import apply_errors
from valuecrm.web.htmx import render_page
from valuecrm.web.views.forms import domain_errors, go_to, posted

PER_PAGE = 50


@login_required
def pool_list(request):
    pools = list(pools_for(request.user))
    customers = actions.pool_customers(request.user).select_related("pool")
    q = request.GET.get("q", "").strip()
    if q:
        customers = customers.filter(name__icontains=q)
    selected = request.GET.get("pool", "")
    if selected.isdigit():
        customers = customers.filter(pool_id=int(selected))
    rows = list(customers.order_by("-updated_at", "-pk")[:PER_PAGE + 1])
    return render_page(request, "web/pool/list.html", {
        "pools": pools, "rows": rows[:PER_PAGE], "more": len(rows) > PER_PAGE, "q": q,
        "selected": selected,
    })


@login_required
@require_POST
@domain_errors
def pool_claim(request, pk):
    """Claim one customer. A refusal (daily limit, customers held, cooldown, someone was
    faster) answers 409 with the action's own message, shown in the row."""
    try:
        customer = actions.claim_customer(actor=request.user, customer_id=pk)
    except Conflict as exc:
        return render(request, "web/pool/claim_result.html",
                      {"pk": pk, "refused": exc.message, "code": exc.code}, status=409)
    return render(request, "web/pool/claim_result.html", {"pk": pk, "customer": customer})


class ReleaseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Why does it go back to the pool?"),
                             max_length=200, widget=forms.Textarea(attrs={"rows": 3}),
                             required=False)


@login_required
@domain_errors
def customer_release(request, pk):
    customer = get_object_or_404(Customer.objects.visible_to(request.user), pk=pk)
    ensure_can_write(request.user)
    form = ReleaseForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            actions.release_customer(actor=request.user, customer_id=customer.pk,
                                     reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        except Conflict as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(customer)s went back to the public pool.")
                             % {"customer": customer})
            return go_to(request, reverse("web:customer_list"))
    status = 422 if request.method == "POST" else 200
    return render_page(request, "web/form.html", {
        "form": form, "record": customer,
        "title": _("Release %(customer)s to the public pool") % {"customer": customer},
        "intro": _("The customer loses its owner and waits in the pool, where colleagues "
                   "can claim it."),
    }, status=status)
