import pytest

from valuecrm.core.records import create_record
from valuecrm.crm.models import Customer


@pytest.fixture
def customer_of():
    """`customer_of(rep, name, **fields)`: a customer created through the write layer."""

    def make(rep, name, **fields):
        return create_record(actor=rep, model=Customer, data={"name": name, **fields})

    return make
