from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "lantern.intake"
    label = "intake"
    verbose_name = "Intake: reports, partners and bulk imports"
