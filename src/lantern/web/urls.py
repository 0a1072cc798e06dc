from django.urls import path

from lantern.web import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("about/", views.about, name="about"),
    path("healthz", views.health, name="health"),
    path("readyz", views.ready, name="ready"),
]
