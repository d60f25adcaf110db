from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.metrics.models import Target


@admin.register(Target)
class TargetAdmin(SimpleHistoryAdmin):
    list_display = ["metric_key", "unit", "user", "start", "end", "value"]
    list_filter = ["metric_key", "start"]
    search_fields = ["metric_key", "unit__name", "user__username"]
    raw_id_fields = ["unit", "user"]
