from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "valuecrm.web"
    label = "web"
