"""The public pool page: what waits in my pools, claiming with the refusal shown in the row,
releasing from the customer page with a reason, and the recycle warning on the workbench."""

from datetime import timedelta

import pytest
from django.utils import timezone

from valuecrm.crm.models import Customer
from valuecrm.pool.models import OwnershipChange, Pool, RecycleRule


@pytest.fixture
def east_pool(org):
    return Pool.objects.create(name="华东公海", unit=org.east, daily_claim_limit=1, max_held=50,
                               reclaim_cooldown_days=7, warn_days=3)


@pytest.fixture
def pooled(east_pool):
    return [Customer.objects.create(name=f"公海客户{i}", name_key=f"gh{i}", pool=east_pool)
            for i in range(2)]


def test_reps_see_the_customers_of_their_pools_only(org, client, pooled):
    client.force_login(org.rep_a)
    page = client.get("/pool/")
    assert page.status_code == 200
    assert {c.pk for c in page.context["rows"]} == {c.pk for c in pooled}
    client.force_login(org.rep_c)  # the west team has no pool
    page = client.get("/pool/")
    assert page.context["rows"] == [] and "no public pool" in page.content.decode()


def test_claim_then_hit_the_daily_limit_and_read_why(org, client, pooled):
    client.force_login(org.rep_a)
    first = client.post(f"/pool/{pooled[0].pk}/claim/", HTTP_HX_REQUEST="true")
    assert first.status_code == 200 and "Claimed" in first.content.decode()
    assert Customer.objects.get(pk=pooled[0].pk).owner == org.rep_a
    second = client.post(f"/pool/{pooled[1].pk}/claim/", HTTP_HX_REQUEST="true")
    assert second.status_code == 409
    text = second.content.decode()
    assert "the pool&#x27;s daily limit" in text and 'data-code="claim_limit_daily"' in text
    assert Customer.objects.get(pk=pooled[1].pk).owner is None


def test_a_customer_claimed_by_someone_else_says_so(org, client, pooled):
    client.force_login(org.rep_a2)
    client.post(f"/pool/{pooled[0].pk}/claim/")
    client.force_login(org.rep_a)
    response = client.post(f"/pool/{pooled[0].pk}/claim/")
    assert response.status_code == 409 and "already claimed" in response.content.decode()


def test_customers_outside_my_pools_cannot_be_claimed(org, client, pooled):
    client.force_login(org.rep_c)
    assert client.post(f"/pool/{pooled[0].pk}/claim/").status_code == 404
    client.force_login(org.analyst)
    assert client.post(f"/pool/{pooled[0].pk}/claim/").status_code == 403


def test_release_needs_a_reason_and_records_it(records, org, client, east_pool):
    customer = records["rep_a"].customer
    client.force_login(org.rep_a)
    assert "Release to the pool" in client.get(f"/customers/{customer.pk}/").content.decode()
    refused = client.post(f"/customers/{customer.pk}/release/", {"reason": " "})
    assert refused.status_code == 422 and refused.context["form"].errors["reason"]
    done = client.post(f"/customers/{customer.pk}/release/", {"reason": "预算取消"})
    assert done.status_code == 302 and done["Location"] == "/customers/"
    customer.refresh_from_db()
    assert customer.owner is None and customer.pool == east_pool
    change = OwnershipChange.objects.get(customer=customer)
    assert change.kind == "released" and change.reason == "预算取消" and change.actor == org.rep_a


def test_another_reps_customer_cannot_be_released(records, org, client, east_pool):
    client.force_login(org.rep_a)
    response = client.post(f"/customers/{records['rep_b'].customer.pk}/release/",
                           {"reason": "x"})
    assert response.status_code == 404


def test_the_workbench_warns_before_a_recycle(records, org, client, east_pool):
    RecycleRule.objects.create(pool=east_pool, kind=RecycleRule.Kind.NO_ACTIVITY, days=30)
    customer = records["rep_a"].customer
    Customer.objects.filter(pk=customer.pk).update(
        last_activity_at=timezone.now() - timedelta(days=28))
    client.force_login(org.rep_a)
    page = client.get("/")
    assert [row["customer"].pk for row in page.context["recycles"]] == [customer.pk]
    assert any(item.codes == ["recycle_due"] or "recycle_due" in item.codes
               for item in page.context["focus"])
    assert "About to be recycled" in page.content.decode()
