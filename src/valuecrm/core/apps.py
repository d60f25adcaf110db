from django.apps import AppConfig
from django.core.management import call_command
from django.db.models.signals import post_migrate


def _create_cache_table(using, **kwargs) -> None:
    # With a database cache (DATABASE_URL without REDIS_URL) every `migrate` also makes
    # its table, so no deployment can forget `createcachetable`; it skips existing tables.
    call_command("createcachetable", database=using, verbosity=0)


class CoreConfig(AppConfig):
    name = "valuecrm.core"
    label = "core"

    def ready(self):
        post_migrate.connect(_create_cache_table, sender=self,
                             dispatch_uid="valuecrm.core.create_cache_table")
