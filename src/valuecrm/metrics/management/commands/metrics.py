"""`valuecrm metrics list|show|tree|funnel|target|rebuild-rollups`: the metric engine from
the command line."""

import csv
import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.metrics import queries
from valuecrm.metrics.catalog import CatalogError
from valuecrm.org.models import User

FORMATS = ("table", "json", "csv")


def _date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from None


class Command(BaseCommand):
    help = ("List metrics, show their values, explain a metric tree, run a funnel, set and "
            "report targets.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="The metric catalog.")
        listing.add_argument("--format", choices=FORMATS, default="table")
        show = sub.add_parser("show", help="Values of one metric.")
        show.add_argument("key")
        show.add_argument("--from", dest="start", type=_date, required=True)
        show.add_argument("--to", dest="end", type=_date, required=True)
        show.add_argument("--grain", choices=["day", "week", "month", "quarter", "year"])
        show.add_argument("--by", action="append", default=[], help="Dimension (repeatable)")
        show.add_argument("--filter", action="append", default=[], help="dimension:value")
        show.add_argument("--compare", choices=queries.COMPARE)
        show.add_argument("--format", choices=FORMATS, default="table")
        show.add_argument("--as", dest="username", help="Compute within this user's scope.")
        from valuecrm.metrics.cli import add_funnel_parser, add_tree_parser

        add_tree_parser(sub)
        add_funnel_parser(sub)
        sub.add_parser("rebuild-rollups", help=(
            "Refill the rollups from the raw tables in the current TIME_ZONE (after a "
            "change of TIME_ZONE; the triggers keep them exact otherwise)."))

    def handle(self, *args, action, **options):
        from valuecrm.metrics import cli

        try:
            if action == "list":
                return self._list(options["format"])
            if action == "show":
                return self._show(options)
            handler = {"tree": cli.run_tree, "funnel": cli.run_funnel,
                       "target": cli.run_target,
                       "rebuild-rollups": cli.run_rebuild_rollups}[action]
            return handler(self, options)
        except (CatalogError, ValueError) as exc:
            raise CommandError(str(exc)) from None
        except ValidationError as exc:
            raise CommandError("; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            ) if hasattr(exc, "error_dict") else " ".join(exc.messages)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _list(self, fmt):
        items = queries.list_metrics()
        if fmt == "json":
            self.stdout.write(json.dumps(items, ensure_ascii=False, indent=2))
            return
        columns = ["key", "kind", "unit", "category", "relation", "label"]
        rows = [[m["key"], m["kind"], m["unit"], m["category"], m["relation"],
                 f"{m['label']['zh']} / {m['label']['en']}"] for m in items]
        self.write_rows(columns, rows, fmt)

    def _show(self, options):
        user = acting_user(options.get("username"))
        filters = {}
        for item in options["filter"]:
            dim, _sep, value = item.partition(":")
            filters[dim] = int(value) if value.isdigit() else value
        result = queries.metric_values(
            user=user, key=options["key"], start=options["start"], end=options["end"],
            grain=options["grain"], by=[b for v in options["by"] for b in v.split(",")],
            filters=filters, compare=options["compare"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(queries.jsonable(result), ensure_ascii=False,
                                         indent=2))
            return
        by = result["by"]
        columns = ["period", *by, "value"]
        rows = [[r["period"], *(r["dims"][d]["label"] for d in by), _fmt(r["value"])]
                for r in result["rows"]]
        rows += [["total", *(r["dims"][d]["label"] for d in by), _fmt(r["value"])]
                 for r in result["totals"]]
        self.write_rows(columns, rows, options["format"])

    def write_rows(self, columns, rows, fmt):
        if fmt == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(columns)
            writer.writerows(rows)
            return
        widths = [max(len(str(x)) for x in [c, *(r[i] for r in rows)])
                  for i, c in enumerate(columns)]
        for row in [columns, *rows]:
            self.stdout.write("  ".join(str(x).ljust(w) for x, w in zip(row, widths,
                                                                         strict=True)))


def _fmt(value):
    if value is None:
        return ""
    return f"{float(value):,.4f}".rstrip("0").rstrip(".")


def acting_user(username):
    """The user whose data scope applies; without --as, the first active superuser."""
    if username:
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.")
        return user
    user = User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    if user is None:
        raise CommandError("No superuser to compute as: give --as USERNAME.")
    return user


