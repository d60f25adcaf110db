"""`valuecrm backup [PATH]`: the database and VALUECRM_HOME files in one archive."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from valuecrm.security.backup import BackupError, create_backup


class Command(BaseCommand):
    help = "Back up the database and the files under VALUECRM_HOME to a .tar.gz archive."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=".",
                            help="Archive file, or folder for a dated archive (default: .)")

    def handle(self, *args, path, **options):
        try:
            archive = create_backup(Path(path))
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(str(archive))
