"""Imported rows are complete records: found by search (Chinese, pinyin) like any other."""

from valuecrm.dataio.tests.conftest import write_csv
from valuecrm.search.queries import search_records


def test_imported_leads_are_found_by_name_and_pinyin(org, tmp_path, run_import):
    path = write_csv(tmp_path / "leads.csv", [["姓名", "公司名称", "手机"],
                                              ["张三丰", "武当山茶业有限公司", "13900001111"]])
    code, _out, err = run_import("leads", path, "--as", "rep_a")
    assert code == 0, err
    for query in ["三丰", "zhangsanfeng", "zsf", "武当"]:
        (group,) = search_records(actor=org.rep_a, query=query, kinds=["lead"])
        assert [hit.title for hit in group.hits] == ["张三丰"], query
    (group,) = search_records(actor=org.rep_b, query="三丰", kinds=["lead"])
    assert group.hits == []
