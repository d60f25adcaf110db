from django.contrib import admin

from valuecrm.scoring.models import ScoreModel


@admin.register(ScoreModel)
class ScoreModelAdmin(admin.ModelAdmin):
    list_display = ["kind", "won", "lost", "trained_at"]

    # Written by the scoring job only.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
