"""Lead cleaning: the active CleaningRules, in order, run on a new lead before it is
assigned. The first rule that filters the lead disqualifies it with the rule's name as the
reason (and what it found in the history entry); nothing is ever dropped."""

import re
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from valuecrm.core import records
from valuecrm.core.errors import Conflict, ValidationError
from valuecrm.core.history import history_reason
from valuecrm.crm.models import Lead
from valuecrm.dedup.duplicates import find_duplicates
from valuecrm.dedup.models import CleaningRule

OPEN = (Lead.Status.NEW, Lead.Status.WORKING, Lead.Status.QUALIFIED)


@dataclass(frozen=True)
class CleaningVerdict:
    passed: bool
    lead: Lead
    rule: CleaningRule | None = None
    detail: str = ""

    @property
    def reason(self) -> str:
        return self.rule.name if self.rule else ""


# What people type into web forms to get past a required phone field: one digit seven
# times or more in a row (13800000000).
_FAKE_PHONE = re.compile(r"(\d)\1{6,}")
_MOBILE = (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def _invalid_phone(rule, lead, actor) -> str | None:
    """Stored phones are already valid E.164 (model validation); this filters the valid
    numbers nobody answers: placeholders, and landlines where the rule wants mobiles."""
    if not lead.phone:
        return None
    number = phonenumbers.parse(lead.phone, settings.PHONE_DEFAULT_REGION)
    if _FAKE_PHONE.search(str(number.national_number)):
        return _("%(phone)s looks like a placeholder number.") % {"phone": lead.phone}
    if rule.mobile_only and phonenumbers.number_type(number) not in _MOBILE:
        return _("%(phone)s is not a mobile number.") % {"phone": lead.phone}
    return None


def _blocked_email_domain(rule, lead, actor) -> str | None:
    domain = lead.email.rpartition("@")[2].lower()
    if domain and any(domain == d or domain.endswith("." + d) for d in rule.blocked_domains):
        return _("The email domain %(domain)s is blocked.") % {"domain": domain}
    return None


def _blocked_channel(rule, lead, actor) -> str | None:
    if lead.channel_id and rule.channels.filter(pk=lead.channel_id).exists():
        return _("Leads from the channel %(channel)s are blocked.") % {"channel": lead.channel}
    return None


def _duplicate(rule, lead, actor) -> str | None:
    values = {"phone": lead.phone, "email": lead.email, "company": lead.company_name}
    wanted = set(rule.compared)
    for candidate in find_duplicates(actor=actor, kind="lead", values=values,
                                     exclude_id=lead.pk):
        fields = [m.field for m in candidate.matches if m.strength == 1.0 and m.field in wanted]
        if fields:
            owner = candidate.owner or candidate.owner_team or _("nobody")
            return _("Same %(fields)s as an existing %(kind)s (owner: %(owner)s).") % {
                "fields": ", ".join(fields), "kind": candidate.kind, "owner": owner}
    return None


def _missing_required(rule, lead, actor) -> str | None:
    missing = [name for name in rule.required
               if getattr(lead, Lead._meta.get_field(name).attname) in ("", None)]
    if missing:
        return _("Missing: %(fields)s.") % {"fields": ", ".join(missing)}
    return None


CHECKS: dict[str, Callable] = {
    CleaningRule.Kind.INVALID_PHONE: _invalid_phone,
    CleaningRule.Kind.BLOCKED_EMAIL_DOMAIN: _blocked_email_domain,
    CleaningRule.Kind.BLOCKED_CHANNEL: _blocked_channel,
    CleaningRule.Kind.DUPLICATE: _duplicate,
    CleaningRule.Kind.MISSING_REQUIRED: _missing_required,
}


def first_failed_rule(*, actor, lead: Lead) -> tuple[CleaningRule, str] | None:
    """The first active rule `lead` fails and what it found; None if it passes. Writes
    nothing, so an import preview can show the outcome before saving."""
    for rule in CleaningRule.objects.filter(is_active=True).prefetch_related("channels"):
        detail = CHECKS[rule.kind](rule, lead, actor)
        if detail:
            return rule, detail
    return None


@transaction.atomic
def clean_lead(*, actor, lead: Lead) -> CleaningVerdict:
    """Run the cleaning rules on a saved, open lead; a filtered lead is disqualified with
    the rule's name as reason. Call it after creating the lead and before assigning it."""
    if lead.pk is None:
        raise ValidationError({"lead": [_("Save the lead before cleaning it.")]})
    if lead.status not in OPEN:
        raise Conflict(_("Only an open lead is cleaned; this one is %(status)s.")
                       % {"status": lead.get_status_display()}, code="lead_not_open")
    failed = first_failed_rule(actor=actor, lead=lead)
    if failed is None:
        return CleaningVerdict(passed=True, lead=lead)
    rule, detail = failed
    lead = records.update_record(
        actor=actor, model=Lead, pk=lead.pk,
        changes={"status": Lead.Status.DISQUALIFIED, "disqualify_reason": rule.name[:200]},
        reason=history_reason(_("filtered by cleaning rule “%(rule)s”: %(detail)s")
                              % {"rule": rule.name, "detail": detail}),
    )
    return CleaningVerdict(passed=False, lead=lead, rule=rule, detail=detail)
