"""`valuecrm worker`: runs background tasks and keeps the periodic ones scheduled."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from valuecrm.core.periodic import schedule_all


class Command(BaseCommand):
    help = ("Run the background worker (django-tasks database backend) and keep every "
            "periodic task of settings.PERIODIC_TASKS scheduled.")

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true",
                            help="Run the tasks that are due, then exit (for tests and cron).")

    def handle(self, *args, batch, **options):
        schedule_all()
        worker_args = ["--batch"] if batch else []
        call_command("db_worker", *worker_args, verbosity=options["verbosity"])
