"""Claiming from the public pool: who may, the limits, the cooldown, clear refusals."""

from io import StringIO

from django.core.management import call_command

from valuecrm.crm.models import Customer
from valuecrm.pool.models import OwnershipChange


def test_a_rep_sees_the_departments_pool_and_claims_a_customer(org, pooled, api):
    client = api(org.rep_a)
    listed = client.get("pool/customers").json()
    assert {item["id"] for item in listed["items"]} == {c.pk for c in pooled}

    response = client.post(f"pool/customers/{pooled[0].pk}/claim")
    assert response.status_code == 200
    assert response.json()["owner"] == org.rep_a.pk
    assert client.get(f"customers/{pooled[0].pk}").status_code == 200
    assert client.get("pool/customers").json()["count"] == 2
    log = OwnershipChange.objects.get(customer=pooled[0])
    assert (log.kind, log.to_owner, log.actor) == ("claimed", org.rep_a, org.rep_a)


def test_claim_is_recorded_in_the_customers_history(org, pooled, api):
    client = api(org.rep_a)
    client.post(f"pool/customers/{pooled[0].pk}/claim")
    history = client.get(f"customers/{pooled[0].pk}/history").json()
    assert history[-1]["reason"] == "claimed from the pool"
    assert history[-1]["actor_id"] == org.rep_a.pk


def test_another_departments_pool_is_invisible(org, pooled, api):
    client = api(org.rep_c)
    assert client.get("pool/customers").json()["count"] == 0
    assert client.post(f"pool/customers/{pooled[0].pk}/claim").status_code == 404


def test_a_customer_claimed_by_someone_else_is_refused_with_the_reason(org, pooled, api):
    api(org.rep_a).post(f"pool/customers/{pooled[0].pk}/claim")
    response = api(org.rep_b).post(f"pool/customers/{pooled[0].pk}/claim")
    assert response.status_code == 409
    assert response.json()["code"] == "already_claimed"
    assert Customer.objects.get(pk=pooled[0].pk).owner == org.rep_a


def test_the_daily_claim_limit_stops_the_third_claim(org, pooled, api):
    client = api(org.rep_a)
    assert client.post(f"pool/customers/{pooled[0].pk}/claim").status_code == 200
    assert client.post(f"pool/customers/{pooled[1].pk}/claim").status_code == 200
    refused = client.post(f"pool/customers/{pooled[2].pk}/claim")
    assert refused.status_code == 409
    assert refused.json()["code"] == "claim_limit_daily"
    assert "2" in refused.json()["detail"]


def test_the_held_limit_counts_customers_already_owned(org, records, east_pool, pooled, api):
    east_pool.max_held = 1  # rep_a already owns one customer from the records fixture
    east_pool.save()
    refused = api(org.rep_a).post(f"pool/customers/{pooled[0].pk}/claim")
    assert refused.status_code == 409
    assert refused.json()["code"] == "claim_limit_held"


def test_a_former_owner_waits_out_the_cooldown(org, pooled, api):
    client = api(org.rep_a)
    client.post(f"pool/customers/{pooled[0].pk}/claim")
    released = client.post(f"customers/{pooled[0].pk}/release", {"reason": "客户无需求"})
    assert released.status_code == 200
    assert released.json()["owner"] is None
    again = client.post(f"pool/customers/{pooled[0].pk}/claim")
    assert again.status_code == 409
    assert again.json()["code"] == "reclaim_cooldown"
    assert api(org.rep_b).post(f"pool/customers/{pooled[0].pk}/claim").status_code == 200


def test_release_needs_a_reason_and_the_owner(org, records, east_pool, api):
    customer = records["rep_a"].customer
    assert api(org.rep_a).post(f"customers/{customer.pk}/release", {"reason": " "}).status_code \
        == 422
    assert api(org.rep_b).post(f"customers/{customer.pk}/release", {"reason": "x"}).status_code \
        == 404


def test_analysts_cannot_claim(org, pooled, api):
    response = api(org.analyst).post(f"pool/customers/{pooled[0].pk}/claim")
    assert response.status_code == 403


def test_pool_status_command_counts_waiting_customers(pooled):
    out = StringIO()
    call_command("pool", "status", stdout=out)
    assert "华东公海" in out.getvalue() and "3 waiting" in out.getvalue()
