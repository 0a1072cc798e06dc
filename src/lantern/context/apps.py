from django.apps import AppConfig


class ContextConfig(AppConfig):
    name = "lantern.context"
    label = "context"
    verbose_name = "Open context data"
