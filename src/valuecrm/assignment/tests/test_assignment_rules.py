"""New leads without an owner are distributed by the rules."""

from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command

from valuecrm.assignment.models import AssignmentMember, AssignmentRule, LeadAssignment
from valuecrm.crm.actions import create_lead
from valuecrm.crm.models import Lead
from valuecrm.org.actions import system_user


@pytest.fixture
def team_a_rule(org):
    rule = AssignmentRule.objects.create(name="上海轮询", unit=org.team_a)
    AssignmentMember.objects.create(rule=rule, user=org.rep_a)
    AssignmentMember.objects.create(rule=rule, user=org.rep_a2)
    return rule


def _new_leads(actor, count, **fields):
    return [create_lead(actor=actor, data={"name": f"访客{i}", **fields}) for i in range(count)]


def test_round_robin_alternates_between_members(org, team_a_rule):
    leads = _new_leads(system_user(), 4, owner_id=None)
    assert [lead.owner for lead in leads] == [org.rep_a, org.rep_a2, org.rep_a, org.rep_a2]
    assert all(lead.assigned_at for lead in leads)
    log = LeadAssignment.objects.filter(rule=team_a_rule)
    assert log.count() == 4


def test_weighted_rule_follows_capacity(org, team_a_rule):
    team_a_rule.method = AssignmentRule.Method.WEIGHTED
    team_a_rule.save()
    team_a_rule.members.filter(user=org.rep_a).update(weight=2)
    leads = _new_leads(org.admin, 6)
    assert Counter(lead.owner.username for lead in leads) == {"rep_a": 4, "rep_a2": 2}


def test_region_rules_take_matching_leads_first(org, team_a_rule):
    team_a_rule.priority = 200
    team_a_rule.save()
    shanghai = AssignmentRule.objects.create(name="上海地区", unit=org.team_b, priority=10,
                                             regions=["上海"])
    AssignmentMember.objects.create(rule=shanghai, user=org.rep_b)
    local = create_lead(actor=org.admin, data={"name": "本地", "region": "上海市浦东新区"})
    other = create_lead(actor=org.admin, data={"name": "外地", "region": "北京市"})
    assert local.owner == org.rep_b
    assert other.owner in (org.rep_a, org.rep_a2)


def test_members_at_their_cap_are_skipped(org, team_a_rule):
    team_a_rule.max_open_leads = 1
    team_a_rule.save()
    first, second, third = _new_leads(org.admin, 3)
    assert {first.owner, second.owner} == {org.rep_a, org.rep_a2}
    assert third.owner == org.admin  # nobody has room: it stays with its creator
    assert not LeadAssignment.objects.filter(lead=third).exists()


def test_a_rule_without_members_uses_the_reps_of_its_unit(org):
    AssignmentRule.objects.create(name="华东", unit=org.east)
    owners = {lead.owner for lead in _new_leads(org.admin, 3)}
    assert owners == {org.rep_a, org.rep_a2, org.rep_b}


def test_a_reps_own_lead_stays_theirs(org, team_a_rule):
    lead = create_lead(actor=org.rep_b, data={"name": "自拓"})
    assert lead.owner == org.rep_b
    assert not LeadAssignment.objects.filter(lead=lead).exists()


def test_inactive_rules_and_members_are_ignored(org, team_a_rule):
    team_a_rule.members.filter(user=org.rep_a).update(is_active=False)
    assert {lead.owner for lead in _new_leads(org.admin, 2)} == {org.rep_a2}
    team_a_rule.is_active = False
    team_a_rule.save()
    assert _new_leads(org.admin, 1)[0].owner == org.admin


def test_cli_assigns_leads_nobody_works(org, team_a_rule):
    team_a_rule.is_active = False
    team_a_rule.save()
    waiting = _new_leads(system_user(), 2, owner_id=None)
    assert all(lead.owner is None for lead in waiting)
    team_a_rule.is_active = True
    team_a_rule.save()
    out = StringIO()
    call_command("leads", "assign", stdout=out)
    assert "assigned 2 leads" in out.getvalue()
    assert set(Lead.objects.filter(pk__in=[w.pk for w in waiting])
               .values_list("owner__username", flat=True)) == {"rep_a", "rep_a2"}
