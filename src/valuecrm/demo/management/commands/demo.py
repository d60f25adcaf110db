"""`valuecrm demo`: build the demo company into the configured database and serve it."""

import sys
import time
from datetime import date
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from valuecrm.demo import build, queries
from valuecrm.demo.models import DemoRun
from valuecrm.demo.params import DEMO_PASSWORD, SCALES

LOGINS = [("admin", gettext_lazy("administrator")),
          ("manager", gettext_lazy("team manager, 上海一组")),
          ("rep", gettext_lazy("sales rep in the manager's team")),
          ("analyst", gettext_lazy("ops analyst, read only"))]


class Command(BaseCommand):
    help = "Build the deterministic demo data set and serve ValueCRM on 127.0.0.1."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true",
                            help=_("Only build the data; do not start the web server."))
        parser.add_argument("--scale", choices=list(SCALES), default="small",
                            help=_("small (default, under a minute), medium (10x), large "
                                   "(1M leads, for PostgreSQL benchmarks); tiny is for tests."))
        parser.add_argument("--seed", type=int, default=8,
                            help=_("Same seed and anchor, same data (default 8)."))
        parser.add_argument("--anchor", type=date.fromisoformat,
                            help=_("The history ends the day before this date, YYYY-MM-DD "
                                   "(default: today)."))
        parser.add_argument("--port", type=int, default=8000,
                            help=_("Port on 127.0.0.1 to serve on (default 8000)."))
        parser.add_argument("--reset", action="store_true",
                            help=_("Delete the existing demo data and build it again."))

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        run = queries.current_run()
        if build.holds_other_data():
            raise CommandError(_(
                "This database already holds data that the demo did not create, so the demo "
                "will not write into it. Point VALUECRM_HOME or DATABASE_URL at an empty "
                "database."
            ))
        if run and not options["reset"]:
            self.stdout.write(_(
                "The database already has the demo data (scale %(scale)s, seed %(seed)s, "
                "anchored at %(anchor)s); nothing was added. Use --reset to build it again."
            ) % {"scale": run.scale, "seed": run.seed, "anchor": run.anchor_date})
        else:
            run = self._build(options, reset=run is not None)
        self._print_logins()
        if not options["no_serve"]:
            self.stdout.write(_("Serving on http://127.0.0.1:%(port)s/ (Ctrl+C stops).")
                              % {"port": options["port"]})
            # Whitenoise serves from the finders here, but warns when STATIC_ROOT is missing.
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
            call_command("runserver", f"127.0.0.1:{options['port']}", use_reloader=False)

    def _build(self, options, *, reset: bool) -> DemoRun:
        scale, anchor = options["scale"], options["anchor"] or timezone.localdate()
        if reset:
            self.stdout.write(_("The existing demo data will be replaced."))
        self.stdout.write(_("Building the %(scale)s demo (seed %(seed)s, history up to "
                            "%(anchor)s) into %(db)s…") % {
            "scale": scale, "seed": options["seed"], "anchor": anchor,
            "db": connection.settings_dict["NAME"]})
        started = time.monotonic()
        with tqdm(total=SCALES[scale].leads, unit=_(" leads"), file=sys.stderr,
                  disable=not sys.stderr.isatty()) as bar:
            run = build.build_demo(seed=options["seed"], scale=scale, anchor=anchor,
                                   reset=reset, progress=bar.update)
        self.stdout.write(_("Built in %(seconds).1f s (digest %(digest)s):") % {
            "seconds": time.monotonic() - started, "digest": run.digest[:12] or "-"})
        for label, count in run.counts.items():
            self.stdout.write(f"  {label:<32} {count:>10,}")
        self._print_effects(run)
        return run

    def _print_effects(self, run: DemoRun) -> None:
        effects = queries.measure_effects(run)
        before_after = _("  %(what)s: %(before)s before go-live, %(after)s after")
        self.stdout.write(_("Go-live on %(date)s. Built-in effects:") % {
            "date": run.go_live_date})
        for what, (before, after) in [
            (_("median hours to first contact"), effects.first_contact_hours),
            (_("median days in a stage"), effects.stage_days),
            (_("calls logged per rep per week"), effects.calls_per_rep_week),
            (_("share of leads converted"), effects.lead_conversion),
            (_("win rate of closed opportunities"), effects.win_rate),
        ]:
            self.stdout.write(before_after % {"what": what, "before": before, "after": after})
        rates = ", ".join(f"{name} {rate:.0%}"
                          for name, rate in effects.conversion_by_channel.items())
        self.stdout.write(_("  lead conversion by channel: %(rates)s") % {"rates": rates})
        self.stdout.write(_("  overdue payment plans: %(count)s, %(amount)s CNY owed") % {
            "count": effects.overdue_plans, "amount": f"{effects.overdue_amount:,.2f}"})
        self._print_delivery_effects(run, before_after)

    def _print_delivery_effects(self, run: DemoRun, before_after: str) -> None:
        effects = queries.measure_delivery_effects(run)
        for what, (before, after) in [
            (_("median days from order to sign-off"), effects.lead_time_days),
            (_("share of orders signed off on time"), effects.on_time_rate),
            (_("share of purchase orders delivered on time"), effects.supplier_on_time),
        ]:
            self.stdout.write(before_after % {"what": what, "before": before, "after": after})
        stages = ", ".join(f"{code} {days}" for code, days in effects.median_stage_days.items())
        self.stdout.write(_("  median days per order stage: %(stages)s") % {"stages": stages})
        late = ", ".join(f"{n} {rate:.0%}" for n, rate in effects.late_rate_by_changes.items())
        self.stdout.write(_("  late orders by number of changes: %(rates)s") % {"rates": late})
        fill = ", ".join(f"{code} {rate:.0%}"
                         for code, rate in effects.tracking_fill_by_supplier.items())
        self.stdout.write(_("  tracking numbers filled in by supplier: %(rates)s") % {
            "rates": fill})

    def _print_logins(self) -> None:
        self.stdout.write(_("Demo logins (password: %(password)s):") % {
            "password": DEMO_PASSWORD})
        for username, role in LOGINS:
            self.stdout.write(f"  {username:<8} {role}")
