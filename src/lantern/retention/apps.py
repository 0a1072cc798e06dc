from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "lantern.retention"
    label = "retention"

    def ready(self) -> None:
        from lantern.retention import signals

        signals.connect()
