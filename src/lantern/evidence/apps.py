from django.apps import AppConfig


class EvidenceConfig(AppConfig):
    name = "lantern.evidence"
    label = "evidence"
