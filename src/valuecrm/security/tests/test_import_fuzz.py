"""Property-based tests of the importers: whatever the file holds, an import either succeeds
or fails with a clear error, and a failed import writes nothing but its own job record."""

import csv
import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from valuecrm.dataio.actions import ImportOptions, import_records
from valuecrm.dataio.kinds import KINDS
from valuecrm.security.tests.conftest import fingerprint

FUZZ = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

# Text that has broken importers elsewhere: formulas, markup, SQL, control characters,
# numbers in words, full-width digits, dates in many forms.
NASTY = st.sampled_from([
    "", " ", "=1+1", "@SUM(A1)", "<script>alert(1)</script>", "'; DROP TABLE crm_lead; --",
    "１３８１２３４５６７８", "13812345678", "a@b.c", "not-an-email", "2025-02-30", "2025/3/1",
    "-1", "1e309", "NaN", "9" * 40, "壹万", "\x00", "\ufeff", "é" * 300, "rep_a", "admin",
])
CELL = st.one_of(NASTY, st.text(max_size=40))


def _without_import_log(found):
    return {k: v for k, v in found.items() if not k.startswith("dataio.")}


def _check(admin, kind, data, file_name):
    before = fingerprint()
    result = import_records(actor=admin, kind=kind, source=io.BytesIO(data),
                            options=ImportOptions(file_name=file_name))
    if not result.ok:
        assert result.error_count > 0 and all(e.message for e in result.errors)
        assert result.created == result.updated == 0
        assert _without_import_log(fingerprint()) == _without_import_log(before), \
            "a failed import wrote records"
    return result


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ
@given(data=st.binary(max_size=3000), as_xlsx=st.booleans())
def test_any_bytes_import_or_fail_cleanly(org, kind, data, as_xlsx):
    _check(org.admin, kind, data, "upload.xlsx" if as_xlsx else "upload.csv")


@st.composite
def sheets(draw, kind):
    columns = [c for c in KINDS[kind].columns if c.importable]
    header = [draw(st.sampled_from([c.zh, c.en])) for c in columns]
    rows = draw(st.lists(st.lists(CELL, min_size=len(header), max_size=len(header)),
                         min_size=1, max_size=6))
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows([header, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
    return buffer.getvalue().encode(encoding, errors="replace")


@pytest.mark.parametrize("kind", sorted(KINDS))
@FUZZ
@given(data=st.data())
def test_well_formed_files_with_any_cells_import_or_fail_cleanly(org, channel, product,
                                                                  kind, data):
    _check(org.admin, kind, data.draw(sheets(kind)), "upload.csv")
