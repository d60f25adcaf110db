"""Whose identity a command-line import or export acts as."""

from django.core.management.base import CommandError
from django.db.models import Q

from valuecrm.org.models import Role, User


def command_actor(username: str | None) -> User:
    """`--as USERNAME`, or else the first active administrator (lowest id): the person who
    installed the system usually runs its command line. Scope and rights then apply exactly
    as for that user in the app."""
    users = User.objects.filter(is_active=True).select_related("unit")
    if username:
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No active user named {username!r}.", returncode=2)
        return user
    admin = users.filter(Q(role=Role.ADMIN) | Q(is_superuser=True)).order_by("pk").first()
    if admin is None:
        raise CommandError("No active administrator: name a user with --as USERNAME.",
                           returncode=2)
    return admin
