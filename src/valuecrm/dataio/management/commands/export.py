"""`valuecrm export KIND`: the records a user can see, as CSV (default) or XLSX, with
headers that `valuecrm import` reads back."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from valuecrm.core.errors import DomainError
from valuecrm.dataio.exports import csv_chunks, export_header, export_rows, get_kind, write_xlsx
from valuecrm.dataio.kinds import KINDS
from valuecrm.dataio.users import command_actor


class Command(BaseCommand):
    help = "Export the records a user can see (their data scope) as CSV or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("--as", dest="username",
                            help="Export what this user sees (default: the first active "
                                 "administrator, who sees everything).")
        parser.add_argument("--format", choices=("csv", "xlsx"),
                            help="Default: from the -o file's extension, else csv.")
        parser.add_argument("-o", "--output", help="File to write (default: CSV on stdout).")

    def handle(self, *args, kind, username, output, **options):
        actor = command_actor(username)
        file_format = options["format"] or (
            "xlsx" if output and output.lower().endswith(".xlsx") else "csv")
        if file_format == "xlsx" and not output:
            raise CommandError("XLSX needs an output file: -o FILE.xlsx", returncode=2)
        with translation.override(settings.LANGUAGE_CODE):
            try:
                spec = get_kind(kind)
                header, rows = export_header(spec), export_rows(actor=actor, kind=kind)
                count = self.write(file_format, output, header, rows)
            except DomainError as exc:
                raise CommandError(exc.message, returncode=2) from None
        if output:
            self.stderr.write(f"Exported {count} {kind} to {output}")

    def write(self, file_format, output, header, rows) -> int:
        counted = _Counter(rows)
        if file_format == "xlsx":
            write_xlsx(output, header, counted)
        elif output:
            with Path(output).open("w", encoding="utf-8", newline="") as handle:
                for chunk in csv_chunks(header, counted):
                    handle.write(chunk)
        else:
            for chunk in csv_chunks(header, counted, bom=False):
                self.stdout.write(chunk, ending="")
        return counted.count


class _Counter:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
