"""On PostgreSQL an import writes new records with COPY; elsewhere with bulk_create. Both
ways must leave the same records, derived fields, history rows, stage changes and contract
lines for the same file and options (the rules are the same code; this proves the writing
is too)."""

import io

import pytest
from django.db import connection, transaction

from valuecrm.crm.models import Contact, Customer, Lead
from valuecrm.dataio import writes
from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.dataio.tests.conftest import write_csv
from valuecrm.sales.models import Contract, ContractLine, Opportunity, OpportunityStageChange

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite has one way of writing (bulk_create)")

# Differ between any two runs whatever writes them: clocks and the ids drawn.
VOLATILE = {"id", "created_at", "updated_at", "assigned_at", "stage_entered_at", "changed_at",
            "history_id", "history_date"}


def _rows(model, order, volatile=()):
    names = [f.attname for f in model._meta.concrete_fields
             if f.attname not in VOLATILE | set(volatile)]
    return list(model._base_manager.order_by(*order).values(*names))


def snapshot():
    """Everything an import writes, without clocks and ids; records created by the import
    are named by a stable key instead of their id."""
    leads = _rows(Lead, ["phone", "email", "name"])
    customers = _rows(Customer, ["name_key"])
    contacts = _rows(Contact, ["customer_id", "name"])
    deals = {o.pk: (o.customer_id, o.name) for o in Opportunity.objects.all()}
    contracts = {c.pk: c.number for c in Contract.objects.all()}
    changes = sorted(
        (deals[c.opportunity_id], c.from_stage_id, c.to_stage_id, c.actor_id)
        for c in OpportunityStageChange.objects.all())
    lines = sorted(
        (contracts[line.contract_id], line.product_id, line.quantity, line.unit_price,
         line.discount_percent, line.line_total) for line in ContractLine.objects.all())
    history = {
        model.__name__: _rows(model.history.model, ["history_type", *order], volatile)
        for model, order, volatile in (
            (Lead, ["phone", "email", "name"], ()), (Customer, ["name"], ()),
            (Contact, ["customer_id", "name"], ()), (Opportunity, ["name"], ()),
            (Contract, ["number"], ()), (ContractLine, ["quantity"], ["contract_id"]))
    }
    return {
        "leads": leads, "customers": customers, "contacts": contacts,
        "opportunities": sorted((deals[pk], row) for pk, row in (
            (o["id"], {k: v for k, v in o.items() if k not in VOLATILE})
            for o in Opportunity.objects.values())),
        "contracts": sorted((c["number"], {k: v for k, v in c.items() if k not in VOLATILE})
                            for c in Contract.objects.values()),
        "changes": changes, "lines": lines, "history": history,
    }


def run_both(monkeypatch, imports):
    """Run `imports` (a list of (kind, path, options)) once writing with bulk_create and
    once with COPY, each in a transaction rolled back afterwards; return both snapshots
    and the results."""
    outcomes = []
    for copy in (False, True):
        monkeypatch.setattr(writes, "USE_COPY", copy)
        with transaction.atomic():
            results = [
                import_records(actor=actor, kind=kind, source=path, options=options)
                for actor, kind, path, options in imports]
            outcomes.append((snapshot(), [
                (r.status, r.created, r.updated, r.skipped, r.invalid,
                 [(e.row, e.column, e.message) for e in r.errors]) for r in results]))
            transaction.set_rollback(True)
    return outcomes


def test_leads_written_by_copy_equal_leads_written_by_bulk_create(
        org, channel, records, monkeypatch, tmp_path):
    path = write_csv(tmp_path / "leads.csv", [
        ["联系人", "公司名称", "手机", "邮箱", "来源渠道", "状态", "无效原因", "负责人"],
        ["张三", "重庆长江银行有限公司", "１３８ ０００１ ０００１", "ZS@Example.com", "website",
         "", "", "rep_a"],
        ["Li Si", "Acme Co., Ltd.", "+86 21 6234 5678", "", "官网表单", "Disqualified", "重复",
         ""],
        ["王五", "", "13800010002", "wang@example.com", "", "working", "", "manager_a"],
        ["重复", "", "13800010002", "", "", "", "", ""],
        ["", "曾氏贸易", "13812345678", "", "", "", "", ""],  # already a lead of every rep
    ])
    skip = ImportOptions(on_duplicate="skip", batch_size=2)
    first, second = run_both(monkeypatch, [(org.manager_a, "leads", path, skip)])
    assert first[1][0][:5] == ("imported", 3, 0, 2, 0), first[1]
    assert first == second


def test_customers_contacts_opportunities_and_contracts_agree(
        org, channel, records, product, monkeypatch, tmp_path):
    customer = records["rep_a"].customer
    files = {
        "customers": [["客户名称", "行业", "手机", "邮箱", "来源渠道", "负责人"],
                      ["华东精密制造有限公司", "制造业", "021-62345678", "", "website", "rep_a"],
                      ["成都云图科技", "软件", "", "hi@yt.cn", "", ""]],
        "contacts": [["客户名称", "姓名", "职务", "手机", "首要联系人"],
                     [customer.name, "赵六", "采购经理", "13900000007", "是"],
                     [customer.name, "钱七", "", "", "否"]],
        "opportunities": [["商机名称", "客户名称", "销售阶段", "金额", "预计成交日期"],
                          ["年度采购", customer.name, "Won", "120,000.50", "2025/6/30"],
                          ["二期扩容", customer.name, "", "8000", "2025年7月1日"]],
        "contracts": [["合同编号", "客户名称", "合同类型", "签约日期", "产品", "数量", "单价",
                       "折扣(%)"],
                      ["HT-2025-001", customer.name, "Renewal", "2025-01-15", product.sku, "3",
                       "1000", "10"],
                      ["HT-2025-002", customer.name, "new", "", "", "", "", ""]],
    }
    imports = [(org.rep_a, kind, write_csv(tmp_path / f"{kind}.csv", rows),
                ImportOptions(batch_size=1)) for kind, rows in files.items()]
    first, second = run_both(monkeypatch, imports)
    assert [r[:5] for r in first[1]] == [("imported", 2, 0, 0, 0)] * 4, first[1]
    assert len(first[0]["changes"]) == len(records) + 2 and len(first[0]["lines"]) > 1
    assert first == second


def test_a_file_refused_by_the_database_writes_nothing_either_way(
        org, channel, monkeypatch):
    """A value the database refuses (a NUL byte in PostgreSQL text) fails the whole import
    on both paths, with the same report."""
    data = "联系人,公司名称\n正常,甲公司\n坏\x00行,乙公司\n".encode()
    outcomes = []
    for copy in (False, True):
        monkeypatch.setattr(writes, "USE_COPY", copy)
        before = Lead.all_objects.count()
        result = import_records(actor=org.admin, kind="leads", source=io.BytesIO(data),
                                options=ImportOptions(file_name="nul.csv"))
        assert Lead.all_objects.count() == before
        outcomes.append((result.status, result.created, len(result.errors)))
    assert outcomes[0] == outcomes[1] and outcomes[0][:2] == ("failed", 0)
