"""Encodings, formats, mapping and the options that decide what a file does."""

from decimal import Decimal

from valuecrm.crm.models import Customer, Lead
from valuecrm.dataio.models import ImportJob
from valuecrm.dataio.tests.conftest import write_csv, write_xlsx
from valuecrm.sales.models import Contract, Opportunity

CUSTOMERS = [
    ["客户名称", "行业", "地区", "手机", "来源渠道", "负责人"],
    ["华东精密制造有限公司", "制造业", "上海", "021-62345678", "官网表单", "rep_a"],
    ["成都云图科技", "软件", "成都", "", "website", ""],
]


def test_gbk_file(org, channel, tmp_path, run_import):
    path = write_csv(tmp_path / "gbk.csv", CUSTOMERS, encoding="gbk")
    code, out, err = run_import("customers", path, "--as", "manager_a")
    assert code == 0, err
    assert "gb18030" in out
    customer = Customer.objects.get(name="华东精密制造有限公司")
    assert (customer.industry, customer.region, customer.phone) == (
        "制造业", "上海", "+862162345678")
    assert customer.channel == channel and customer.owner == org.rep_a
    assert Customer.objects.get(name="成都云图科技").owner == org.manager_a


def test_utf8_with_bom(org, channel, tmp_path, run_import):
    path = write_csv(tmp_path / "bom.csv", CUSTOMERS, encoding="utf-8-sig")
    code, _out, err = run_import("customers", path, "--as", "manager_a")
    assert code == 0, err
    assert Customer.objects.filter(name__in=["华东精密制造有限公司", "成都云图科技"]).count() == 2


def test_xlsx_with_english_headers_and_numeric_cells(org, channel, tmp_path, run_import):
    path = write_xlsx(tmp_path / "leads.xlsx", [
        ["Contact name", "Company", "Mobile", "E-mail", "Lead source", "Status"],
        ["Zhang San", "Acme", 13812345601, "zs@acme.com", "website", "Qualified"],
        [None, None, None, None, None, None],
        ["Li Si", "Beta", 13812345602, None, None, "new"],
    ])
    code, _out, err = run_import("leads", path, "--as", "rep_a")
    assert code == 0, err
    zhang = Lead.objects.get(name="Zhang San")
    assert (zhang.phone, zhang.status, zhang.owner) == ("+8613812345601", "qualified", org.rep_a)


def test_custom_mapping(org, tmp_path, run_import):
    path = write_csv(tmp_path / "odd.csv", [
        ["Firma", "Branche", "Notes"],
        ["映射测试有限公司", "物流", "ignored"],
    ])
    code, out, err = run_import("customers", path, "--map", "Firma=name", "--map",
                                "Branche=industry", "--map", "Notes=")
    assert code == 0, err
    assert Customer.objects.get(name="映射测试有限公司").industry == "物流"


def test_skip_invalid_imports_exactly_the_valid_rows(org, tmp_path, run_import):
    path = write_csv(tmp_path / "leads.csv", [
        ["联系人", "手机"],
        ["有效一", "13812345601"],
        ["无效", "123"],
        ["有效二", "13812345602"],
        ["", ""],
        ["有效一重复", "13812345601"],
    ])
    code, _out, err = run_import("leads", path, "--skip-invalid", "--as", "rep_a")
    assert code == 0
    assert "Error report" in err
    assert sorted(Lead.objects.filter(owner=org.rep_a, name__startswith="有效")
                  .values_list("name", flat=True)) == ["有效一", "有效二"]
    assert not Lead.objects.filter(name__in=["无效", "有效一重复"]).exists()
    job = ImportJob.objects.get()
    assert (job.status, job.rows, job.created, job.invalid) == ("imported", 4, 2, 2)


def test_rerun_with_on_duplicate_skip_creates_nothing(org, channel, tmp_path, run_import):
    path = write_csv(tmp_path / "customers.csv", CUSTOMERS)
    assert run_import("customers", path, "--as", "manager_a")[0] == 0
    count, history = Customer.objects.count(), Customer.history.count()
    code, out, _err = run_import("customers", path, "--as", "manager_a", "--on-duplicate", "skip")
    assert code == 0
    assert "skipped 2" in out
    assert (Customer.objects.count(), Customer.history.count()) == (count, history)


def test_on_duplicate_update_and_create(org, channel, tmp_path, run_import):
    path = write_csv(tmp_path / "customers.csv", CUSTOMERS)
    assert run_import("customers", path, "--as", "manager_a")[0] == 0
    customer = Customer.objects.get(name="华东精密制造有限公司")
    changed = write_csv(tmp_path / "changed.csv", [
        ["公司名称", "行业"], ["华东精密制造", "汽车零部件"]])
    code, _out, err = run_import("customers", changed, "--as", "manager_a",
                                 "--on-duplicate", "update")
    assert code == 0, err
    customer.refresh_from_db()
    assert (customer.name, customer.industry, customer.region, customer.version) == (
        "华东精密制造", "汽车零部件", "上海", 2)
    assert customer.history.first().history_user == org.manager_a
    code, _out, err = run_import("customers", changed, "--as", "manager_a",
                                 "--on-duplicate", "create")
    assert code == 0, err
    assert Customer.objects.filter(name_key=customer.name_key).count() == 2


def test_update_of_a_record_the_actor_cannot_change(org, records, tmp_path, run_import):
    theirs = records["rep_c"].customer
    path = write_csv(tmp_path / "c.csv", [["客户名称", "行业"], [theirs.name, "黑客"]])
    code, _out, _err = run_import("customers", path, "--as", "rep_a", "--on-duplicate", "update")
    assert code == 1
    theirs.refresh_from_db()
    assert theirs.industry == "制造业"


def test_a_rep_cannot_give_records_outside_their_scope(org, tmp_path, run_import):
    path = write_csv(tmp_path / "leads.csv", [
        ["联系人", "负责人"], ["甲", "rep_a"], ["乙", "rep_b"]])
    code, _out, err = run_import("leads", path, "--as", "rep_a")
    assert code == 1 and "rep_b" in err
    assert not Lead.objects.filter(name__in=["甲", "乙"]).exists()
    # A manager may give leads to their own team, not to another team.
    code, _out, err = run_import("leads", path, "--as", "manager_a")
    assert code == 1
    path = write_csv(tmp_path / "team.csv", [
        ["联系人", "负责人"], ["甲", "rep_a"], ["乙", "rep_a2"]])
    assert run_import("leads", path, "--as", "manager_a")[0] == 0


def test_dry_run_writes_nothing(org, tmp_path, run_import):
    path = write_csv(tmp_path / "leads.csv", [["联系人", "手机"], ["试运行", "13812345601"]])
    code, out, _err = run_import("leads", path, "--dry-run", "--as", "rep_a")
    assert code == 0 and "would create 1" in out
    assert not Lead.objects.filter(name="试运行").exists()
    assert ImportJob.objects.get().status == "checked"


def test_products_are_admin_only(org, tmp_path, run_import):
    path = write_csv(tmp_path / "p.csv", [
        ["产品名称", "产品编码", "价格"], ["旗舰版", "FLAG-1", "¥12,000"]])
    code, _out, err = run_import("products", path, "--as", "rep_a")
    assert code == 2
    assert run_import("products", path)[0] == 0
    code, _out, _err = run_import("products", path)
    assert code == 1, "a SKU is unique: the second run is a duplicate"


def test_opportunities_and_contracts(org, records, product, tmp_path, run_import):
    customer = records["rep_a"].customer
    deals = write_csv(tmp_path / "o.csv", [
        ["商机名称", "客户名称", "销售阶段", "金额", "预计成交日期"],
        ["年度采购", customer.name, "Won", "120,000.50", "2025/6/30"],
        ["二期扩容", customer.name, "", "8000", "2025年7月1日"],
    ])
    code, _out, err = run_import("opportunities", deals, "--as", "rep_a")
    assert code == 0, err
    deal = Opportunity.objects.get(name="年度采购")
    assert (deal.stage.name, deal.amount, str(deal.expected_close_date)) == (
        "赢单", Decimal("120000.50"), "2025-06-30")
    assert deal.stage_changes.count() == 1
    assert Opportunity.objects.get(name="二期扩容").stage.name == "初步接洽"
    contracts = write_csv(tmp_path / "c.csv", [
        ["合同编号", "客户名称", "合同类型", "签约日期", "产品", "数量", "单价"],
        ["HT-2025-001", customer.name, "Renewal", "2025-01-15", product.sku, "3", "1000"],
        ["HT-2025-002", customer.name, "new", "", "", "", ""],
    ])
    code, _out, err = run_import("contracts", contracts, "--as", "rep_a")
    assert code == 0, err
    contract = Contract.objects.get(number="HT-2025-001")
    assert (contract.type, contract.total_amount, contract.lines.count()) == (
        "renewal", Decimal("3000.00"), 1)
    assert Contract.objects.get(number="HT-2025-002").total_amount == 0
