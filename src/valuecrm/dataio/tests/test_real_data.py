"""A real public spreadsheet (Maven Analytics CRM accounts) imported as customers."""

import csv
from pathlib import Path

import pytest

from valuecrm.core.normalize import normalize_company
from valuecrm.crm.models import Customer

SHARED = Path(__file__).resolve().parents[4].parent / "shared" / "data"
ACCOUNTS = SHARED / "crm-maven" / "accounts.csv"


@pytest.fixture
def accounts():
    if not ACCOUNTS.exists():
        pytest.skip(f"public data set absent: {ACCOUNTS} (the repository's ../shared/data)")
    return ACCOUNTS


def test_maven_accounts_import_as_customers(org, accounts, run_import):
    with accounts.open(encoding="utf-8") as handle:
        source = list(csv.DictReader(handle))
    code, out, err = run_import(
        "customers", accounts, "--as", "head_east", "--map", "account=name",
        "--map", "sector=industry", "--map", "office_location=region",
    )
    assert code == 0, err
    assert "Ignored columns: year_established, revenue, employees, subsidiary_of" in out
    assert Customer.objects.count() == len({normalize_company(r["account"]) for r in source})
    acme = Customer.objects.get(name="Acme Corporation")
    assert (acme.industry, acme.region, acme.owner) == ("technolgy", "United States",
                                                        org.head_east)
    code, out, _err = run_import("customers", accounts, "--as", "head_east",
                                 "--on-duplicate", "skip")
    assert code == 0 and f"skipped {len(source)}" in out
