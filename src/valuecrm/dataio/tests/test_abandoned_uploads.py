"""Uploads of the import wizard that nobody imported are deleted after the retention time,
by `valuecrm clean_uploads` and by the periodic task; recent uploads and uploads an import
is still reading stay."""

import os
import time
from io import StringIO

from django.core.management import call_command

from valuecrm.dataio.tasks import sweep_uploads_task
from valuecrm.dataio.uploads import progress_path, upload_dir, uploads_root

HOUR = 3600
CSV = "a,b\n1,2\n"


def _file(path, hours_old: float, text=CSV):
    path.write_text(text, encoding="utf-8")
    then = time.time() - hours_old * HOUR
    os.utime(path, (then, then))
    return path


def _clean(*args) -> str:
    out = StringIO()
    call_command("clean_uploads", *args, stdout=out)
    return out.getvalue()


def test_abandoned_uploads_are_deleted_and_recent_ones_kept(org, settings, tmp_path):
    settings.HOME = tmp_path
    old = _file(upload_dir(org.rep_a) / "a", 30)
    old_progress = _file(progress_path(old), 30, '{"done": 1, "total": 9, "unit": "bytes"}')
    recent = _file(upload_dir(org.rep_b) / "b", 2)
    reading = _file(upload_dir(org.rep_b) / "c", 48)
    _file(progress_path(reading), 0.01, '{"done": 5, "total": 9, "unit": "bytes"}')
    assert _clean() == f"deleted 1 uploads ({len(CSV)} bytes), kept 2\n"
    assert not old.exists() and not old_progress.exists()
    assert recent.exists() and reading.exists()
    assert _clean("--hours", "1").startswith("deleted 1 uploads")
    assert not recent.exists() and reading.exists()


def test_the_periodic_task_sweeps_with_the_configured_retention(org, settings, tmp_path):
    settings.HOME = tmp_path
    settings.UPLOAD_RETENTION_HOURS = 5
    stale = _file(upload_dir(org.rep_a) / "s", 6)
    fresh = _file(upload_dir(org.rep_a) / "f", 4)
    result = sweep_uploads_task.call()
    assert result == {"deleted": 1, "kept": 1, "bytes": len(CSV)}
    assert not stale.exists() and fresh.exists()


def test_nothing_to_sweep_on_a_fresh_install(db, settings, tmp_path):
    settings.HOME = tmp_path / "new"
    assert not uploads_root().exists()
    assert _clean() == "deleted 0 uploads (0 bytes), kept 0\n"
