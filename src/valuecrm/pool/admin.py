from django.contrib import admin

from valuecrm.pool.models import OwnershipChange, Pool, RecycleRule


class RecycleRuleInline(admin.TabularInline):
    model = RecycleRule
    extra = 0
    autocomplete_fields = ["reassign_to"]


@admin.register(Pool)
class PoolAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "daily_claim_limit", "max_held", "reclaim_cooldown_days",
                    "warn_days", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["unit"]
    inlines = [RecycleRuleInline]


@admin.register(RecycleRule)
class RecycleRuleAdmin(admin.ModelAdmin):
    list_display = ["pool", "kind", "days", "reassign_to", "is_active"]
    list_filter = ["kind", "is_active", "pool"]
    autocomplete_fields = ["reassign_to"]


@admin.register(OwnershipChange)
class OwnershipChangeAdmin(admin.ModelAdmin):
    list_display = ["customer", "kind", "from_owner", "to_owner", "pool", "reason", "at", "actor"]
    list_filter = ["kind", "pool", "at"]
    search_fields = ["customer__name", "reason"]
    raw_id_fields = ["customer", "from_owner", "to_owner", "actor"]
    date_hierarchy = "at"

    # The log is evidence for limits, cooldowns and metrics: it is written by actions only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
