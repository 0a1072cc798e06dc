from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "lantern.jobs"
    label = "jobs"
    verbose_name = "Long jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from lantern.jobs import kinds  # noqa: F401  (registers every kind of job)
