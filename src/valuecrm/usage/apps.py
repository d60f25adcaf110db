import atexit

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UsageConfig(AppConfig):
    name = "valuecrm.usage"
    label = "usage"
    verbose_name = _("Usage")

    def ready(self):
        from valuecrm.usage import buffer

        # Events still buffered when a process ends normally (a web worker restarting, a
        # command finishing) are written then, so a normal shutdown loses none.
        atexit.register(buffer.flush)
