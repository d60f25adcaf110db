"""Daily notices: customers about to be recycled and overdue payment plans.

Each fact is told once (dedupe keys), so the job can run as often as wanted.
"""

from django.utils import timezone
from django.utils.translation import gettext as _

from valuecrm.notifications.actions import Notice, notify
from valuecrm.notifications.models import Notification
from valuecrm.org.actions import system_user
from valuecrm.pool.actions import upcoming_recycles
from valuecrm.sales.models import PaymentPlan


def recycle_warnings() -> list[Notice]:
    notices = []
    for row in upcoming_recycles(system_user()):
        customer, deadline = row["customer"], timezone.localtime(row["deadline"])
        notices.append(Notice(
            user_id=customer.owner_id, kind=Notification.Kind.RECYCLE_WARNING,
            title=_("“%(name)s” goes back to the pool on %(date)s")
            % {"name": customer.name, "date": deadline.strftime("%Y-%m-%d")},
            body=row["rule"].reason, url=f"/customers/{customer.pk}",
            dedupe_key=f"recycle:{customer.pk}:{deadline.date().isoformat()}",
        ))
    return notices


def overdue_payment_notices() -> list[Notice]:
    plans = PaymentPlan.objects.overdue().select_related("contract")
    return [
        Notice(
            user_id=plan.contract.owner_id, kind=Notification.Kind.OVERDUE_PAYMENT,
            title=_("Payment of %(amount)s on contract %(number)s is overdue since %(date)s")
            % {"amount": plan.amount, "number": plan.contract.number, "date": plan.due_date},
            url=f"/contracts/{plan.contract_id}",
            dedupe_key=f"overdue:{plan.pk}",
        )
        for plan in plans.filter(contract__deleted_at__isnull=True)
    ]


def send_due_notices() -> int:
    return notify(notices=recycle_warnings() + overdue_payment_notices())
