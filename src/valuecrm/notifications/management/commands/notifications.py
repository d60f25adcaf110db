"""`valuecrm notifications send-due`: recycle warnings and overdue payments (daily)."""

from django.core.management.base import BaseCommand

from valuecrm.notifications.jobs import send_due_notices


class Command(BaseCommand):
    help = "Create the notices that are due (each fact is told once) and email them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("send-due", help="Recycle warnings and overdue payment plans.")

    def handle(self, *args, action, **options):
        self.stdout.write(f"{send_due_notices()} new notifications")
