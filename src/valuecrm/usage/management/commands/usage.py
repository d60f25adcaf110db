"""`valuecrm usage report|features|release|purge`."""

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.core.serializers.json import DjangoJSONEncoder

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.org.models import User
from valuecrm.usage import actions, queries
from valuecrm.usage.features import features


def _date(text):
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from None


def _user(username):
    found = (User.objects.filter(username=username) if username
             else User.objects.filter(is_superuser=True, is_active=True).order_by("pk"))
    user = found.first()
    if user is None:
        raise CommandError(f"No such user: {username}" if username else "No superuser; use --as")
    return user


def _pct(value):
    return "-" if value is None else f"{value:.0%}"


def _num(value):
    return "-" if value is None else f"{value:.2f}"


class Command(BaseCommand):
    help = "Usage analytics (DAU/WAU/MAU, adoption, ...), feature releases, retention purge."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        report = sub.add_parser("report", help="The usage report of a span.")
        report.add_argument("--from", dest="start", type=_date, required=True)
        report.add_argument("--to", dest="end", type=_date, required=True)
        report.add_argument("--org", type=int, help="Org unit id (its subtree).")
        report.add_argument("--threshold", type=float, default=queries.UNDERUSED_SHARE)
        report.add_argument("--as", dest="username", help="Within this user's scope.")
        report.add_argument("--format", choices=["table", "json"], default="table")
        sub.add_parser("features", help="Tracked features and their release dates.")
        release = sub.add_parser("release", help="Set a feature's release date.")
        release.add_argument("feature")
        release.add_argument("--date", type=_date, required=True)
        release.add_argument("--note", default="")
        purge = sub.add_parser("purge", help="Delete usage older than the retention.")
        purge.add_argument("--older-than", type=int, help="Days (default USAGE_RETENTION_DAYS)")

    def handle(self, *args, action, **options):
        try:
            if action == "report":
                return self._report(options)
            if action == "features":
                return self._features()
            if action == "release":
                release = actions.set_feature_release(
                    actor=_user(None), feature=options["feature"],
                    released_on=options["date"], note=options["note"])
                self.stdout.write(f"{release.feature} released on {release.released_on}")
                return None
            result = actions.purge_usage(older_than_days=options["older_than"])
            self.stdout.write(f"deleted {result['events']} events and {result['days']} "
                              f"active days before {result['cutoff']}")
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _features(self):
        from valuecrm.usage.models import FeatureRelease

        releases = dict(FeatureRelease.objects.values_list("feature", "released_on"))
        for f in features().values():
            self.stdout.write(f"{f.key}\t{f.label}\t{'useful' if f.useful else ''}\t"
                              f"{releases.get(f.key) or ''}")

    def _report(self, options):
        report = queries.usage_report(_user(options["username"]), options["start"],
                                      options["end"], options["org"], options["threshold"])
        if options["format"] == "json":
            self.stdout.write(json.dumps(report, cls=DjangoJSONEncoder, ensure_ascii=False,
                                         indent=2))
            return
        s = report["summary"]
        self.stdout.write(
            f"{s['from']}..{s['to']}: licensed {s['licensed_users']}, active "
            f"{s['active_users']}, DAU {_num(s['dau'])}, WAU {_num(s['wau'])}, MAU "
            f"{_num(s['mau'])}, stickiness {_pct(s['stickiness'])}, sessions/user "
            f"{_num(s['sessions_per_user'])}, events {s['events']}")
        self.stdout.write("\nactive share by team")
        for row in report["teams"]:
            self.stdout.write(f"  {row['name']}\t{row['active_users']}/{row['licensed_users']}"
                              f"\t{_pct(row['active_share'])}")
        self.stdout.write("\ntime to adopt")
        for row in report["time_to_adopt"]:
            self.stdout.write(f"  {row['feature']}\treleased {row['released_on']}\tadopted "
                              f"{_pct(row['adoption'])}\tmedian days "
                              f"{row['median_days_to_adopt'] if row['adopters'] else '-'}")
        self.stdout.write("\nuseful features under-used")
        for row in report["underused"]:
            self.stdout.write(f"  {row['name']}\t{row['feature']}\t{_pct(row['share'])} "
                              f"(all: {_pct(row['share_overall'])})")
