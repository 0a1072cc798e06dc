from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "lantern.safeguarding"
    label = "safeguarding"
