from django.contrib import admin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.scoring.models import Score, ScoreModel


@admin.register(ScoreModel)
class ScoreModelAdmin(admin.ModelAdmin):
    list_display = ["kind", "won", "lost", "trained_at"]

    # Written by the scoring job only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Score)
class ScoreAdmin(ReadOnlyAdmin):
    list_display = ["lead", "opportunity", "probability", "basis", "computed_at"]
    list_filter = ["basis"]
    raw_id_fields = ["lead", "opportunity"]
