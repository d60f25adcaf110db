"""`valuecrm approvals flows|inbox|submit|refund|approve|reject|remind`."""

from decimal import Decimal, InvalidOperation

from django.core.management.base import BaseCommand, CommandError

from valuecrm.approvals import actions, queries
from valuecrm.approvals.models import ApprovalFlow
from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.org.models import User
from valuecrm.sales.actions import request_refund


def _user(username):
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"No such user: {username}")
    return user


def _amount(text):
    try:
        return Decimal(text)
    except InvalidOperation:
        raise CommandError(f"Not an amount: {text!r}") from None


class Command(BaseCommand):
    help = "Approval flows, the inbox, decisions, and SLA reminders."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("flows", help="The configured flows and their steps.")
        inbox = sub.add_parser("inbox", help="Requests waiting for a person's decision.")
        inbox.add_argument("--as", dest="username", required=True)
        submit = sub.add_parser("submit", help="Submit a contract (or a refund) for approval.")
        submit.add_argument("contract", type=int)
        submit.add_argument("--as", dest="username", required=True)
        submit.add_argument("--refund", type=_amount, help="Refund amount (a refund request)")
        submit.add_argument("--reason", default="")
        refund = sub.add_parser("refund", help="Pay back (part of) a payment; it waits for "
                                "the refund approval flow if one applies.")
        refund.add_argument("payment", type=int)
        refund.add_argument("--amount", type=_amount, required=True)
        refund.add_argument("--reason", required=True)
        refund.add_argument("--as", dest="username", required=True)
        for verb in ("approve", "reject"):
            decide = sub.add_parser(verb, help=f"{verb.title()} the current step of a request.")
            decide.add_argument("request", type=int)
            decide.add_argument("--as", dest="username", required=True)
            decide.add_argument("--comment", default="")
        sub.add_parser("remind", help="Remind approvers of steps past their SLA (once each).")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(options)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _flows(self, options):
        for flow in ApprovalFlow.objects.prefetch_related("steps"):
            self.stdout.write(f"{flow.pk}\t{flow.name}\t{flow.subject}\tfrom amount "
                              f"{flow.min_amount or '-'}\tfrom discount "
                              f"{flow.min_discount_percent or '-'}%\t"
                              f"{'active' if flow.is_active else 'inactive'}")
            for step in flow.steps.all():
                who = step.approver or step.get_approver_role_display()
                self.stdout.write(f"  {step.position}. {step.name}\t{who}\t"
                                  f"SLA {step.sla_hours} h")

    def _inbox(self, options):
        for step in queries.inbox(_user(options["username"])):
            request = step.request
            self.stdout.write(f"{request.pk}\t{request}\t{request.amount}\t{step.name}\t"
                              f"since {step.activated_at:%Y-%m-%d %H:%M}")

    def _submit(self, options):
        refund = options["refund"]
        request = actions.submit_for_approval(
            actor=_user(options["username"]), contract_id=options["contract"],
            subject="refund" if refund is not None else "contract", amount=refund,
            reason=options["reason"])
        self.stdout.write(f"request {request.pk} submitted ({request.flow})")

    def _refund(self, options):
        refund = request_refund(actor=_user(options["username"]), payment_id=options["payment"],
                                amount=options["amount"], reason=options["reason"])
        self.stdout.write(f"refund {refund.pk}: {refund.get_status_display()}")

    def _approve(self, options, approve=True):
        request = actions.decide(actor=_user(options["username"]),
                                 request_id=options["request"], approve=approve,
                                 comment=options["comment"])
        self.stdout.write(f"request {request.pk}: {request.get_status_display()}")

    def _reject(self, options):
        self._approve(options, approve=False)

    def _remind(self, options):
        self.stdout.write(f"{actions.remind_overdue()} steps past their SLA reminded")
