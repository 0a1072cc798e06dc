from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "lantern.governance"
    label = "governance"
    verbose_name = "Governance"

    def ready(self) -> None:
        from lantern.governance import signals  # noqa: F401 - connects the sign-in receivers
