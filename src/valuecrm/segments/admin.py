from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.core.admin import ReadOnlyAdmin
from valuecrm.segments.models import Segment, TagChange, TagRule, TagRuleMember


@admin.register(Segment)
class SegmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description", "owner", "updated_at"]
    raw_id_fields = ["owner"]


@admin.register(TagRule)
class TagRuleAdmin(SimpleHistoryAdmin):
    list_display = ["name", "tag", "is_active", "last_run_at"]
    list_filter = ["is_active"]


@admin.register(TagRuleMember)
class TagRuleMemberAdmin(ReadOnlyAdmin):
    list_display = ["rule", "customer", "since"]
    raw_id_fields = ["customer"]


@admin.register(TagChange)
class TagChangeAdmin(ReadOnlyAdmin):
    list_display = ["at", "customer", "tag", "action", "source", "rule", "actor", "reason"]
    list_filter = ["action", "source"]
    raw_id_fields = ["customer"]
