"""`valuecrm token create|list|revoke`: API tokens from the command line."""

from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from valuecrm.core.errors import DomainError
from valuecrm.org import actions
from valuecrm.org.models import ApiToken, User


class Command(BaseCommand):
    help = "Create, list or revoke API tokens."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="Print a new token for USERNAME on its own line.")
        create.add_argument("username")
        create.add_argument("--name", default="cli")
        create.add_argument("--days", type=int, help="Expire after this many days.")
        create.add_argument("--read-only", action="store_true",
                            help="The token can read and export but never change anything.")
        listing = sub.add_parser("list", help="List a user's tokens (never the tokens).")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="Revoke a token by its id.")
        revoke.add_argument("token_id", type=int)

    def handle(self, *args, action, **options):
        if action == "revoke":
            record = ApiToken.objects.filter(pk=options["token_id"]).first()
            if record is None or record.revoked_at:
                raise CommandError(f"No active token with id {options['token_id']}.")
            actions.revoke_api_token(actor=record.user, token_id=record.pk)
            self.stdout.write(f"Revoked token {record.pk} ({record.hint}…).")
            return
        try:
            user = User.objects.get(username=options["username"])
        except User.DoesNotExist:
            raise CommandError(f"No user named {options['username']!r}.") from None
        if action == "list":
            for record in user.api_tokens.order_by("created_at"):
                state = "revoked" if record.revoked_at else "active"
                self.stdout.write(f"{record.pk}\t{record.hint}…\t{record.name}\t{state}\t"
                                  f"{record.scope}\texpires {record.expires_at or 'never'}")
            return
        expires = timezone.now() + timedelta(days=options["days"]) if options["days"] else None
        try:
            _record, key = actions.create_api_token(
                actor=None, user=user, name=options["name"], expires_at=expires,
                scope=ApiToken.Scope.READ if options["read_only"] else ApiToken.Scope.WRITE,
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(key)
