"""`valuecrm quality`: data-quality monitors from the command line."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.metrics.management.commands.metrics import acting_user
from valuecrm.metrics.queries import jsonable
from valuecrm.quality import monitors


class Command(BaseCommand):
    help = "Data-quality monitors: rates against targets, and the records that fail them."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name, text in (("check", "Every monitor's rate against its target."),
                           ("rates", "One monitor by period and breakdown."),
                           ("offenders", "Records failing one monitor.")):
            p = sub.add_parser(name, help=text)
            if name != "check":
                p.add_argument("key")
            p.add_argument("--from", dest="start", type=date.fromisoformat, required=True)
            p.add_argument("--to", dest="end", type=date.fromisoformat, required=True)
            p.add_argument("--as", dest="username")
            p.add_argument("--format", choices=["table", "json"], default="table")
            if name == "rates":
                p.add_argument("--grain")
                p.add_argument("--by")
            if name == "offenders":
                p.add_argument("--limit", type=int, default=50)

    def handle(self, *args, **options):
        user = acting_user(options.get("username"))
        span = {"start": options["start"], "end": options["end"]}
        try:
            result = getattr(self, f"_{options['action']}")(user, span, options)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(jsonable(result), ensure_ascii=False, indent=2,
                                         default=str))

    def _check(self, user, span, options):
        items = monitors.summary(user, **span)
        if options["format"] == "table":
            for item in items:
                self._line(item["monitor"], item["total"], item["target"])
        return items

    def _rates(self, user, span, options):
        result = monitors.monitor_rates(user, options["key"], grain=options.get("grain"),
                                        by=options.get("by"), **span)
        if options["format"] == "table":
            self._line("total", result["total"], result["target"])
            for row in result["rows"]:
                name = " ".join(str(row[k]) for k in ("period", "label") if k in row)
                self._line(name, row, result["target"])
        return result

    def _offenders(self, user, span, options):
        monitor = monitors.get_monitor(options["key"])
        rows = [{"id": r.pk, "record": str(r), "value": getattr(r, monitor.field)}
                for r in monitors.offenders(user, options["key"], **span)[: options["limit"]]]
        if options["format"] == "table":
            for row in rows:
                self.stdout.write(f"{row['id']}\t{row['record']}\t{row['value']!r}")
        return rows

    def _line(self, name, counts, target):
        rate = "—" if counts["rate"] is None else f"{counts['rate']:.1%}"
        flag = "" if counts["meets_target"] in (None, True) else "  below target"
        self.stdout.write(f"{name}: {rate} of {counts['records']} (target {target:.0%}){flag}")
