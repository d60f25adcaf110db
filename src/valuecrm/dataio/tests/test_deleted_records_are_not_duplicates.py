"""Duplicates are looked for among alive records: a lead in the recycle bin with the same
phone does not stop a new one, while an alive one does."""

from django.utils import timezone

from valuecrm.crm.models import Lead
from valuecrm.dataio.tests.conftest import write_csv


def test_a_deleted_lead_is_not_a_duplicate_but_an_alive_one_is(org, tmp_path, run_import):
    Lead.objects.create(name="已删除", phone="+8613900000001", deleted_at=timezone.now())
    Lead.objects.create(name="在用", phone="+8613900000002")
    again = write_csv(tmp_path / "a.csv", [["联系人", "手机"], ["新的", "13900000001"]])
    code, _out, err = run_import("leads", again)
    assert code == 0, err
    assert Lead.objects.get(phone="+8613900000001").name == "新的"
    clash = write_csv(tmp_path / "b.csv", [["联系人", "手机"], ["又一个", "13900000002"]])
    code, _out, err = run_import("leads", clash)
    assert code == 1
    assert Lead.all_objects.filter(phone="+8613900000002").count() == 1
