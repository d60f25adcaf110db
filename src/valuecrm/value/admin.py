"""Back office views of the planning records; they are written through the actions (so
history names the actor and metric keys are checked), hence read-only here."""

from django.contrib import admin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.value.models import (
    CycleTarget,
    Initiative,
    InitiativeMetric,
    OperationsCycle,
    Requirement,
)


@admin.register(Requirement)
class RequirementAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "urgent", "important", "kano", "metric_key", "status",
                    "owner"]
    list_filter = ["kind", "kano", "status"]
    search_fields = ["title", "business_goal", "metric_key"]


@admin.register(Initiative)
class InitiativeAdmin(ReadOnlyAdmin):
    list_display = ["name", "launch_date", "estimated_value", "owner"]
    search_fields = ["name"]


@admin.register(InitiativeMetric)
class InitiativeMetricAdmin(ReadOnlyAdmin):
    list_display = ["initiative", "metric_key", "expected_change"]
    search_fields = ["metric_key", "initiative__name"]


@admin.register(OperationsCycle)
class OperationsCycleAdmin(ReadOnlyAdmin):
    list_display = ["name", "start", "end", "hold_days", "owner"]
    search_fields = ["name"]


@admin.register(CycleTarget)
class CycleTargetAdmin(ReadOnlyAdmin):
    list_display = ["cycle", "metric_key", "target"]
    search_fields = ["metric_key", "cycle__name"]
