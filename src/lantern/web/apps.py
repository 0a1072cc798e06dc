from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lantern.web"
    label = "web"
