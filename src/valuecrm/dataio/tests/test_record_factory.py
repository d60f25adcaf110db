"""The importer builds unsaved records from a copy of one holding the defaults; each must be
what the model's constructor would have built from the same values."""

from decimal import Decimal

from django.utils import timezone

from valuecrm.dataio.actions import RecordFactory
from valuecrm.dataio.kinds import KINDS


def _clocks(model):
    return {f.attname for f in model._meta.concrete_fields
            if f.has_default() and callable(f.default)}


def _state(obj):
    found = {k: v for k, v in vars(obj).items()
             if k != "_state" and k not in _clocks(type(obj))}
    return found, set(obj._state.fields_cache), obj._state.adding, obj._state.db


def test_records_built_by_the_factory_equal_records_built_by_the_constructor(
        org, channel, product):
    values = {
        "Lead": {"name": "张三", "channel": channel, "owner": org.rep_a, "status": "working"},
        "Customer": {"name": "甲公司", "owner": org.rep_a, "size_tier": "large"},
        "Contact": {"name": "李四", "is_primary": True},
        "Product": {"name": "X", "sku": "X-1", "list_price": Decimal("9.90")},
        "Opportunity": {"name": "商机", "amount": Decimal("10")},
        "Contract": {"number": "HT-1", "signed_date": timezone.localdate()},
    }
    for kind in KINDS.values():
        model, row = kind.model, values[kind.model.__name__]
        factory = RecordFactory(model)
        started = timezone.now()
        built, constructed = factory(row), model(**row)
        assert _state(built) == _state(constructed), model
        # Clock defaults (created_at) are read for each record, not copied.
        assert "created_at" in _clocks(model)
        assert all(getattr(built, name) >= started for name in _clocks(model)), model
