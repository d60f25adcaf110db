"""`valuecrm focus --as USER`: that person's priorities for today, with the reasons."""

from django.core.management.base import BaseCommand

from valuecrm.focus.queries import focus_list
from valuecrm.scoring.management.commands.channels import acting_user


class Command(BaseCommand):
    help = "Today's priorities of a person (and, for a manager, the reps who need help)."

    def add_arguments(self, parser):
        parser.add_argument("--as", dest="username", required=True, help="Acting user.")

    def handle(self, *args, username, **options):
        focus = focus_list(acting_user(username))
        if not focus.items:
            self.stdout.write("Nothing needs attention today.")
        for rank, item in enumerate(focus.items, start=1):
            self.stdout.write(f"{rank}. [{item.kind} {item.id}] {item.name}")
            for reason in item.reasons:
                self.stdout.write(f"     - {reason}")
        if focus.reps_needing_help:
            self.stdout.write("\nReps who need help:")
            for rep in focus.reps_needing_help:
                self.stdout.write(f"  {rep.rep} ({rep.unit})")
                for reason in rep.reasons:
                    self.stdout.write(f"     - {reason}")
