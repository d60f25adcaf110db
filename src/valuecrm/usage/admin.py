from django.contrib import admin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.usage.models import FeatureRelease, UsageDay, UsageEvent


@admin.register(FeatureRelease)
class FeatureReleaseAdmin(admin.ModelAdmin):
    list_display = ["feature", "released_on", "note"]


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "user", "feature", "action", "duration_ms"]
    list_filter = ["feature", "action"]
    raw_id_fields = ["user", "unit"]
    date_hierarchy = "occurred_at"


@admin.register(UsageDay)
class UsageDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "user", "unit"]
    list_filter = ["day"]
    raw_id_fields = ["user", "unit"]
