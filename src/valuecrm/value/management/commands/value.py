"""`valuecrm value requirements|initiatives|cycles [--as USER] [--format table|json]` and
`valuecrm value add-requirement TITLE --kind K [--metric KEY] ...`."""

import json

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.metrics.management.commands.metrics import acting_user
from valuecrm.metrics.queries import jsonable
from valuecrm.value import actions, queries
from valuecrm.value.models import Requirement


class Command(BaseCommand):
    help = "The requirement backlog, initiatives with their measured effect, operations cycles."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("requirements", "initiatives", "cycles"):
            listing = sub.add_parser(name)
            listing.add_argument("--as", dest="username")
            listing.add_argument("--format", choices=("table", "json"), default="table")
        add = sub.add_parser("add-requirement")
        add.add_argument("title")
        add.add_argument("--kind", choices=Requirement.Kind.values, required=True)
        add.add_argument("--kano", choices=Requirement.Kano.values, default="performance")
        add.add_argument("--metric", dest="metric_key", default="")
        add.add_argument("--business-goal", default="")
        add.add_argument("--urgent", action="store_true")
        add.add_argument("--important", action="store_true")
        add.add_argument("--as", dest="username")

    def handle(self, *args, action, **options):
        user = acting_user(options.get("username"))
        try:
            if action == "add-requirement":
                req = actions.create_requirement(
                    actor=user, title=options["title"], kind=options["kind"],
                    kano=options["kano"], metric_key=options["metric_key"],
                    business_goal=options["business_goal"], urgent=options["urgent"],
                    important=options["important"])
                self.stdout.write(f"requirement {req.pk}: {req.title}")
                return
            rows = {"requirements": self._requirements, "initiatives": self._initiatives,
                    "cycles": lambda u: queries.cycle_list(actor=u)}[action](user)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in
                                         exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(jsonable(rows), ensure_ascii=False, indent=2,
                                         default=str))
            return
        for row in rows:
            self.stdout.write("  ".join(str(v) for k, v in row.items()
                                        if not isinstance(v, list | dict)))

    def _requirements(self, user):
        return [{"id": i["requirement"].pk, "alignment": i["alignment"], "link": i["link"],
                 "quadrant": i["quadrant"], "no_business_goal": i["no_business_goal"],
                 "title": i["requirement"].title, "metric": i["requirement"].metric_key}
                for i in queries.requirement_backlog(actor=user)]

    def _initiatives(self, user):
        return queries.initiative_results(actor=user)
