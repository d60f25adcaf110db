from django.contrib import admin

from valuecrm.focus.models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "owner", "shared_with"]
    list_filter = ["kind"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner"]
