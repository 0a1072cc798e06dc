from django.urls import path

from lantern.orders.live import views

app_name = "live"
urlpatterns = [
    path("", views.feed_health_page, name="feeds"),
]
