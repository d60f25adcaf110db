from django.contrib import admin

from valuecrm.assignment.models import AssignmentMember, AssignmentRule, LeadAssignment


class MemberInline(admin.TabularInline):
    model = AssignmentMember
    extra = 0
    autocomplete_fields = ["user"]
    readonly_fields = ["assigned_count", "last_assigned_at"]


@admin.register(AssignmentRule)
class AssignmentRuleAdmin(admin.ModelAdmin):
    list_display = ["name", "unit", "method", "priority", "channel", "max_open_leads",
                    "is_active"]
    list_filter = ["method", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["unit", "channel"]
    inlines = [MemberInline]


@admin.register(AssignmentMember)
class AssignmentMemberAdmin(admin.ModelAdmin):
    list_display = ["rule", "user", "weight", "assigned_count", "last_assigned_at", "is_active"]
    list_filter = ["rule", "is_active"]
    autocomplete_fields = ["user"]
    readonly_fields = ["assigned_count", "last_assigned_at"]


@admin.register(LeadAssignment)
class LeadAssignmentAdmin(admin.ModelAdmin):
    list_display = ["lead", "from_owner", "to_owner", "rule", "reason", "actor", "at"]
    list_filter = ["rule", "at"]
    raw_id_fields = ["lead", "from_owner", "to_owner", "actor"]
    date_hierarchy = "at"

    # The log is evidence for time-to-contact and fairness: written by actions only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
