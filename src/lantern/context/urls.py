from django.urls import path

from lantern.context import views

app_name = "context"
urlpatterns = [
    path("crime/", views.crimes, name="crimes"),
    path("crime/imports/<uuid:pk>/quarantine/", views.quarantine, name="quarantine"),
]
