"""The forms that create campaigns, sales orders and initiatives, and change an order.

Like the record forms they check shape only; the actions (campaigns.create_campaign,
delivery.create_order / modify_order, value.create_initiative) hold the rules, and their
errors come back next to the field, or the row, they name."""

from decimal import Decimal

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from valuecrm.campaigns.models import Campaign, Variant
from valuecrm.delivery.models import Order
from valuecrm.metrics.queries import list_metrics
from valuecrm.sales.models import Contract
from valuecrm.value.models import Initiative
from valuecrm.web.forms import ActionForm, Rows
from valuecrm.web.record_forms import DATE, DATETIME
from valuecrm.web.views.metrics import label

TEXT = forms.Textarea(attrs={"rows": 3})


class CampaignForm(ActionForm):
    class Meta:
        model = Campaign
        fields = ["name", "kind", "segment", "holdout_percent", "window_days", "cap_messages",
                  "cap_days", "reward"]


class VariantForm(forms.ModelForm):
    class Meta:
        model = Variant
        fields = ["name", "channel", "subject", "message", "offer", "weight"]
        widgets = {"message": TEXT}

    def _post_clean(self):
        # Checked once, by the action, with the campaign it belongs to.
        pass


class VariantRows(Rows):
    legend = _("Variants")
    help = _("Contacts are split between the variants by weight (an A/B test when there are "
             "two or more); the hold-out gets nothing. Leave a row blank to skip it.")

    def values(self) -> list[dict]:
        return [row.cleaned_data for row in self.filled()]


def variant_rows(data):
    """Rows A and B (C spare): most campaigns test one message against another."""
    rows = forms.formset_factory(VariantForm, formset=VariantRows, extra=1)
    return rows(data, prefix="variants", initial=[{"name": "A"}, {"name": "B"}])


class ActiveProducts:
    """Orders name products still sold (or keep the one they have)."""

    def limit_choices(self, name, queryset):
        if name == "product":
            return queryset.filter(Q(is_active=True) | Q(pk=self.instance.product_id))
        return super().limit_choices(name, queryset)


class OrderForm(ActiveProducts, ActionForm):
    """A new sales order. The contract is named by its number (a list of every contract
    would not fit a large company) and must be one the user can see."""

    class Meta:
        model = Order
        fields = ["number", "contract", "product", "spec", "quantity", "due_date", "placed_at"]
        widgets = {"contract": forms.TextInput, "due_date": DATE, "placed_at": DATETIME}
        help_texts = {"placed_at": _("Empty: now."),
                      "due_date": _("Empty: the placement day plus the delivery target.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        contract = self.fields["contract"]
        contract.to_field_name = "number"
        contract.help_text = _("The contract's number.")
        contract.error_messages["invalid_choice"] = _("No such %(kind)s.") % {
            "kind": Contract._meta.verbose_name}
        for optional in ("due_date", "placed_at"):
            self.fields[optional].required = False

    def values(self) -> dict:
        data = super().values()
        # Empty means "let the action decide" (now; placement plus the delivery target).
        data["placed_at"] = self.cleaned_data.get("placed_at")
        data["due_date"] = self.cleaned_data.get("due_date")
        return data


class OrderChangeForm(ActiveProducts, ActionForm):
    """What a customer may change after ordering (delivery.actions.MODIFIABLE)."""

    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False)

    class Meta:
        model = Order
        fields = ["product", "spec", "quantity", "due_date"]
        widgets = {"due_date": DATE}

    def extras(self) -> dict:
        return {"reason": self.cleaned_data["reason"]}


class InitiativeForm(ActionForm):
    class Meta:
        model = Initiative
        fields = ["name", "launch_date", "measure_days", "estimated_value", "requirements",
                  "background", "goal"]
        widgets = {"launch_date": DATE, "background": TEXT, "goal": TEXT,
                   "requirements": forms.CheckboxSelectMultiple}

    def values(self) -> dict:
        data = super().values()
        data["requirement_ids"] = [r.pk for r in data.pop("requirements", [])]
        return data


class MetricRow(forms.Form):
    metric = forms.ChoiceField(label=_("Metric"))
    change = forms.DecimalField(label=_("Expected change (%)"), max_digits=10,
                                decimal_places=2, help_text=_("−50 halves it, 20 adds a fifth."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        metrics = sorted(list_metrics(), key=lambda m: (m["category"], m["key"]))
        self.fields["metric"].choices = [("", "—")] + [
            (m["key"], label(m["label"])) for m in metrics]


class MetricRows(Rows):
    legend = _("Metrics it should move")
    help = _("Measured by the metric engine before and after the launch date.")

    def clean(self):
        keys = [row.cleaned_data.get("metric") for row in self.filled()]
        if len(keys) != len(set(keys)):
            raise forms.ValidationError(_("Name each metric once."))

    def row_for(self, key):
        # The action names a metric's errors by its key ("metrics.win_rate").
        return next((row for row in self.filled() if row.cleaned_data.get("metric") == key),
                    None)

    def values(self) -> dict[str, Decimal]:
        """The expected relative change per metric key, as the action takes it (-0.5)."""
        return {row.cleaned_data["metric"]: row.cleaned_data["change"] / 100
                for row in self.filled()}


def metric_rows(data):
    return forms.formset_factory(MetricRow, formset=MetricRows, extra=3)(data, prefix="metrics")
