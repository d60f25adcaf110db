"""The record lists: what each one filters, searches and sorts by."""

import django_filters
from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from valuecrm.crm.models import Activity, Channel, Contact, Customer, Lead
from valuecrm.delivery.models import Order, OrderStage, PurchaseOrder, Supplier
from valuecrm.sales.models import Contract, Opportunity, Stage
from valuecrm.segments.models import Segment
from valuecrm.segments.queries import segment_q
from valuecrm.web.listing import ALL, Column, ListPage, ScopedFilterSet, owners, render_list


def _channels(request):
    return Channel.objects.visible_to(request.user if request else None)


def _segments(request):
    return Segment.objects.visible_to(request.user if request else None)


def _segment_filter(customer_path):
    """Members of a saved segment (the list's own scope still applies)."""
    return django_filters.ModelChoiceFilter(
        label=_("Segment"), empty_label=ALL, queryset=_segments,
        method=lambda qs, name, value: qs.filter(segment_q(value.pk, customer_path))
        if value else qs)


def _stages(request):
    return Stage.objects.visible_to(request.user if request else None).filter(is_active=True)


class LeadFilter(ScopedFilterSet):
    search_indexed = True
    status = django_filters.ChoiceFilter(
        label=_("Status"), empty_label=ALL, choices=Lead.Status.choices)
    channel = django_filters.ModelChoiceFilter(
        label=_("Channel"), empty_label=ALL, queryset=_channels)

    class Meta:
        model = Lead
        fields = []


class CustomerFilter(ScopedFilterSet):
    search_indexed = True
    lifecycle_stage = django_filters.ChoiceFilter(
        label=_("Lifecycle stage"), empty_label=ALL, choices=Customer.Lifecycle.choices)
    size_tier = django_filters.ChoiceFilter(
        label=_("Size tier"), empty_label=ALL, choices=Customer.SizeTier.choices)
    segment = _segment_filter("pk")

    class Meta:
        model = Customer
        fields = []


class ContactFilter(ScopedFilterSet):
    search_lookups = ("name__icontains", "phone__contains", "email__icontains",
                      "customer__name__icontains")
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), empty_label=ALL, field_name="customer__owner", queryset=owners)
    segment = _segment_filter("customer")

    class Meta:
        model = Contact
        fields = []


class OpportunityFilter(ScopedFilterSet):
    search_lookups = ("name__icontains", "customer__name__icontains")
    stage = django_filters.ModelChoiceFilter(
        label=_("Stage"), empty_label=ALL, queryset=_stages)
    outcome = django_filters.ChoiceFilter(
        label=_("Outcome"), empty_label=ALL, field_name="stage__outcome",
        choices=Stage.Outcome.choices)

    class Meta:
        model = Opportunity
        fields = []


class ContractFilter(ScopedFilterSet):
    search_lookups = ("number__icontains", "title__icontains", "customer__name__icontains")
    type = django_filters.ChoiceFilter(
        label=_("Type"), empty_label=ALL, choices=Contract.Type.choices)
    status = django_filters.ChoiceFilter(
        label=_("Status"), empty_label=ALL, choices=Contract.Status.choices)

    class Meta:
        model = Contract
        fields = []


class ActivityFilter(ScopedFilterSet):
    search_lookups = ("subject__icontains", "outcome__icontains")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), empty_label=ALL, choices=Activity.Kind.choices)

    class Meta:
        model = Activity
        fields = []


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OrderFilter(ScopedFilterSet):
    search_lookups = ("number__icontains", "contract__number__icontains",
                      "contract__customer__name__icontains")
    owner = django_filters.ModelChoiceFilter(
        label=_("Owner"), empty_label=ALL, field_name="contract__owner", queryset=owners)
    stage = django_filters.ModelChoiceFilter(
        label=pgettext_lazy("order", "Stage"), empty_label=ALL,
        queryset=lambda request: OrderStage.objects.filter(is_active=True))
    supplier = django_filters.ModelChoiceFilter(
        label=_("Supplier"), empty_label=ALL, method="filter_supplier",
        queryset=lambda request: Supplier.objects.all())
    timeliness = django_filters.ChoiceFilter(
        label=_("Delivery"), empty_label=ALL, method="filter_timeliness", choices=[
            ("late", _("Late (signed off late or open past due)")),
            ("on_time", _("Signed off on time")), ("open", _("Open"))])
    placed_from = django_filters.DateFilter(
        label=_("Placed from"), field_name="placed_at__date", lookup_expr="gte",
        widget=DATE)
    placed_to = django_filters.DateFilter(
        label=_("Placed to"), field_name="placed_at__date", lookup_expr="lte",
        widget=DATE)

    class Meta:
        model = Order
        fields = []

    def filter_supplier(self, queryset, name, value):
        # EXISTS, not a join: an order with two purchase orders must stay one row.
        return queryset.filter(Exists(PurchaseOrder.objects.filter(
            order=OuterRef("pk"), supplier=value)))

    def filter_timeliness(self, queryset, name, value):
        past_due = Q(completed_at__isnull=True, due_date__lt=timezone.localdate())
        return queryset.filter({"late": Q(late=True) | past_due, "on_time": Q(late=False),
                                "open": Q(completed_at__isnull=True)}[value])


LISTS = {
    "lead": ListPage(
        key="lead", view_kind="leads", export_kind="leads",
        bulk_actions=("assign", "tag", "export"),
        model=Lead, title=_("Leads"), filterset=LeadFilter,
        select_related=("owner", "channel"), create_url="web:lead_create",
        empty_hint=_("No leads match. Add one, or clear the filters."),
        columns=(Column(_("Name"), "name"), Column(_("Company"), "company_name"),
                 Column(_("Phone"), key="phone"), Column(_("Channel"), key="channel"),
                 Column(_("Status"), "status"),
                 Column(_("Owner"), key="owner"), Column(_("Created"), "created_at")),
    ),
    "customer": ListPage(
        key="customer", view_kind="customers", export_kind="customers",
        bulk_actions=("tag", "release", "export"),
        model=Customer, title=_("Customers"), filterset=CustomerFilter,
        select_related=("owner",), create_url="web:customer_create",
        empty_hint=_("No customers match. Convert a lead or add a customer."),
        columns=(Column(_("Name"), "name"), Column(_("Industry"), "industry"),
                 Column(_("Region"), "region"), Column(_("Lifecycle stage"), "lifecycle_stage"),
                 Column(_("Owner"), key="owner"), Column(_("Created"), "created_at")),
    ),
    "contact": ListPage(
        key="contact", view_kind="contacts", export_kind="contacts",
        model=Contact, title=_("Contacts"), filterset=ContactFilter,
        select_related=("customer",),
        empty_hint=_("No contacts match. Contacts are added on a customer's page."),
        columns=(Column(_("Name"), "name"), Column(_("Title"), key="title"),
                 Column(_("Customer"), key="customer"),
                 Column(_("Phone"), key="phone"), Column(_("Email address"), key="email"),
                 Column(_("Created"), "created_at")),
    ),
    "opportunity": ListPage(
        key="opportunity", view_kind="opportunities", export_kind="opportunities",
        model=Opportunity, title=_("Opportunities"),
        filterset=OpportunityFilter, select_related=("customer", "stage", "owner"),
        empty_hint=_("No opportunities match. Opportunities start on a customer's page or "
                     "when a lead is converted."),
        columns=(Column(_("Name"), "name"), Column(_("Customer"), key="customer"),
                 Column(_("Stage"), key="stage"),
                 Column(_("Amount"), "amount", numeric=True),
                 Column(_("Expected close"), "expected_close_date"),
                 Column(_("Owner"), key="owner"),
                 Column(_("Created"), "created_at")),
    ),
    "contract": ListPage(
        key="contract", view_kind="contracts", export_kind="contracts",
        model=Contract, title=_("Contracts"), filterset=ContractFilter,
        select_related=("customer", "owner"), default_sort="-signed_date",
        empty_hint=_("No contracts match."),
        columns=(Column(_("Number"), "number"), Column(_("Customer"), key="customer"),
                 Column(_("Type"), key="type"),
                 Column(_("Status"), "status"),
                 Column(_("Contract amount"), "total_amount", numeric=True),
                 Column(_("Signed"), "signed_date"), Column(_("Owner"), key="owner")),
    ),
    "activity": ListPage(
        key="activity", view_kind="activities",
        model=Activity, title=_("Activities"), filterset=ActivityFilter,
        select_related=("owner", "lead", "customer", "opportunity"), default_sort="-started_at",
        empty_hint=_("No activities match. Log a call or visit on a lead or customer."),
        columns=(Column(_("When"), "started_at"), Column(_("Kind"), key="kind"),
                 Column(_("About"), key="about"),
                 Column(_("Subject"), key="subject"),
                 Column(_("Minutes"), "duration_seconds", numeric=True),
                 Column(_("Owner"), key="owner")),
    ),
    "order": ListPage(
        key="order", model=Order, title=_("Sales orders"), filterset=OrderFilter,
        select_related=("contract__customer", "contract__owner", "stage"),
        default_sort="-placed_at", tabs="web/delivery/tabs.html", create_url="web:order_create",
        empty_hint=_("No orders match. Place one with New or from its contract's page; clear "
                     "the filters to see all of yours."),
        columns=(Column(_("Number"), "number"), Column(_("Customer"), key="customer"),
                 Column(pgettext_lazy("order", "Stage"), key="stage"),
                 Column(_("Quantity"), "quantity", numeric=True),
                 Column(_("Placed"), "placed_at"), Column(_("Due date"), "due_date"),
                 Column(_("Delivery"), key="delivery"), Column(_("Owner"), key="owner")),
    ),
}


def list_view(key: str):
    page = LISTS[key]

    @login_required
    def view(request):
        return render_list(request, page)

    view.__name__ = f"{key}_list"
    return view
