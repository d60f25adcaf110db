from django.contrib import admin

from valuecrm.focus.models import ListColumns, SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "shared_with"]
    list_filter = ["kind"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]


@admin.register(ListColumns)
class ListColumnsAdmin(admin.ModelAdmin):
    list_display = ["owner", "kind"]
    list_filter = ["kind"]
    raw_id_fields = ["owner"]
