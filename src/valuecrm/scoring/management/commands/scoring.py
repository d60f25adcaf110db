"""`valuecrm scoring recompute` (for cron) and `valuecrm scoring show`."""

from django.core.management.base import BaseCommand

from valuecrm.scoring.actions import is_thin, recompute_scores
from valuecrm.scoring.bayes import NaiveBayes
from valuecrm.scoring.models import ScoreModel


class Command(BaseCommand):
    help = "Recompute the predictive win probabilities, or show the models they come from."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("recompute", help="Retrain from closed history and rescore open records.")
        sub.add_parser("show", help="Closed history behind each model.")

    def handle(self, *args, action, **options):
        if action == "recompute":
            for kind, count in recompute_scores().items():
                self.stdout.write(f"{kind}: {count} open records scored")
        for stored in ScoreModel.objects.order_by("kind"):
            model = NaiveBayes.from_json(stored.tables)
            state = "prior only (thin history)" if is_thin(model) else "naive Bayes"
            self.stdout.write(f"{stored.kind}\t{stored.won} won\t{stored.lost} lost\t{state}\t"
                              f"trained {stored.trained_at.isoformat()}")
