from django.contrib import admin

from valuecrm.security.models import PurgedRecord


@admin.register(PurgedRecord)
class PurgedRecordAdmin(admin.ModelAdmin):
    """Read-only: the audit of permanent deletions cannot be edited or removed."""

    list_display = ["at", "model", "object_id", "label", "actor_name", "reason"]
    list_filter = ["model"]
    search_fields = ["label", "actor_name", "reason"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
