"""`valuecrm import KIND FILE`: import a CSV or XLSX file. A stable interface for scripts:

exit 0 when the file was imported (or, with --dry-run, would import cleanly); exit 1 when
it was not, with the path of the error report on stderr; exit 2 for a usage error.
"""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from valuecrm.core.errors import DomainError
from valuecrm.dataio.actions import ON_DUPLICATE, ImportOptions, import_records
from valuecrm.dataio.kinds import KINDS
from valuecrm.dataio.users import command_actor


def parse_mapping(items: list[str]) -> dict[str, str]:
    mapping = {}
    for item in items:
        header, sep, name = item.rpartition("=")
        if not sep or not header.strip():
            raise CommandError(f"--map takes HEADER=field, not {item!r}.", returncode=2)
        mapping[header.strip()] = name.strip()
    return mapping


class Command(BaseCommand):
    help = "Import leads, customers, contacts, products, opportunities or contracts."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=list(KINDS))
        parser.add_argument("file", help="A .csv (UTF-8, UTF-8 with BOM or GBK) or .xlsx file.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Validate every row and report; write nothing.")
        parser.add_argument("--skip-invalid", action="store_true",
                            help="Import the valid rows and report the others (default: a "
                                 "file with any invalid row imports nothing).")
        parser.add_argument("--on-duplicate", choices=ON_DUPLICATE,
                            help="What to do with a row matching an earlier row or an existing "
                                 "record (default: it is an invalid row).")
        parser.add_argument("--as", dest="username",
                            help="Import as this user (default: the first active administrator).")
        parser.add_argument("--map", action="append", default=[], metavar="HEADER=field",
                            help="Read column HEADER as field (repeatable; field empty: ignore).")

    def handle(self, *args, kind, file, **options):
        actor = command_actor(options["username"])
        bars = []

        def progress(total, unit):
            bar = tqdm(total=total, unit=unit, unit_scale=True, desc=f"import {kind}",
                       file=sys.stderr, disable=None)
            bars.append(bar)

            def update(position):
                bar.update(position - bar.n)

            return update

        import_options = ImportOptions(
            dry_run=options["dry_run"], skip_invalid=options["skip_invalid"],
            on_duplicate=options["on_duplicate"], mapping=parse_mapping(options["map"]),
            progress=progress,
        )
        try:
            result = import_records(actor=actor, kind=kind, source=file, options=import_options)
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages), returncode=2) from None
        except DomainError as exc:
            raise CommandError(exc.message, returncode=2) from None
        finally:
            for bar in bars:
                bar.close()
        self.summarise(result)
        if not result.ok:
            raise CommandError(
                f"Nothing was imported: {result.error_count} problem(s) in {result.invalid} "
                f"row(s). Error report: {result.error_report}")

    def summarise(self, result) -> None:
        verb = "would create" if result.status == "checked" else "created"
        self.stdout.write(
            f"{result.status}: {result.rows} rows ({result.file_format}"
            f"{', ' + result.encoding if result.encoding else ''}); {verb} {result.created}, "
            f"updated {result.updated}, skipped {result.skipped} duplicates, "
            f"{result.invalid} invalid. Import #{result.job_id}.")
        if result.ignored_columns:
            self.stdout.write("Ignored columns: " + ", ".join(result.ignored_columns))
        for error in result.errors[:10]:
            self.stderr.write(f"  row {error.row or '-'} [{error.column}] {error.value!r}: "
                              f"{error.message}")
        if result.ok and result.error_report:
            self.stderr.write(f"Error report ({result.error_count} problems): "
                              f"{result.error_report}")
