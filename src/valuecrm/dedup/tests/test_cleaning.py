"""Lead cleaning: each rule disqualifies the leads it filters, naming itself as the reason;
no lead is ever dropped."""

import pytest
from django.core.exceptions import ValidationError

from valuecrm.core.history import record_history
from valuecrm.crm.actions import create_lead
from valuecrm.crm.models import Channel, Lead
from valuecrm.dedup.cleaning import clean_lead
from valuecrm.dedup.models import CleaningRule


def rule(name, kind, **config):
    channels = config.pop("channels", [])
    made = CleaningRule(name=name, kind=kind, **config)
    made.full_clean()
    made.save()
    made.channels.set(channels)
    return made


def new_lead(actor, **data):
    return create_lead(actor=actor, data={"name": "张三", **data})


def assert_filtered(verdict, by):
    assert not verdict.passed and verdict.rule == by
    lead = Lead.objects.get(pk=verdict.lead.pk)  # still there, never dropped
    assert lead.status == Lead.Status.DISQUALIFIED
    assert lead.disqualify_reason == by.name
    assert record_history(lead)[-1]["reason"].startswith(f"filtered by cleaning rule “{by.name}”")


def test_a_placeholder_phone_is_filtered(org):
    placeholder = rule("无效号码", CleaningRule.Kind.INVALID_PHONE)
    verdict = clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, phone="13800000000"))
    assert_filtered(verdict, placeholder)
    assert "placeholder" in verdict.detail
    assert clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, phone="13912345678")).passed


def test_a_landline_is_filtered_when_the_rule_wants_mobiles(org):
    mobiles = rule("只要手机号", CleaningRule.Kind.INVALID_PHONE, mobile_only=True)
    verdict = clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, phone="021-6234 5678"))
    assert_filtered(verdict, mobiles)


def test_a_blocked_email_domain_is_filtered_with_its_subdomains(org):
    blocked = rule("临时邮箱", CleaningRule.Kind.BLOCKED_EMAIL_DOMAIN,
                   email_domains="mailinator.com, @10minutemail.com")
    for email in ("x@mailinator.com", "x@eu.MAILINATOR.com", "x@10minutemail.com"):
        assert_filtered(clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, email=email)),
                        blocked)
    lead = new_lead(org.rep_a, email="x@notmailinator.com")
    assert clean_lead(actor=org.rep_a, lead=lead).passed


def test_a_blocked_channel_is_filtered(org, channel):
    spam = Channel.objects.create(name="刷单渠道", code="spam")
    blocked = rule("屏蔽渠道", CleaningRule.Kind.BLOCKED_CHANNEL, channels=[spam])
    assert_filtered(clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, channel_id=spam.pk)),
                    blocked)
    assert clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, channel_id=channel.pk)).passed


def test_a_duplicate_is_filtered_even_when_the_original_is_another_teams(org, records):
    duplicate = rule("重复线索", CleaningRule.Kind.DUPLICATE, duplicate_fields="phone")
    verdict = clean_lead(actor=org.rep_c, lead=new_lead(org.rep_c, phone="138 1234 5678"))
    assert_filtered(verdict, duplicate)
    assert "phone" in verdict.detail
    unique = new_lead(org.rep_c, phone="13911112222", email=records["rep_a"].lead.email)
    assert clean_lead(actor=org.rep_c, lead=unique).passed


def test_missing_required_data_is_filtered(org):
    required = rule("缺少电话", CleaningRule.Kind.MISSING_REQUIRED,
                    required_fields="phone, company_name")
    verdict = clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a, company_name="甲公司"))
    assert_filtered(verdict, required)
    assert verdict.detail == "Missing: phone."


def test_rules_run_in_order_and_inactive_rules_are_skipped(org):
    rule("关闭的规则", CleaningRule.Kind.MISSING_REQUIRED, required_fields="email",
         is_active=False)
    second = rule("第二条", CleaningRule.Kind.MISSING_REQUIRED, required_fields="region",
                  position=2)
    first = rule("第一条", CleaningRule.Kind.MISSING_REQUIRED, required_fields="industry",
                 position=1)
    assert clean_lead(actor=org.rep_a, lead=new_lead(org.rep_a)).rule == first
    lead = new_lead(org.rep_a, industry="制造业")
    assert clean_lead(actor=org.rep_a, lead=lead).rule == second
    clean = new_lead(org.rep_a, industry="制造业", region="上海")
    verdict = clean_lead(actor=org.rep_a, lead=clean)
    assert verdict.passed and Lead.objects.get(pk=clean.pk).status == Lead.Status.NEW


def test_only_open_saved_leads_are_cleaned(org):
    rule("缺少电话", CleaningRule.Kind.MISSING_REQUIRED, required_fields="phone")
    lead = new_lead(org.rep_a)
    clean_lead(actor=org.rep_a, lead=lead)
    with pytest.raises(Exception, match="Only an open lead"):
        clean_lead(actor=org.rep_a, lead=Lead.objects.get(pk=lead.pk))
    with pytest.raises(ValidationError):
        clean_lead(actor=org.rep_a, lead=Lead(name="未保存"))


@pytest.mark.parametrize("kind, config, field", [
    (CleaningRule.Kind.BLOCKED_EMAIL_DOMAIN, {}, "email_domains"),
    (CleaningRule.Kind.MISSING_REQUIRED, {"required_fields": "phone, salary"}, "required_fields"),
    (CleaningRule.Kind.DUPLICATE, {"duplicate_fields": "name"}, "duplicate_fields"),
])
def test_a_rule_without_the_settings_of_its_kind_is_refused(db, kind, config, field):
    with pytest.raises(ValidationError) as error:
        CleaningRule(name="x", kind=kind, **config).full_clean()
    assert field in error.value.error_dict


def test_administrators_manage_rules_in_the_admin(org, client):
    rule("临时邮箱", CleaningRule.Kind.BLOCKED_EMAIL_DOMAIN, email_domains="mailinator.com")
    client.force_login(org.admin)
    page = client.get("/admin/dedup/cleaningrule/")
    assert page.status_code == 200 and "临时邮箱" in page.content.decode()
    assert client.get("/admin/dedup/cleaningrule/add/").status_code == 200
