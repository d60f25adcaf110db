"""The forms of the record pages, one per record type and purpose."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from valuecrm.crm.models import Activity, Contact, Customer, Lead
from valuecrm.sales.models import Opportunity
from valuecrm.web.forms import ActionForm

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OwnerMixin:
    """The owner field only for people who may give records to others; reps own theirs."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "owner" not in self.fields:
            return
        if self.user.manages_subtree or self.user.sees_everything:
            self.fields["owner"].initial = self.user.pk
        else:
            del self.fields["owner"]


class LeadForm(OwnerMixin, ActionForm):
    class Meta:
        model = Lead
        fields = ["name", "company_name", "phone", "email", "region", "industry", "channel",
                  "owner"]


class LeadStatusForm(ActionForm):
    class Meta:
        model = Lead
        fields = ["status", "disqualify_reason"]


class ConvertForm(forms.Form):
    create_opportunity = forms.BooleanField(
        label=_("Also create an opportunity"), required=False, initial=True)
    opportunity_name = forms.CharField(
        label=_("Opportunity name"), max_length=200, required=False,
        help_text=_("Empty: the customer's name."))
    opportunity_amount = forms.DecimalField(
        label=_("Amount"), max_digits=14, decimal_places=2, required=False, min_value=0)


class CustomerForm(OwnerMixin, ActionForm):
    class Meta:
        model = Customer
        fields = ["name", "industry", "size_tier", "region", "phone", "email",
                  "lifecycle_stage", "channel", "owner"]


class ContactForm(ActionForm):
    class Meta:
        model = Contact
        fields = ["name", "title", "phone", "email", "is_primary"]


class OpportunityForm(OwnerMixin, ActionForm):
    class Meta:
        model = Opportunity
        fields = ["name", "stage", "amount", "probability", "expected_close_date",
                  "lost_reason", "owner"]
        widgets = {"expected_close_date": DATE}

    def limit_choices(self, name, queryset):
        if name == "stage":
            return queryset.filter(is_active=True)
        return super().limit_choices(name, queryset)


class ActivityForm(ActionForm):
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=0,
                                          required=False)

    class Meta:
        model = Activity
        fields = ["kind", "started_at", "subject", "outcome"]
        widgets = {"started_at": DATETIME, "outcome": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["started_at"].initial = timezone.localtime().replace(second=0, microsecond=0)
        self.fields["kind"].initial = Activity.Kind.CALL

    def values(self) -> dict:
        data = super().values()
        minutes = self.cleaned_data.get("duration_minutes")
        data["duration_seconds"] = None if minutes is None else minutes * 60
        return data
