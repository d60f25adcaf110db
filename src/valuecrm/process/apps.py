from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcessConfig(AppConfig):
    name = "valuecrm.process"
    label = "process"
    verbose_name = _("Process analysis")

    def ready(self):
        # The system's own event logs register themselves by name (see sources.py).
        from valuecrm.process import sources

        sources.register_builtin_sources()
