from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MetricsConfig(AppConfig):
    name = "valuecrm.metrics"
    label = "metrics"
    verbose_name = _("Metrics")

    def ready(self):
        from django.db.backends.signals import connection_created

        from valuecrm.metrics.sql import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="metrics-sqlite")
