from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApprovalsConfig(AppConfig):
    name = "valuecrm.approvals"
    label = "approvals"
    verbose_name = _("Approvals")

    def ready(self):
        # Approval steps are analysable like any event log (valuecrm process analyze
        # --source approvals); registration is configuration, not domain flow.
        from valuecrm.approvals.queries import approval_event_log
        from valuecrm.process.sources import register_source

        register_source("approvals", _("Approval steps"), approval_event_log)
