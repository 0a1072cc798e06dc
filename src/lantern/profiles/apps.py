from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "lantern.profiles"
    label = "profiles"
    verbose_name = "Problem and subject profiles"
