"""Loading the catalog: the shipped metrics are complete, and every kind of bad
definition fails with a message naming the file, the metric and the field."""

import pytest

from valuecrm.metrics.catalog import SHIPPED_DIR, CatalogError, get_catalog, load_catalog

GOOD = """
metrics:
  - key: org_leads
    label: {zh: 新增线索数, en: Leads created}
    kind: simple
    model: crm.Lead
    agg: count
    time_field: created_at
    dimensions: [team, channel]
    category: business_outcome
    relation: unclear
"""


def test_shipped_catalog_is_complete(db):
    catalog = get_catalog()
    visible = [m for m in catalog.metrics.values() if not m.hidden]
    assert len(visible) >= 30
    assert {m.kind for m in visible} == {"simple", "ratio", "derived", "cumulative",
                                         "conversion"}
    for key in ("contract_amount", "new_contract_amount", "renewal_contract_amount",
                "won_deals", "avg_contract_size", "lead_opportunity_conversion",
                "opportunity_win_conversion", "lead_to_win_days", "per_capita_contract_amount",
                "payment_collection_rate", "overdue_receivables", "calls", "call_minutes",
                "calls_per_rep", "visits", "follow_ups_per_customer", "first_response_hours",
                "lead_phone_fill_rate", "customer_industry_fill_rate"):
        assert key in catalog.metrics
    for metric in visible:
        assert metric.label.zh and metric.label.en and metric.category and metric.relation


def _load(tmp_path, text):
    (tmp_path / "org.yaml").write_text(text, encoding="utf-8")
    return load_catalog([SHIPPED_DIR, tmp_path])


def test_organisation_folder_adds_and_overrides(db, tmp_path):
    text = GOOD + GOOD.split("metrics:")[1].replace("org_leads", "leads_created").replace(
        "新增线索数", "我们的线索")
    catalog = _load(tmp_path, text)
    assert "org_leads" in catalog.metrics
    assert catalog.metrics["leads_created"].label.zh == "我们的线索"


@pytest.mark.parametrize("change, field, message", [
    (("model: crm.Lead", "model: crm.Nothing"), "model", "unknown model"),
    (("time_field: created_at", "time_field: born_at"), "time_field", "born_at"),
    (("time_field: created_at", "time_field: name"), "time_field", "date or datetime"),
    (("[team, channel]", "[team, colour]"), "dimensions", "unknown dimension 'colour'"),
    (("agg: count", "agg: total"), "agg", "Input should be"),
    (("agg: count", "agg: sum"), "field", "needs a field"),
    (("agg: count", "agg: sum\n    field: name + 1"), "field", "name"),
    (("agg: count", "agg: sum\n    field: __import__('os')"), "field", "unknown function"),
    (("category: business_outcome", "category: vanity"), "category", "Input should be"),
    (("dimensions: [team, channel]", "dimensions: team"), "dimensions", "valid list"),
    (("relation: unclear", "relation: unclear\n    colour: red"), "colour", "Extra inputs"),
])
def test_bad_definitions_name_file_metric_and_field(db, tmp_path, change, field, message):
    with pytest.raises(CatalogError) as caught:
        _load(tmp_path, GOOD.replace(*change))
    text = str(caught.value)
    assert "org.yaml" in text and "'org_leads'" in text
    assert f"field '{field}'" in text and message in text


def test_derived_metrics_referring_to_themselves_are_refused(db, tmp_path):
    text = GOOD + """
  - key: a
    label: {zh: 甲, en: A}
    kind: derived
    expression: b * 2
    category: business_outcome
    relation: unclear
  - key: b
    label: {zh: 乙, en: B}
    kind: ratio
    numerator: org_leads
    denominator: a
    category: business_outcome
    relation: unclear
"""
    with pytest.raises(CatalogError, match=r"refers to itself: a -> b -> a"):
        _load(tmp_path, text)


def test_unknown_references_and_unsafe_expressions(db, tmp_path):
    derived = GOOD + """
  - key: a
    label: {zh: 甲, en: A}
    kind: derived
    expression: %s
    category: business_outcome
    relation: unclear
"""
    with pytest.raises(CatalogError, match="field 'expression': unknown metric 'nothing'"):
        _load(tmp_path, derived % "org_leads / nothing")
    with pytest.raises(CatalogError, match="field 'expression'.*not 'org_leads.real'"):
        _load(tmp_path, derived % "org_leads.real")
    with pytest.raises(CatalogError, match="metric 'x'.*defined twice"):
        _load(tmp_path, GOOD.replace("org_leads", "x") + GOOD.split("metrics:")[1]
              .replace("org_leads", "x"))
