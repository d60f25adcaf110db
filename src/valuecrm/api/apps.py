from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "valuecrm.api"
    label = "api"
