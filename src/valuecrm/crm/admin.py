from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.crm.capture import new_capture_key
from valuecrm.crm.models import Activity, Channel, Contact, Customer, Lead, Tag, TagGroup


class SoftDeleteAdmin(SimpleHistoryAdmin):
    """The admin shows deleted rows too (filter "deleted"), so operators can inspect them."""

    def get_queryset(self, request):
        return self.model.all_objects.all()


class DeletedFilter(admin.SimpleListFilter):
    title = "deleted"
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("no", "no"), ("yes", "yes")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


@admin.register(Channel)
class ChannelAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "monthly_cost", "currency", "is_active", "capture_key"]
    list_filter = ["is_active"]
    search_fields = ["name", "code"]
    actions = ["enable_web_form"]

    @admin.action(description=_("Enable the web form (new key)"))
    def enable_web_form(self, request, queryset):
        for channel in queryset:
            channel.capture_key = new_capture_key()
            channel.save(update_fields=["capture_key"])


@admin.register(TagGroup)
class TagGroupAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ["name", "group", "color"]
    list_filter = ["group"]
    search_fields = ["name"]


@admin.register(Lead)
class LeadAdmin(SoftDeleteAdmin):
    list_display = ["__str__", "phone", "email", "channel", "status", "owner", "created_at"]
    list_filter = ["status", "channel", DeletedFilter, "created_at"]
    search_fields = ["name", "company_name", "phone", "email"]
    autocomplete_fields = ["owner", "channel", "converted_customer"]
    raw_id_fields = ["converted_contact", "converted_opportunity"]
    filter_horizontal = ["tags"]
    readonly_fields = ["version", "deleted_at", "deleted_by"]


@admin.register(Customer)
class CustomerAdmin(SoftDeleteAdmin):
    list_display = ["name", "industry", "size_tier", "region", "lifecycle_stage", "owner"]
    list_filter = ["lifecycle_stage", "size_tier", "industry", DeletedFilter]
    search_fields = ["name", "phone", "email"]
    autocomplete_fields = ["owner", "channel"]
    filter_horizontal = ["tags"]
    readonly_fields = ["version", "deleted_at", "deleted_by"]


@admin.register(Contact)
class ContactAdmin(SoftDeleteAdmin):
    list_display = ["name", "customer", "title", "phone", "email", "is_primary"]
    list_filter = ["is_primary", DeletedFilter]
    search_fields = ["name", "phone", "email", "customer__name"]
    autocomplete_fields = ["customer"]
    readonly_fields = ["version", "deleted_at", "deleted_by"]


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ["kind", "started_at", "duration_seconds", "owner", "lead", "customer",
                    "opportunity"]
    list_filter = ["kind", "started_at"]
    search_fields = ["subject", "outcome"]
    raw_id_fields = ["lead", "customer", "opportunity"]
    autocomplete_fields = ["owner"]
    date_hierarchy = "started_at"
