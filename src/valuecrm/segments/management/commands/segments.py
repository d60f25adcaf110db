"""`valuecrm segments list|count|apply-rules|tag`."""

import json

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.org.models import User
from valuecrm.segments import actions, queries
from valuecrm.segments.models import Segment


def _user(username):
    user = User.objects.filter(username=username).first() if username else \
        User.objects.filter(is_superuser=True).order_by("pk").first()
    if user is None:
        raise CommandError(f"No such user: {username}")
    return user


class Command(BaseCommand):
    help = "Segments (live counts within a person's scope) and scheduled tag rules."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        for name in ("list", "count"):
            p = sub.add_parser(name, help=f"{name.title()} segments (counts in --as scope).")
            p.add_argument("--as", dest="username")
            if name == "count":
                p.add_argument("segment", help="segment id or name")
        create = sub.add_parser("create", help="Save a segment from a JSON definition.")
        create.add_argument("name")
        create.add_argument("definition", help='e.g. {"inactive_days": 60}')
        create.add_argument("--as", dest="username")
        sub.add_parser("apply-rules", help="Run every active tag rule now (also scheduled).")

    def handle(self, *args, action, **options):
        try:
            getattr(self, "_" + action.replace("-", "_"))(options)
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}"
                                         for k, v in exc.message_dict.items())) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _list(self, options):
        user = _user(options["username"])
        for segment in Segment.objects.visible_to(user):
            counts = queries.segment_counts(user, segment)
            self.stdout.write(f"{segment.pk}\t{segment.name}\t{counts['customers']} customers"
                              f"\t{counts['contacts']} contacts")

    def _count(self, options):
        user = _user(options["username"])
        key = options["segment"]
        segment = Segment.objects.visible_to(user).filter(
            **({"pk": int(key)} if key.isdigit() else {"name": key})).first()
        if segment is None:
            raise CommandError(f"No such segment: {key}")
        self.stdout.write(json.dumps(queries.segment_counts(user, segment)))

    def _create(self, options):
        try:
            definition = json.loads(options["definition"])
        except json.JSONDecodeError as exc:
            raise CommandError(f"definition: {exc}") from None
        segment = actions.create_segment(actor=_user(options["username"]),
                                         name=options["name"], definition=definition)
        self.stdout.write(f"segment {segment.pk} saved")

    def _apply_rules(self, options):
        for name, result in actions.apply_tag_rules().items():
            self.stdout.write(f"{name}\t+{result['added']}\t-{result['removed']}")
