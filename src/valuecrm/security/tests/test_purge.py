"""Hard delete only by an administrator, only from the recycle bin, and recorded in an audit
that survives the deletion (with the history of what was deleted)."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from valuecrm.core.errors import Forbidden, NotFound
from valuecrm.core.records import delete_record
from valuecrm.crm.models import Contact, Customer
from valuecrm.sales.models import Contract, Opportunity
from valuecrm.security.actions import purge_record
from valuecrm.security.models import PurgedRecord


def test_an_administrator_purges_a_deleted_customer_with_its_batch(records, org):
    customer = records["rep_a"].customer
    delete_record(actor=org.rep_a, model=Customer, pk=customer.pk)
    out = io.StringIO()
    call_command("purge", "customer", str(customer.pk), "--reason", "客户要求删除个人信息",
                 "--as", "admin", stdout=out)
    for model in (Customer, Contact, Opportunity, Contract):
        assert not model.all_objects.filter(customer=customer.pk).exists() \
            if model is not Customer else not Customer.all_objects.filter(pk=customer.pk).exists()
    audit = PurgedRecord.objects.get(model="crm.Customer", object_id=customer.pk)
    assert audit.actor == org.admin and audit.reason == "客户要求删除个人信息"
    assert audit.snapshot["name"] == "rep_a 客户有限公司"
    assert PurgedRecord.objects.filter(batch=audit.batch).count() >= 4
    last = Customer.history.filter(id=customer.pk).latest()
    assert last.history_type == "-" and last.history_user == org.admin
    # The audit outlives the administrator's account too.
    org.admin.delete()
    assert PurgedRecord.objects.get(pk=audit.pk).actor_name == "admin"


@pytest.mark.parametrize("role", ["rep_a", "manager_a", "head_east", "analyst"])
def test_only_administrators_purge(records, org, role):
    lead = records["rep_a"].lead
    delete_record(actor=org.rep_a, model=type(lead), pk=lead.pk)
    with pytest.raises(Forbidden):
        purge_record(actor=getattr(org, role), model=type(lead), pk=lead.pk, reason="x")
    assert type(lead).all_objects.filter(pk=lead.pk).exists()
    assert not PurgedRecord.objects.exists()


def test_only_records_in_the_recycle_bin_are_purged(records, org):
    lead = records["rep_a"].lead
    with pytest.raises(NotFound):
        purge_record(actor=org.admin, model=type(lead), pk=lead.pk, reason="x")
    with pytest.raises(CommandError, match="recycle bin"):
        call_command("purge", "lead", str(lead.pk), "--reason", "x", "--as", "admin")
    assert type(lead).objects.filter(pk=lead.pk).exists()
