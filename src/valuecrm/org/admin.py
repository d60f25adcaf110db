from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.org.models import ApiToken, OrgUnit, User


@admin.register(OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "path"]
    list_filter = ["kind"]
    search_fields = ["name"]
    autocomplete_fields = ["parent"]


@admin.register(User)
class ValueUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "is_active", "unit"]
    search_fields = ["username", "display_name", "first_name", "last_name", "email"]
    autocomplete_fields = ["unit"]
    fieldsets = UserAdmin.fieldsets + (("ValueCRM", {"fields": ("role", "unit", "display_name")}),)
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("ValueCRM", {"fields": ("role", "unit", "display_name")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = [
        "hint", "user", "name", "created_at", "expires_at", "last_used_at", "revoked_at"
    ]
    list_filter = ["revoked_at"]
    search_fields = ["user__username", "name", "hint"]
    readonly_fields = ["key_hash", "hint", "last_used_at"]
    autocomplete_fields = ["user"]
