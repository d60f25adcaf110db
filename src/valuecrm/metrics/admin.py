from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.metrics.models import ActivityCustomerMonth, ActivityDay, RollupState, Target


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["metric_key", "unit", "user", "start", "end", "value"]
    list_filter = ["metric_key", "start"]
    search_fields = ["metric_key", "unit__name", "user__username"]
    raw_id_fields = ["unit", "user"]


class RollupAdmin(ReadOnlyAdmin):
    """Rollups are kept by database triggers (docs/metrics.md, "Rollups"); administrators
    may look, never edit; `valuecrm metrics rebuild-rollups` rebuilds them."""


@admin.register(ActivityDay)
class ActivityDayAdmin(RollupAdmin):
    list_display = ["day", "owner", "kind", "customer_isnull", "n", "duration_seconds"]
    list_filter = ["kind", "day"]
    raw_id_fields = ["owner"]


@admin.register(ActivityCustomerMonth)
class ActivityCustomerMonthAdmin(RollupAdmin):
    list_display = ["month", "owner", "customer", "n"]
    list_filter = ["month"]
    raw_id_fields = ["owner", "customer"]


@admin.register(RollupState)
class RollupStateAdmin(RollupAdmin):
    list_display = ["name", "time_zone", "built_at"]
