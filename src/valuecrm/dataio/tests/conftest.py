import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook


def write_csv(path, rows, encoding="utf-8"):
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(path, rows):
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


@pytest.fixture
def run_import():
    """`run_import(kind, path, *flags)` runs the CLI; returns (exit code, stdout, stderr)."""

    def run(kind, path, *flags):
        out, err = io.StringIO(), io.StringIO()
        try:
            call_command("import", kind, str(path), *flags, stdout=out, stderr=err)
            code = 0
        except SystemExit as exc:
            code = exc.code
        except CommandError as exc:
            code = getattr(exc, "returncode", 1)
            err.write(str(exc))
        return code, out.getvalue(), err.getvalue()

    return run
