from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.approvals.models import ApprovalFlow, ApprovalFlowStep, ApprovalRequest, ApprovalStep
from valuecrm.core.admin import ReadOnlyAdmin


class FlowStepInline(admin.TabularInline):
    model = ApprovalFlowStep
    extra = 1
    raw_id_fields = ["approver"]


@admin.register(ApprovalFlow)
class ApprovalFlowAdmin(SimpleHistoryAdmin):
    list_display = ["name", "subject", "min_amount", "min_discount_percent", "priority",
                    "is_active"]
    inlines = [FlowStepInline]


class StepInline(admin.TabularInline):
    model = ApprovalStep
    extra = 0
    can_delete = False
    readonly_fields = [f.name for f in ApprovalStep._meta.fields]


@admin.register(ApprovalRequest)
class ApprovalRequestAdmin(SimpleHistoryAdmin):
    list_display = ["id", "subject", "contract", "amount", "status", "submitted_at",
                    "decided_at"]
    list_filter = ["status", "subject"]
    raw_id_fields = ["contract", "owner", "requested_by"]
    inlines = [StepInline]


@admin.register(ApprovalFlowStep)
class ApprovalFlowStepAdmin(admin.ModelAdmin):
    list_display = ["flow", "position", "name", "approver_role", "approver", "sla_hours"]
    list_filter = ["flow"]
    raw_id_fields = ["approver"]


@admin.register(ApprovalStep)
class ApprovalStepAdmin(ReadOnlyAdmin):
    list_display = ["request", "position", "name", "approver", "status", "activated_at",
                    "decided_at"]
    list_filter = ["status"]
    raw_id_fields = ["request", "approver"]
