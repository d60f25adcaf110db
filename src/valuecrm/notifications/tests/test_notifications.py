"""People are told about new leads, customers about to be recycled and overdue payments."""

from io import StringIO

from django.core import mail
from django.core.management import call_command

from valuecrm.assignment.actions import reassign_lead
from valuecrm.crm.models import Customer
from valuecrm.notifications.actions import Notice, notify
from valuecrm.notifications.models import Notification
from valuecrm.pool.models import Pool, RecycleRule
from valuecrm.pool.tests.conftest import days_ago


def test_the_new_owner_is_told_about_a_reassigned_lead(org, records, api):
    lead = records["rep_a"].lead
    reassign_lead(actor=org.manager_a, lead_id=lead.pk, owner_id=org.rep_a2.pk, reason="休假")
    inbox = api(org.rep_a2).get("notifications").json()
    assert inbox["count"] == 1
    assert inbox["items"][0]["kind"] == "assigned"
    assert inbox["items"][0]["url"] == f"/leads/{lead.pk}"
    assert api(org.rep_a).get("notifications").json()["count"] == 0


def test_daily_job_warns_owners_and_reports_overdue_payments_once(org, records):
    pool = Pool.objects.create(name="华东公海", unit=org.east)
    RecycleRule.objects.create(pool=pool, kind="no_activity", days=30)
    Customer.objects.filter(pk=records["rep_a"].customer.pk).update(
        owned_since=days_ago(60), last_activity_at=days_ago(28)
    )
    out = StringIO()
    call_command("notifications", "send-due", stdout=out)
    kinds = sorted(Notification.objects.filter(user=org.rep_a).values_list("kind", flat=True))
    assert kinds == ["overdue_payment", "recycle_warning"]
    # Every rep's overdue plan is reported to its owner, and only to them.
    assert Notification.objects.filter(kind="overdue_payment").count() == 4
    call_command("notifications", "send-due", stdout=StringIO())
    assert Notification.objects.filter(user=org.rep_a).count() == 2


def test_marking_read(org, api):
    notify(notices=[Notice(user_id=org.rep_a.pk, kind="assigned", title=f"n{i}")
                    for i in range(3)])
    client = api(org.rep_a)
    first = client.get("notifications").json()["items"][0]["id"]
    assert client.post(f"notifications/{first}/read").json() == {"unread": 2}
    assert api(org.rep_b).post(f"notifications/{first}/read").status_code == 404
    assert client.post("notifications/read-all").json() == {"unread": 0}
    assert client.get("notifications", unread=True).json()["count"] == 0


def test_email_is_sent_when_enabled(org, settings, django_capture_on_commit_callbacks):
    settings.NOTIFY_BY_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    org.rep_a.email = "rep_a@example.com"
    org.rep_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(notices=[Notice(user_id=org.rep_a.pk, kind="assigned", title="新线索")])
    assert [m.to for m in mail.outbox] == [["rep_a@example.com"]]
    assert Notification.objects.get().emailed_at is not None


def test_the_same_fact_is_told_once(org):
    notice = Notice(user_id=org.rep_a.pk, kind="recycle_warning", title="x", dedupe_key="k")
    assert notify(notices=[notice]) == 1
    assert notify(notices=[notice]) == 0
