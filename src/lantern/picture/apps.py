from django.apps import AppConfig


class PictureConfig(AppConfig):
    name = "lantern.picture"
    label = "picture"
    verbose_name = "The area picture"
