from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.crm.admin import DeletedFilter, SoftDeleteAdmin
from valuecrm.sales.models import (
    Contract,
    ContractLine,
    Opportunity,
    OpportunityStageChange,
    Payment,
    PaymentPlan,
    Product,
    Refund,
    Stage,
)


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "position", "probability", "outcome", "is_active"]
    list_editable = ["position", "probability", "is_active"]
    search_fields = ["name", "name_en"]


@admin.register(Product)
class ProductAdmin(SimpleHistoryAdmin):
    list_display = ["name", "sku", "category", "list_price", "currency", "is_active"]
    list_filter = ["category", "is_active"]
    search_fields = ["name", "sku"]


@admin.register(OpportunityStageChange)
class StageChangeAdmin(ReadOnlyAdmin):
    list_display = ["opportunity", "from_stage", "to_stage", "changed_at", "actor"]
    list_filter = ["to_stage", "changed_at"]
    raw_id_fields = ["opportunity", "actor"]
    date_hierarchy = "changed_at"


@admin.register(ContractLine)
class ContractLineAdmin(ReadOnlyAdmin):
    list_display = ["contract", "product", "quantity", "unit_price", "discount_percent",
                    "line_total"]
    search_fields = ["contract__number", "product__name"]
    raw_id_fields = ["contract"]


class StageChangeInline(admin.TabularInline):
    model = OpportunityStageChange
    extra = 0
    readonly_fields = ["from_stage", "to_stage", "changed_at", "actor"]
    can_delete = False


@admin.register(Opportunity)
class OpportunityAdmin(SoftDeleteAdmin):
    list_display = ["name", "customer", "stage", "amount", "expected_close_date", "owner"]
    list_filter = ["stage", DeletedFilter, "expected_close_date"]
    search_fields = ["name", "customer__name"]
    autocomplete_fields = ["customer", "owner"]
    readonly_fields = ["version", "deleted_at", "deleted_by", "stage_entered_at", "closed_at"]
    inlines = [StageChangeInline]

    # Stage moves must be recorded in the stage history, which only the actions do (API,
    # pages); the admin shows opportunities but does not write them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ContractLineInline(admin.TabularInline):
    model = ContractLine
    extra = 0
    autocomplete_fields = ["product"]
    readonly_fields = ["line_total"]


@admin.register(Contract)
class ContractAdmin(SoftDeleteAdmin):
    list_display = ["number", "customer", "type", "status", "signed_date", "total_amount", "owner"]
    list_filter = ["type", "status", DeletedFilter, "signed_date"]
    search_fields = ["number", "title", "customer__name"]
    autocomplete_fields = ["customer", "opportunity", "owner"]
    readonly_fields = ["version", "total_amount", "deleted_at", "deleted_by"]
    inlines = [ContractLineInline]

    # The total is derived from the lines by the contract actions; edit through them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PaymentPlan)
class PaymentPlanAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "due_date", "amount", "note"]
    list_filter = ["due_date"]
    search_fields = ["contract__number"]
    autocomplete_fields = ["contract"]


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    list_display = ["contract", "received_date", "amount", "reference"]
    list_filter = ["received_date"]
    search_fields = ["contract__number", "reference"]
    autocomplete_fields = ["contract", "plan"]


@admin.register(Refund)
class RefundAdmin(ReadOnlyAdmin):
    """Refunds change through their action and approval only."""

    list_display = ["contract", "payment", "amount", "status", "refunded_date", "requested_by"]
    list_filter = ["status"]
