"""`valuecrm report value --baseline A..B --current C..D [--org ID] [--as USER]
--format html|xlsx|json -o FILE`: the value report as a file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.metrics.management.commands.metrics import acting_user
from valuecrm.value.cli import parse_range, report_inputs
from valuecrm.value.outputs import FORMATS, render_html, render_json, render_xlsx
from valuecrm.value.report import value_report


class Command(BaseCommand):
    help = "Reports as files. `report value`: what the system changed, with traceable numbers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="report", required=True)
        value = sub.add_parser("value", help="The before/after value report.")
        value.add_argument("--baseline", required=True, help="YYYY-MM-DD..YYYY-MM-DD")
        value.add_argument("--current", required=True, help="YYYY-MM-DD..YYYY-MM-DD")
        value.add_argument("--org", type=int, help="Org unit id (its whole subtree)")
        value.add_argument("--initiative", type=int, action="append", default=[],
                           help="Initiative id (repeatable)")
        value.add_argument("--cycle", type=int, help="Operations cycle id")
        value.add_argument("--as", dest="username", help="Within this user's data scope")
        value.add_argument("--format", choices=FORMATS, default="html")
        value.add_argument("--lang", choices=("zh", "en"), default="zh",
                           help="Language of the HTML file (JSON and XLSX carry both)")
        value.add_argument("-o", "--output", required=True, help="File to write")

    def handle(self, *args, **options):
        try:
            user = acting_user(options["username"])
            report = value_report(
                actor=user, baseline=parse_range(options["baseline"], "baseline"),
                current=parse_range(options["current"], "current"),
                **report_inputs(user, org=options["org"], initiatives=options["initiative"],
                                cycle=options["cycle"]))
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in
                                         exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None
        path = Path(options["output"])
        if options["format"] == "xlsx":
            path.write_bytes(render_xlsx(report))
        else:
            with translation.override("zh-hans" if options["lang"] == "zh" else "en"):
                text = (render_json(report) if options["format"] == "json"
                        else render_html(report, options["lang"]))
            path.write_text(text, encoding="utf-8")
        self.stdout.write(f"{path} ({options['format']}, {len(report.rows())} metrics)")
