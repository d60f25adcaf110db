"""`valuecrm delivery`: the delivery reports from the command line."""

import json
from datetime import date

from django.core.management.base import BaseCommand

from valuecrm.delivery import queries
from valuecrm.metrics.management.commands.metrics import acting_user


class Command(BaseCommand):
    help = "Delivery reports: time per stage, suppliers, quality trace, lateness by changes."

    def add_arguments(self, parser):
        parser.add_argument("report", choices=["stages", "suppliers", "quality", "lateness"])
        parser.add_argument("--from", dest="start", type=date.fromisoformat)
        parser.add_argument("--to", dest="end", type=date.fromisoformat)
        parser.add_argument("--by", choices=["product", "month"], default="product",
                            help="Grouping of the quality report")
        parser.add_argument("--as", dest="username")
        parser.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, **options):
        user = acting_user(options.get("username"))
        span = {"start": options["start"], "end": options["end"]}
        report = options["report"]
        result = {
            "stages": lambda: queries.stage_report(user, **span),
            "suppliers": lambda: queries.supplier_scorecard(user, **span),
            "quality": lambda: queries.quality_trace(user, by=options["by"]),
            "lateness": lambda: queries.lateness_by_changes(user),
        }[report]()
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2, default=str))
            return
        rows = result["stages"] if report == "stages" else result
        if report == "stages":
            self.stdout.write(f"orders {result['orders']}, on time {result['on_time_rate']}, "
                              f"mean lead time {result['mean_lead_time_days']} d, "
                              f"bottleneck {result['bottleneck']}")
        if rows:
            columns = list(rows[0])
            self.stdout.write("\t".join(columns))
            for row in rows:
                self.stdout.write("\t".join("" if row[c] is None else str(row[c])
                                            for c in columns))
