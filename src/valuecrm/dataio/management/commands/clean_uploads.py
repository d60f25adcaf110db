"""valuecrm clean_uploads [--hours N]: delete import-wizard uploads nobody imported."""

from django.conf import settings
from django.core.management.base import BaseCommand

from valuecrm.dataio.uploads import sweep_abandoned_uploads


class Command(BaseCommand):
    help = ("Delete files uploaded to the import wizard and never imported, once untouched "
            "for --hours (default: UPLOAD_RETENTION_HOURS).")

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=float, default=None,
                            help=f"default {settings.UPLOAD_RETENTION_HOURS:g}")

    def handle(self, *args, hours=None, **options):
        if hours is not None and hours < 0:
            self.stderr.write("--hours cannot be negative")
            raise SystemExit(2)
        result = sweep_abandoned_uploads(older_than_hours=hours)
        self.stdout.write(f"deleted {result['deleted']} uploads ({result['bytes']} bytes), "
                          f"kept {result['kept']}")
