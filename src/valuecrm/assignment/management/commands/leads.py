"""`valuecrm leads assign`: run the assignment rules over leads nobody works."""

from django.core.management.base import BaseCommand

from valuecrm.assignment.actions import assign_lead, unassigned_leads
from valuecrm.org.actions import system_user


class Command(BaseCommand):
    help = "Assign open leads that have no owner (or only the system user) by the rules."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("assign", help="Apply the assignment rules to unassigned leads.")

    def handle(self, *args, action, **options):
        system = system_user()
        assigned = skipped = 0
        for lead_id in unassigned_leads().values_list("pk", flat=True).iterator():
            if assign_lead(actor=system, lead_id=lead_id):
                assigned += 1
            else:
                skipped += 1
        self.stdout.write(f"assigned {assigned} leads; {skipped} matched no rule with room")
