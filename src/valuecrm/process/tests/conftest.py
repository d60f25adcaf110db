import csv
import json
from io import StringIO

import pytest
from django.core.management import call_command


@pytest.fixture
def analyze_rows(tmp_path):
    """Write rows under a header to a CSV file (in `encoding`) and run
    `valuecrm process analyze` on it; returns the JSON result."""

    def run(header, rows, *extra, encoding="utf-8"):
        path = tmp_path / "log.csv"
        with path.open("w", newline="", encoding=encoding) as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        out = StringIO()
        call_command("process", "analyze", str(path), "--case", header[0], "--activity",
                     header[1], "--timestamp", header[2], "--format", "json", *extra,
                     stdout=out)
        return json.loads(out.getvalue())

    return run
