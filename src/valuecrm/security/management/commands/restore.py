"""`valuecrm restore ARCHIVE --yes`: replace the database and files with a backup's."""

import tarfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from valuecrm.security.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = ("Restore a `valuecrm backup` archive: REPLACES every record and history entry. "
            "Stop the web server and worker first.")

    def add_arguments(self, parser):
        parser.add_argument("archive")
        parser.add_argument("--yes", action="store_true",
                            help="Confirm that the current data is to be replaced.")

    def handle(self, *args, archive, yes, **options):
        if not yes:
            raise CommandError("This replaces all current data; run again with --yes.")
        if not Path(archive).is_file():
            raise CommandError(f"No such archive: {archive}")
        try:
            manifest = restore_backup(Path(archive))
        except (BackupError, tarfile.TarError) as exc:
            raise CommandError(str(exc)) from None
        total = sum(manifest["rows"].values())
        self.stdout.write(f"Restored {total} rows from the backup of {manifest['created_at']}.")
