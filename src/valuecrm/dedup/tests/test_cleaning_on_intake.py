"""New leads from outside pass the cleaning rules before they are given out."""

from django.core.cache import cache
from django.test import Client

from valuecrm.assignment.models import AssignmentMember, AssignmentRule, LeadAssignment
from valuecrm.crm.models import Lead
from valuecrm.dedup.models import CleaningRule


def test_a_web_lead_from_a_blocked_domain_is_disqualified_not_assigned(org, channel):
    channel.capture_key = "web"
    channel.save()
    cache.clear()
    rule = AssignmentRule.objects.create(name="官网", unit=org.team_a)
    AssignmentMember.objects.create(rule=rule, user=org.rep_a)
    CleaningRule.objects.create(name="竞品邮箱", kind=CleaningRule.Kind.BLOCKED_EMAIL_DOMAIN,
                                email_domains="rival.com")
    Client().post("/api/v1/public/leads/web", {"name": "探子", "email": "spy@rival.com"})
    Client().post("/api/v1/public/leads/web", {"name": "真客户", "email": "buyer@good.cn"})

    spy = Lead.objects.get(name="探子")
    assert (spy.status, spy.disqualify_reason, spy.owner) == ("disqualified", "竞品邮箱", None)
    assert not LeadAssignment.objects.filter(lead=spy).exists()
    assert Lead.objects.get(name="真客户").owner == org.rep_a
