from django.contrib import admin

from valuecrm.usage.models import FeatureRelease, UsageEvent


@admin.register(FeatureRelease)
class FeatureReleaseAdmin(admin.ModelAdmin):
    list_display = ["feature", "released_on", "note"]


@admin.register(UsageEvent)
class UsageEventAdmin(admin.ModelAdmin):
    list_display = ["occurred_at", "user", "feature", "action", "duration_ms"]
    list_filter = ["feature", "action"]
    raw_id_fields = ["user", "unit"]
    date_hierarchy = "occurred_at"
