"""`valuecrm process analyze FILE|--source NAME` and `valuecrm process sources`."""

import json

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.dataio.readers import UnreadableFile, open_path
from valuecrm.process import queries
from valuecrm.process.readers import Columns
from valuecrm.process.render import render


class Command(BaseCommand):
    help = "Process analysis of an event log file (CSV or XES) or of the system's own logs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("sources", help="The system's event logs that can be analysed.")
        analyze = sub.add_parser("analyze", help="Variants, durations, bottlenecks, rework.")
        analyze.add_argument("file", nargs="?", help="CSV, XES or XES.GZ file")
        analyze.add_argument("--source", help="A system log instead of a file (see sources)")
        analyze.add_argument("--as", dest="username", help="Whose data scope (--source)")
        analyze.add_argument("--case", help="Case id column (XES: trace attribute)")
        analyze.add_argument("--activity", help="Activity column")
        analyze.add_argument("--timestamp", help="Timestamp column")
        analyze.add_argument("--resource", help="Resource column (optional)")
        analyze.add_argument("--lifecycle", help="Lifecycle column: only 'complete' counts")
        analyze.add_argument("--target", help="Lead-time target, e.g. 7d or 36h")
        analyze.add_argument("--stage-target", action="append", default=[],
                             metavar="STAGE=DURATION",
                             help="Target time in a stage, e.g. procurement=3d (repeatable; "
                                  "--source orders uses the stages' target days)")
        analyze.add_argument("--compare-before", help="Compare cases started before/after "
                                                      "this date (YYYY-MM-DD)")
        analyze.add_argument("--compare-attribute", help="Compare two values of this case "
                                                         "attribute")
        analyze.add_argument("--compare-values", nargs=2, metavar=("A", "B"))
        analyze.add_argument("--risk", action="append", default=[],
                             help="Relate lead time to this case attribute (repeatable; "
                                  "also 'events', 'rework')")
        analyze.add_argument("--top", type=int, default=20, help="Rows per list (default 20)")
        analyze.add_argument("--format", choices=["table", "json"], default="table")

    def handle(self, *args, action, **options):
        try:
            if action == "sources":
                for source in queries.list_sources():
                    self.stdout.write(f"{source['name']}\t{source['label']}")
                return
            result = self._analyze(options)
        except ValidationError as exc:
            raise CommandError("; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
            ) if hasattr(exc, "error_dict") else " ".join(exc.messages)) from None
        except (DomainError, UnreadableFile) as exc:
            raise CommandError(str(exc)) from None
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render(result, top=options["top"]))

    def _analyze(self, options):
        analysis = queries.build_options(
            target=options["target"], compare_before=options["compare_before"],
            compare_attribute=options["compare_attribute"],
            compare_values=options["compare_values"], risk=options["risk"],
            top=options["top"], stage_targets=options["stage_target"])
        if options["source"]:
            if options["file"]:
                raise CommandError("Give a file or --source, not both.")
            from valuecrm.metrics.management.commands.metrics import acting_user

            return queries.analyze_source(options["source"], acting_user(options["username"]),
                                          analysis)
        if not options["file"]:
            raise CommandError("Give an event log file or --source NAME.")
        columns = Columns(case=options["case"], activity=options["activity"],
                          timestamp=options["timestamp"], resource=options["resource"],
                          lifecycle=options["lifecycle"])
        stream, size = open_path(options["file"])
        with stream:
            return queries.analyze_file(stream, columns, analysis, name=options["file"],
                                        size=size)
