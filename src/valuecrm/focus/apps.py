from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FocusConfig(AppConfig):
    name = "valuecrm.focus"
    label = "focus"
    verbose_name = _("Focus list and saved views")
