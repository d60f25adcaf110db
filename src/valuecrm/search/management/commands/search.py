"""`valuecrm search Q --as USER`: the global search from the command line."""

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import ValidationError
from valuecrm.org.cli import add_as_argument, user_named
from valuecrm.search.queries import SEARCHABLE, search_records


class Command(BaseCommand):
    help = "Search leads, customers, contacts and opportunities as USER sees them."

    def add_arguments(self, parser):
        parser.add_argument("query")
        add_as_argument(parser)
        parser.add_argument("--kind", action="append", choices=list(SEARCHABLE),
                            help="Only this kind (repeatable).")
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args, query, username, kind, limit, **options):
        try:
            groups = search_records(actor=user_named(username), query=query, kinds=kind,
                                    limit=limit)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for group in groups:
            more = " (more…)" if group.has_more else ""
            self.stdout.write(f"{group.label}: {len(group.hits)}{more}")
            for hit in group.hits:
                extra = "\t".join(x for x in (hit.subtitle, hit.phone, hit.email) if x)
                self.stdout.write(f"  {hit.kind} {hit.id}\t{hit.title}\t{extra}".rstrip())
