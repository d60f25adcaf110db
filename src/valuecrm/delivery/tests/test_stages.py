"""Orders move through the delivery stages; every entry is an event, going back is rework."""

from datetime import timedelta

import pytest

from valuecrm.delivery.actions import move_order_stage
from valuecrm.delivery.models import Order, OrderStageEvent
from valuecrm.delivery.queries import order_event_log, stage_report
from valuecrm.delivery.tests.conftest import T0, place, walk
from valuecrm.webhooks.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_an_order_starts_in_the_first_stage_with_a_due_date_from_the_target(
        org, records, stages, api):
    contract = records["rep_a"].contract
    response = api(org.rep_a).post("orders", {
        "number": "SO-1", "contract": contract.pk, "quantity": "5",
        "placed_at": T0.isoformat()})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stage"] == stages["placed"].pk
    assert body["target_days"] == "7.00"
    assert body["due_date"] == str((T0 + timedelta(days=7)).date())
    events = api(org.rep_a).get(f"orders/{body['id']}/stage-events").json()
    assert [(e["stage"], e["left_at"], e["is_rework"]) for e in events] == [
        (stages["placed"].pk, None, False)]


def test_moving_forward_records_each_entry_and_completes_the_order(
        org, records, stages, api):
    Subscription.objects.create(name="erp", url="https://erp.example.com/hook", secret="s",
                                events=["order.stage_changed", "order.completed"])
    order = place(org.rep_a, records["rep_a"].contract, number="SO-2")
    order = walk(org.rep_a, order, stages, [0.5, 1, 4, 2, 1])
    assert order.completed_at == T0 + timedelta(days=8.5)
    assert order.late is True  # due on the 7th day
    assert abs(order.lead_time_days - 8.5) < 1e-9
    events = list(order.stage_events.order_by("entered_at"))
    assert [e.stage.code for e in events] == list(stages)
    assert all(e.left_at == n.entered_at for e, n in zip(events, events[1:], strict=False))
    assert events[-1].left_at is None
    assert not any(e.is_rework for e in events)
    sent = list(Delivery.objects.values_list("event", flat=True))
    assert sent.count("order.stage_changed") == 5 and sent.count("order.completed") == 1


def test_moving_back_is_allowed_and_counted_as_rework(org, records, stages, api):
    order = place(org.rep_a, records["rep_a"].contract, number="SO-3")
    order = walk(org.rep_a, order, stages, [0.5, 1, 3])  # now in production
    client = api(org.rep_a)
    back = client.post(f"orders/{order.pk}/move", {
        "stage": stages["procurement"].pk, "at": (T0 + timedelta(days=5)).isoformat(),
        "note": "零件不合格，重新采购"})
    assert back.status_code == 200, back.content
    again = client.post(f"orders/{order.pk}/move", {
        "stage": stages["production"].pk, "at": (T0 + timedelta(days=6)).isoformat()})
    assert again.status_code == 200
    events = client.get(f"orders/{order.pk}/stage-events").json()
    assert [e["is_rework"] for e in events] == [False, False, False, False, True, True]
    assert events[4]["note"] == "零件不合格，重新采购"
    report = stage_report(org.rep_a)
    assert report["orders"] == 0  # not signed off yet


def test_a_signed_off_order_reopens_when_moved_back(org, records, stages):
    order = walk(org.rep_a, place(org.rep_a, records["rep_a"].contract, number="SO-4"),
                 stages, [0.5, 1, 1, 1, 1])
    assert order.completed_at is not None
    order = move_order_stage(actor=org.rep_a, pk=order.pk, stage_id=stages["shipped"].pk,
                             at=order.completed_at + timedelta(hours=2), note="客户拒收")
    assert order.completed_at is None and order.late is None
    assert order.stage_events.last().is_rework


def test_bad_moves_are_refused_with_a_reason(org, records, stages, api):
    order = place(org.rep_a, records["rep_a"].contract, number="SO-5")
    client = api(org.rep_a)
    same = client.post(f"orders/{order.pk}/move", {"stage": stages["placed"].pk})
    assert same.status_code == 409 and same.json()["code"] == "same_stage"
    early = client.post(f"orders/{order.pk}/move", {
        "stage": stages["procurement"].pk, "at": (T0 - timedelta(days=1)).isoformat()})
    assert early.status_code == 422 and "at" in early.json()["errors"]
    unknown = client.post(f"orders/{order.pk}/move", {"stage": 999})
    assert unknown.status_code == 422 and "stage" in unknown.json()["errors"]
    assert OrderStageEvent.objects.filter(order=order).count() == 1


def test_stage_report_finds_the_bottleneck_and_lead_time_is_the_sum_of_stages(
        org, records, stages):
    for n, procurement in enumerate([3, 5]):
        order = place(org.rep_a, records["rep_a"].contract, number=f"SO-R{n}")
        walk(org.rep_a, order, stages, [0.5, 1, procurement, 2, 1])
    report = stage_report(org.rep_a)
    assert report["orders"] == 2 and report["late"] == 1 and report["on_time_rate"] == 0.5
    assert report["bottleneck"] == "procurement"
    by_code = {s["stage"]: s for s in report["stages"]}
    assert by_code["procurement"]["mean_days"] == 4 and by_code["procurement"]["total_days"] == 8
    assert by_code["procurement"]["over_target"] == 2  # target 2.5 days
    assert by_code["production"]["over_target"] == 0
    assert report["mean_lead_time_days"] == pytest.approx(8.5)
    assert sum(s["share"] for s in report["stages"]) == pytest.approx(1, abs=1e-3)


def test_the_event_log_for_process_analysis_is_scoped(org, records, stages):
    mine = walk(org.rep_a, place(org.rep_a, records["rep_a"].contract, number="SO-A"),
                stages, [1, 1])
    place(org.rep_b, records["rep_b"].contract, number="SO-B")
    log = list(order_event_log(org.rep_a))
    assert log == [("SO-A", "placed", T0, "rep_a"),
                   ("SO-A", "contract_effective", T0 + timedelta(days=1), "rep_a"),
                   ("SO-A", "procurement", T0 + timedelta(days=2), "rep_a")]
    assert {row[0] for row in order_event_log(org.manager_a)} == {"SO-A"}
    assert {row[0] for row in order_event_log(org.head_east)} == {"SO-A", "SO-B"}
    assert Order.objects.get(pk=mine.pk).stage.code == "procurement"
