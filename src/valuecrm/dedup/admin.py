from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.dedup.models import CleaningRule


@admin.register(CleaningRule)
class CleaningRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["channels"]
    fieldsets = [
        (None, {"fields": ["name", "kind", "position", "is_active"]}),
        ("Settings of the rule's kind", {"fields": [
            "mobile_only", "email_domains", "channels", "required_fields", "duplicate_fields",
        ]}),
    ]
