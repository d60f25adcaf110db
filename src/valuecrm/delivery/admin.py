from django.contrib import admin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.delivery.models import (
    Inspection,
    Order,
    OrderChange,
    OrderReturn,
    OrderStage,
    OrderStageEvent,
    PurchaseOrder,
    Supplier,
)


@admin.register(OrderStage)
class OrderStageAdmin(admin.ModelAdmin):
    list_display = ["name", "name_en", "code", "position", "target_days", "is_final",
                    "is_active"]
    list_editable = ["position", "target_days", "is_active"]
    search_fields = ["name", "name_en", "code"]


@admin.register(Supplier)
class SupplierAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "contact_name", "phone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]


# Orders, purchase orders and their events are written by the delivery actions (stage
# events, rework flags, lateness, change records); the back office shows them.
@admin.register(Order)
class OrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "contract", "stage", "placed_at", "due_date", "completed_at",
                    "late"]
    list_filter = ["stage", "late", "placed_at"]
    search_fields = ["number", "contract__number"]


@admin.register(OrderStageEvent)
class OrderStageEventAdmin(ReadOnlyAdmin):
    list_display = ["order", "stage", "from_stage", "entered_at", "left_at", "is_rework",
                    "actor"]
    list_filter = ["stage", "is_rework"]
    search_fields = ["order__number"]


@admin.register(OrderChange)
class OrderChangeAdmin(ReadOnlyAdmin):
    list_display = ["order", "field", "old_value", "new_value", "reason", "changed_at",
                    "actor"]
    list_filter = ["field"]
    search_fields = ["order__number"]


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["order", "inspected_at", "defect_reason", "inspector"]
    search_fields = ["order__number", "defect_reason"]


@admin.register(OrderReturn)
class OrderReturnAdmin(ReadOnlyAdmin):
    list_display = ["order", "returned_at", "reason", "actor"]
    search_fields = ["order__number", "reason"]


@admin.register(PurchaseOrder)
class PurchaseOrderAdmin(ReadOnlyAdmin):
    list_display = ["number", "supplier", "order", "promised_date", "delivered_date",
                    "logistics_company", "tracking_number", "on_time"]
    list_filter = ["supplier", "on_time"]
    search_fields = ["number", "tracking_number", "order__number"]
