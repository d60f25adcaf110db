"""The error report of an import: one CSV line per problem, written as problems are found
(never held in memory), UTF-8 with a BOM so that Excel shows Chinese correctly."""

import csv
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

REPORT_HEADER = ["row", "column", "value", "message"]


@dataclass(frozen=True)
class RowError:
    row: int | None  # as a spreadsheet shows it (header = 1); None for the file as a whole
    column: str
    value: str
    message: str


def reports_dir() -> Path:
    path = Path(settings.HOME) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


class ErrorReport:
    """Opens its file on the first error, so a clean import leaves no empty report."""

    def __init__(self, path: Path, *, keep: int = 100):
        self.path = path
        self.keep = keep
        self.first: list[RowError] = []
        self.count = 0
        self._file = None
        self._writer = None

    def add(self, error: RowError) -> None:
        self.count += 1
        if len(self.first) < self.keep:
            self.first.append(error)
        if self._writer is None:
            self._file = self.path.open("w", encoding="utf-8-sig", newline="")
            self._writer = csv.writer(self._file)
            self._writer.writerow(REPORT_HEADER)
        row = "" if error.row is None else error.row
        self._writer.writerow([row, error.column, error.value, error.message])

    def close(self) -> str | None:
        if self._file is not None:
            self._file.close()
            return str(self.path)
        return None


def read_report(path: str, *, limit: int) -> tuple[list[RowError], int]:
    """The first `limit` errors of a saved report and how many it holds in all."""
    if not path or not Path(path).exists():
        return [], 0
    errors, count = [], 0
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for line in csv.DictReader(handle):
            count += 1
            if len(errors) < limit:
                errors.append(RowError(int(line["row"]) if line["row"] else None,
                                       line["column"], line["value"], line["message"]))
    return errors, count
