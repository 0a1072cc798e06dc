from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "lantern.orders.live"
    label = "live"
    verbose_name = "Live alerts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lantern.orders.live import signals

        signals.connect()
