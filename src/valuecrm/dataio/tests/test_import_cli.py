from valuecrm.crm.models import Lead


def test_leads_import_from_utf8_csv(org, channel, tmp_path, run_import):
    path = tmp_path / "leads.csv"
    from valuecrm.dataio.tests.conftest import write_csv
    write_csv(path, [
        ["联系人", "公司名称", "手机", "邮箱", "来源渠道", "负责人"],
        ["张三", "上海甲公司", "138 1234 5601", "ZS@Example.com", "官网表单", "rep_a"],
        ["李四", "上海乙公司", "13812345602", "", "website", ""],
    ])
    code, out, err = run_import("leads", path, "--as", "manager_a")
    assert code == 0, (out, err)
    leads = Lead.objects.order_by("phone")
    assert [lead.phone for lead in leads] == ["+8613812345601", "+8613812345602"]
    assert leads[0].owner == org.rep_a and leads[0].email == "zs@example.com"
    assert leads[1].owner == org.manager_a and leads[1].assigned_at is not None
    assert leads[0].history.first().history_user == org.manager_a
