"""Backups: the database (pg_dump's custom format for PostgreSQL, SQLite's online backup
API for the embedded database) and the files under VALUECRM_HOME, in one .tar.gz with a
manifest of row counts that `restore` checks after restoring.

The archive holds every record, history entry and file (import reports, uploads). It
leaves out what is rebuilt or must not travel: collected static files, the test database
and the generated secret key (API tokens are stored as unkeyed hashes, so they survive a
new key; sessions do not, and people sign in again).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils import timezone

FORMAT = 1
SKIPPED = {"static", "secret_key", "test", "test.sqlite3"}


class BackupError(Exception):
    pass


def row_counts() -> dict[str, int]:
    return {m._meta.label_lower: m._base_manager.count() for m in apps.get_models()}


def _pg_env() -> tuple[list[str], dict]:
    db = connection.settings_dict
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(command: list[str], env: dict) -> None:
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[:2000]}")


def _files(home: Path, database: Path | None):
    for path in sorted(home.rglob("*")):
        relative = path.relative_to(home)
        if relative.parts[0] in SKIPPED or not path.is_file():
            continue
        if database is not None and path.name.startswith(database.name):
            continue  # the live database and its -wal/-shm files: copied consistently above
        yield path, relative


def create_backup(target: Path) -> Path:
    """Write a backup archive to `target` (a file, or a folder to put a dated file in)."""
    if target.is_dir():
        target = target / f"valuecrm-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
    home = Path(settings.HOME)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        database = None
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            _run(["pg_dump", "--format=custom", "--no-owner", "--file",
                  str(work / "database.dump"), *args], env)
        elif connection.vendor == "sqlite":
            database = Path(connection.settings_dict["NAME"])
            connection.ensure_connection()
            with sqlite3.connect(work / "database.sqlite3") as copy:
                connection.connection.backup(copy)
            copy.close()
        else:
            raise BackupError(f"No backup method for {connection.vendor}.")
        manifest = {"format": FORMAT, "vendor": connection.vendor,
                    "created_at": timezone.now().isoformat(), "rows": row_counts()}
        (work / "manifest.json").write_text(json.dumps(manifest, indent=1))
        partial = target.with_name(target.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            for name in ("manifest.json", "database.dump", "database.sqlite3"):
                if (work / name).exists():
                    archive.add(work / name, arcname=name)
            for path, relative in _files(home, database):
                archive.add(path, arcname=f"files/{relative}")
        partial.replace(target)  # never a half-written archive under the final name
    target.chmod(0o600)
    return target


def restore_backup(source: Path) -> dict:
    """Replace the database and VALUECRM_HOME files with the archive's; returns the
    manifest. Refuses an archive of another database kind."""
    home = Path(settings.HOME)
    with tempfile.TemporaryDirectory() as work, tarfile.open(source, "r:gz") as archive:
        work = Path(work)
        archive.extractall(work, filter="data")
        if not (work / "manifest.json").exists():
            raise BackupError("Not a ValueCRM backup.")
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest.get("format") != FORMAT:
            raise BackupError("Not a ValueCRM backup.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(f"This backup is of a {manifest['vendor']} database; this "
                              f"installation uses {connection.vendor}.")
        connection.close()
        if connection.vendor == "postgresql":
            args, env = _pg_env()
            _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction",
                  "--exit-on-error", *args, str(work / "database.dump")], env)
        else:
            with sqlite3.connect(work / "database.sqlite3") as saved, \
                    sqlite3.connect(connection.settings_dict["NAME"]) as live:
                saved.backup(live)
            saved.close()
            live.close()
        files = work / "files"
        if files.exists():
            for path in files.rglob("*"):
                if path.is_file():
                    destination = home / path.relative_to(files)
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, destination)
    counts = row_counts()
    differing = {k: (v, counts.get(k)) for k, v in manifest["rows"].items() if counts.get(k) != v}
    if differing:
        raise BackupError(f"Restored row counts differ from the backup: {differing}")
    return manifest
