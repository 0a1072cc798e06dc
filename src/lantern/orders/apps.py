from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "lantern.orders"
    label = "orders"
