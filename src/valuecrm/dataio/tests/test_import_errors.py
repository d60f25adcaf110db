"""A bad file gets an error report naming row, column and problem, and imports nothing."""

import csv
from pathlib import Path

from valuecrm.crm.models import Customer, Lead
from valuecrm.dataio.models import ImportJob
from valuecrm.dataio.tests.conftest import write_csv, write_xlsx

HEADER = ["联系人", "公司名称", "手机", "邮箱", "来源渠道"]


def report_rows(err: str) -> list[dict]:
    path = err.rsplit("Error report: ", 1)[1].strip()
    raw = Path(path).read_bytes()
    assert raw.startswith("\ufeff".encode()), "Excel needs the BOM to read Chinese"
    return list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))


def test_bad_phone_is_reported_and_nothing_is_written(org, channel, tmp_path, run_import):
    before = (Lead.all_objects.count(), Lead.history.count())
    path = write_csv(tmp_path / "leads.csv", [
        HEADER,
        ["张三", "甲公司", "13812345601", "", "官网表单"],
        ["李四", "乙公司", "12345", "", "官网表单"],
        ["王五", "丙公司", "13812345603", "not-an-email", ""],
    ])
    code, out, err = run_import("leads", path, "--as", "rep_a")
    assert code == 1
    rows = report_rows(err)
    assert [(r["row"], r["column"], r["value"]) for r in rows] == [
        ("3", "手机", "12345"), ("4", "邮箱", "not-an-email")]
    assert all(r["message"] for r in rows)
    assert (Lead.all_objects.count(), Lead.history.count()) == before
    job = ImportJob.objects.get()
    assert (job.status, job.rows, job.invalid, job.created, job.actor) == (
        "failed", 3, 2, 0, org.rep_a)


def test_missing_required_column(org, tmp_path, run_import):
    path = write_csv(tmp_path / "customers.csv", [["行业", "地区"], ["制造业", "上海"]])
    code, _out, err = run_import("customers", path)
    assert code == 1
    (row,) = report_rows(err)
    assert row["row"] == "1" and "客户名称" in row["column"]
    assert "Missing required column" in row["message"] or "客户名称" in row["message"]
    assert not Customer.objects.filter(industry="制造业", region="上海").exists()


def test_unknown_channel_and_owner(org, channel, tmp_path, run_import):
    path = write_csv(tmp_path / "leads.csv", [
        ["联系人", "来源渠道", "负责人"],
        ["张三", "抖音", "rep_a"],
        ["李四", "website", "nobody"],
    ])
    code, _out, err = run_import("leads", path)
    assert code == 1
    rows = report_rows(err)
    assert [(r["row"], r["column"], r["value"]) for r in rows] == [
        ("2", "来源渠道", "抖音"), ("3", "负责人", "nobody")]
    assert not Lead.objects.filter(name__in=["张三", "李四"]).exists()


def test_empty_file_and_header_only_file(org, tmp_path, run_import):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _out, err = run_import("leads", empty)
    assert code == 1 and "empty" in report_rows(err)[0]["message"]
    header_only = write_csv(tmp_path / "header.csv", [HEADER])
    code, _out, err = run_import("leads", header_only)
    assert code == 1 and "no data rows" in report_rows(err)[0]["message"]


def test_missing_file(org, tmp_path, run_import):
    code, _out, err = run_import("leads", tmp_path / "nowhere.csv")
    assert code == 1 and "nowhere.csv" in report_rows(err)[0]["message"]


def test_malformed_xlsx(org, tmp_path, run_import):
    good = write_xlsx(tmp_path / "good.xlsx", [HEADER, ["张三", "甲", "13812345601", "", ""]])
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(good.read_bytes()[:300])  # a truncated zip
    code, _out, err = run_import("leads", broken)
    assert code == 1 and "XLSX" in report_rows(err)[0]["message"]
    not_a_workbook = tmp_path / "text.xlsx"
    not_a_workbook.write_text("联系人\n张三\n")
    code, _out, err = run_import("leads", not_a_workbook)
    assert code == 1 and "XLSX" in report_rows(err)[0]["message"]
    assert not Lead.objects.filter(name="张三").exists()


def test_duplicate_rows_within_the_file(org, tmp_path, run_import):
    path = write_csv(tmp_path / "leads.csv", [
        HEADER,
        ["张三", "甲公司", "138-1234-5601", "a@example.com", ""],
        ["张三丰", "乙公司", "+86 13812345601", "", ""],
        ["李四", "丙公司", "", "A@Example.com", ""],
    ])
    code, _out, err = run_import("leads", path, "--as", "rep_a")
    assert code == 1
    rows = report_rows(err)
    assert [(r["row"], r["column"]) for r in rows] == [("3", "手机"), ("4", "邮箱")]
    assert "row 2" in rows[0]["message"]
    assert not Lead.objects.filter(phone="+8613812345601", name="张三").exists()


def test_duplicate_against_the_database_hides_what_the_actor_cannot_see(
    org, records, tmp_path, run_import
):
    mine, theirs = records["rep_a"].customer, records["rep_c"].customer
    path = write_csv(tmp_path / "customers.csv", [
        ["客户名称", "行业"],
        [mine.name.replace("有限公司", "（有限公司）"), "制造业"],
        [theirs.name, "制造业"],
        ["全新客户有限公司", "零售"],
    ])
    code, _out, err = run_import("customers", path, "--as", "rep_a")
    assert code == 1
    mine_row, theirs_row = report_rows(err)
    assert mine_row["row"] == "2" and mine.name in mine_row["message"]
    assert theirs_row["row"] == "3" and "someone else" in theirs_row["message"]
    assert "rep_c" not in theirs_row["message"] and str(theirs.pk) not in theirs_row["message"]
    assert not Customer.objects.filter(name="全新客户有限公司").exists()


def test_unknown_kind_and_bad_mapping_are_usage_errors(org, tmp_path, run_import):
    path = write_csv(tmp_path / "x.csv", [HEADER, ["张三", "", "", "", ""]])
    code, _out, err = run_import("leads", path, "--map", "手机=mobile_phone")
    assert code == 2 and "mobile_phone" in err
    code, _out, err = run_import("leads", path, "--as", "ghost")
    assert code == 2 and "ghost" in err
    assert not ImportJob.objects.exists()
