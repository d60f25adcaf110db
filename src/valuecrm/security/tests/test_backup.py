"""`valuecrm backup` and `valuecrm restore`: a round trip brings back every record, history
entry and file, on SQLite and on PostgreSQL."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from valuecrm.crm.models import Lead
from valuecrm.security.backup import row_counts

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_round_trip_restores_every_record_history_entry_and_file(records, org, tmp_path,
                                                                   settings):
    settings.HOME = tmp_path / "home"
    report = settings.HOME / "imports" / "1-customers-errors.csv"
    report.parent.mkdir(parents=True)
    report.write_text("row,column,value,message\n2,手机,12,号码无效\n", encoding="utf-8")
    lead = records["rep_a"].lead
    before = row_counts()
    lead_history = list(lead.history.values_list("history_id", "name", "history_user_id"))

    out = io.StringIO()
    call_command("backup", str(tmp_path), stdout=out)
    archive = out.getvalue().strip()

    # Disaster: records and their history gone, a file lost.
    Lead.all_objects.filter(pk=records["rep_b"].lead.pk).delete()
    Lead.history.all().delete()
    Lead.objects.filter(pk=lead.pk).update(name="被改坏")
    report.unlink()

    call_command("restore", archive, "--yes", stdout=io.StringIO())
    assert row_counts() == before
    lead.refresh_from_db()
    assert lead.name == "线索 rep_a"
    assert list(lead.history.values_list("history_id", "name", "history_user_id")) \
        == lead_history
    assert Lead.objects.filter(pk=records["rep_b"].lead.pk).exists()
    assert report.read_text(encoding="utf-8").endswith("号码无效\n")


def test_restore_refuses_without_confirmation_or_a_valid_archive(db, tmp_path):
    bogus = tmp_path / "bogus.tar.gz"
    bogus.write_bytes(b"not an archive")
    with pytest.raises(CommandError, match="--yes"):
        call_command("restore", str(bogus))
    with pytest.raises(CommandError):
        call_command("restore", str(bogus), "--yes")
