"""Files uploaded to the import wizard while they wait between its steps, the progress of
an import reading one, and the sweep of uploads nobody went on to import.

An upload lives at VALUECRM_HOME/uploads/<user id>/<token>; the wizard deletes it once the
import succeeded. While an import (or its preview) reads it, `<token>.progress` holds how
far it got, as JSON, so that another request can show a progress bar: the import runs in
its own transaction, whose writes other connections cannot see until it ends, so the
progress cannot live in the ImportJob row. Uploads (and progress files) untouched for
UPLOAD_RETENTION_HOURS are abandoned and swept by `valuecrm clean_uploads` and the periodic
task."""

import json
import os
import time
from pathlib import Path

from django.conf import settings

PROGRESS = ".progress"


def uploads_root() -> Path:
    return Path(settings.HOME) / "uploads"


def upload_dir(user) -> Path:
    path = uploads_root() / str(user.pk)
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(upload: Path) -> Path:
    return upload.with_name(upload.name + PROGRESS)


def _write(path: Path, state: dict) -> None:
    # Written aside and renamed, so a reader never sees half a file.
    partial = path.with_name(path.name + ".tmp")
    partial.write_text(json.dumps(state), encoding="utf-8")
    os.replace(partial, path)


def progress_writer(upload: Path, *, every_seconds: float = 0.5):
    """An `ImportOptions.progress` that records the import's position next to the upload
    (at most every `every_seconds`, and always at the end of the file)."""
    path = progress_path(upload)

    def start(total: int | None, unit: str):
        last = [0.0]
        _write(path, {"done": 0, "total": total, "unit": unit})

        def update(position: int) -> None:
            now = time.monotonic()
            if now - last[0] >= every_seconds or (total and position >= total):
                last[0] = now
                _write(path, {"done": position, "total": total, "unit": unit})

        return update

    return start


def read_progress(upload: Path) -> dict | None:
    """{"done", "total", "unit", "share"} of the import reading `upload`, None before it
    started."""
    try:
        state = json.loads(progress_path(upload).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    total = state.get("total")
    state["share"] = min(state["done"] / total, 1.0) if total else None
    return state


def forget(upload: Path) -> None:
    upload.unlink(missing_ok=True)
    progress_path(upload).unlink(missing_ok=True)


def sweep_abandoned_uploads(*, older_than_hours: float | None = None,
                            now: float | None = None) -> dict:
    """Delete uploads (with their progress files) that nobody touched for the retention
    time: files of imports never confirmed. An import still reading a file keeps its
    progress file fresh, so it is not swept from under the import."""
    hours = settings.UPLOAD_RETENTION_HOURS if older_than_hours is None else older_than_hours
    limit = (now or time.time()) - hours * 3600
    root = uploads_root()
    deleted = kept = freed = 0
    if not root.is_dir():
        return {"deleted": 0, "kept": 0, "bytes": 0}
    for folder in root.iterdir():
        if not folder.is_dir():
            continue
        for upload in folder.iterdir():
            if upload.name.endswith((PROGRESS, ".tmp")) and upload.with_name(
                    upload.name.split(".")[0]).exists():
                continue  # goes with its upload
            touched = [upload.stat().st_mtime]
            if progress_path(upload).exists():
                touched.append(progress_path(upload).stat().st_mtime)
            if max(touched) >= limit:
                kept += 1
                continue
            freed += upload.stat().st_size
            forget(upload)
            deleted += 1
    return {"deleted": deleted, "kept": kept, "bytes": freed}
