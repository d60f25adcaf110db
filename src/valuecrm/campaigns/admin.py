from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from valuecrm.campaigns.models import (
    Campaign,
    OptOut,
    Participant,
    Referral,
    Send,
    Submission,
    Variant,
)
from valuecrm.core.admin import ReadOnlyAdmin


class VariantInline(admin.TabularInline):
    model = Variant
    extra = 1


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "segment", "status", "scheduled_at", "sent_at", "owner"]
    list_filter = ["kind", "status"]
    raw_id_fields = ["owner"]
    inlines = [VariantInline]


@admin.register(Variant)
class VariantAdmin(SimpleHistoryAdmin):
    list_display = ["campaign", "name", "channel", "weight"]
    list_filter = ["channel"]


@admin.register(OptOut)
class OptOutAdmin(admin.ModelAdmin):
    list_display = ["contact", "channel", "reason", "at"]
    raw_id_fields = ["contact"]


@admin.register(Send)
class SendAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "variant", "contact", "status", "sent_at", "conversion"]
    list_filter = ["status", "conversion"]
    raw_id_fields = ["contact", "customer"]


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "contact", "created_at"]
    raw_id_fields = ["contact"]


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ["participant", "status", "reason", "created_at", "rewarded_at"]
    list_filter = ["status", "reason"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["participant", "lead", "created_at"]
    raw_id_fields = ["lead"]
