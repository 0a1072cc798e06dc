from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "lantern.retention"
    label = "retention"
