"""Helpers for commands that act as a user (`--as USERNAME`)."""

from django.core.management.base import CommandError

from valuecrm.org.models import User


def add_as_argument(parser) -> None:
    parser.add_argument("--as", dest="username", required=True, metavar="USERNAME",
                        help="Act as this user, within their data scope.")


def user_named(username: str) -> User:
    try:
        return User.objects.get(username=username, is_active=True)
    except User.DoesNotExist:
        raise CommandError(f"No active user named {username!r}.") from None
