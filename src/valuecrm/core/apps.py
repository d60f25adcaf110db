from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "valuecrm.core"
    label = "core"
