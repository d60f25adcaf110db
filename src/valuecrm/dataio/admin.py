from django.contrib import admin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.dataio.models import ImportJob


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["kind", "actor", "file_name", "status", "rows", "created", "updated",
                    "skipped", "invalid", "started_at"]
    list_filter = ["kind", "status", "started_at"]
    search_fields = ["file_name", "actor__username"]
