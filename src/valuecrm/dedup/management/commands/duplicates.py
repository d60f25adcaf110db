"""`valuecrm duplicates check|groups|merge --as USER`: duplicate check and merge."""

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.dedup import merge
from valuecrm.dedup.duplicates import GROUP_KEYS, KINDS, duplicate_groups, find_duplicates
from valuecrm.org.cli import add_as_argument, user_named


def _choice(text: str) -> tuple[str, int]:
    name, _, pk = text.partition("=")
    if not name or not pk.isdigit():
        raise CommandError(f"--keep takes FIELD=ID, not {text!r}.")
    return name, int(pk)


class Command(BaseCommand):
    help = "Find duplicates of given values, list duplicate groups, or merge records."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        check = sub.add_parser("check", help="Records that these values may duplicate.")
        check.add_argument("--kind", choices=list(KINDS), default="lead")
        for name in ("phone", "email", "company"):
            check.add_argument(f"--{name}", default="")
        groups = sub.add_parser("groups", help="Existing records sharing a normalised key.")
        groups.add_argument("--kind", choices=list(KINDS), default="customer")
        groups.add_argument("--by", choices=["phone", "email", "company"], default="phone")
        groups.add_argument("--limit", type=int, default=50)
        merging = sub.add_parser("merge", help="Merge records into the first one given.")
        merging.add_argument("kind", choices=["customers", "leads"])
        merging.add_argument("survivor", type=int)
        merging.add_argument("merged", type=int, nargs="+")
        merging.add_argument("--keep", action="append", default=[], metavar="FIELD=ID",
                             help="Take FIELD's value from record ID (repeatable).")
        for parser_ in (check, groups, merging):
            add_as_argument(parser_)

    def handle(self, *args, action, username, **options):
        actor = user_named(username)
        try:
            getattr(self, f"_{action}")(actor, options)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        except DomainError as exc:
            raise CommandError(exc.message) from None

    def _check(self, actor, options):
        values = {k: options[k] for k in ("phone", "email", "company")}
        candidates = find_duplicates(actor=actor, kind=options["kind"], values=values)
        for c in candidates:
            matched = ", ".join(f"{m.field} {m.strength:.2f}" for m in c.matches)
            who = (f"{c.kind} {c.id}\t{c.name}\towner {c.owner or '-'}" if c.visible
                   else f"{c.kind} (not yours)\tteam {c.owner_team or '-'}")
            pool = "\tin the public pool" if c.in_pool else ""
            self.stdout.write(f"{who}\t{matched}{pool}")
        self.stdout.write(f"{len(candidates)} possible duplicates")

    def _groups(self, actor, options):
        if options["by"] not in GROUP_KEYS[options["kind"]]:
            raise CommandError(f"{options['kind']} cannot be grouped by {options['by']}.")
        total, groups = duplicate_groups(actor=actor, kind=options["kind"], by=options["by"],
                                         limit=options["limit"])
        for group in groups:
            ids = ", ".join(str(m["id"]) for m in group.members)
            self.stdout.write(f"{group.key}\t{group.count}\t{ids}")
        self.stdout.write(f"{total} duplicate groups")

    def _merge(self, actor, options):
        choices = dict(_choice(text) for text in options["keep"])
        act = merge.merge_customers if options["kind"] == "customers" else merge.merge_leads
        survivor = act(actor=actor, survivor_id=options["survivor"],
                       merged_ids=options["merged"], field_choices=choices)
        self.stdout.write(f"Merged {len(options['merged'])} into {survivor.pk} {survivor}.")
