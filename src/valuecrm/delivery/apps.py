from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeliveryConfig(AppConfig):
    name = "valuecrm.delivery"
    label = "delivery"
    verbose_name = _("Delivery")

    def ready(self):
        # The order stage log is analysable like any event log (valuecrm process analyze
        # --source orders); registration is configuration, not domain flow.
        from valuecrm.delivery.queries import order_event_log, order_stage_targets
        from valuecrm.process.sources import register_source

        register_source("orders", _("Order stages"), order_event_log,
                        stage_targets=order_stage_targets)
