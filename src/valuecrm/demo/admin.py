from django.contrib import admin

from valuecrm.demo.models import DemoRun


@admin.register(DemoRun)
class DemoRunAdmin(admin.ModelAdmin):
    list_display = ["built_at", "scale", "seed", "anchor_date", "go_live_date", "build_seconds"]
    readonly_fields = [f.name for f in DemoRun._meta.fields]

    def has_add_permission(self, request):
        return False
