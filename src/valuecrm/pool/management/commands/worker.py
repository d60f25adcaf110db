"""`valuecrm worker`: runs background tasks and keeps the periodic ones scheduled."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from valuecrm.approvals.tasks import schedule_reminders
from valuecrm.pool.tasks import schedule_sweep
from valuecrm.scoring.tasks import schedule_recompute
from valuecrm.usage.tasks import schedule_purge


class Command(BaseCommand):
    help = ("Run the background worker (django-tasks database backend) with the pool sweep, "
            "the score recompute, the usage purge and approval reminders.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="Run the tasks that are due, then exit (for tests and cron).")

    def handle(self, *args, batch, **options):
        schedule_sweep()
        schedule_recompute()
        schedule_purge()
        schedule_reminders()
        worker_args = ["--batch"] if batch else []
        call_command("db_worker", *worker_args, verbosity=options["verbosity"])
