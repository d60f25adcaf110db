"""`valuecrm purge KIND ID --reason TEXT --as ADMIN`: delete a record from the recycle bin
permanently (with what was deleted with it), recorded in the purge audit."""

from django.core.management.base import BaseCommand, CommandError

from valuecrm.core.errors import DomainError, ValidationError
from valuecrm.crm.models import Contact, Customer, Lead
from valuecrm.org.models import User
from valuecrm.sales.models import Contract, Opportunity
from valuecrm.security.actions import purge_record

KINDS = {"lead": Lead, "customer": Customer, "contact": Contact, "opportunity": Opportunity,
         "contract": Contract}


class Command(BaseCommand):
    help = "Permanently delete a record that is in the recycle bin (administrators only)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("id", type=int)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--as", dest="username", required=True,
                            help="The administrator doing it, named in the audit.")

    def handle(self, *args, kind, id, reason, username, **options):  # noqa: A002
        actor = User.objects.filter(username=username).first()
        if actor is None:
            raise CommandError(f"No user named {username!r}.")
        try:
            purged = purge_record(actor=actor, model=KINDS[kind], pk=id, reason=reason)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        for row in purged:
            self.stdout.write(f"Deleted {row.model} {row.object_id} ({row.label}).")
