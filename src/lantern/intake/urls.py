"""Intake pages: each area keeps its own URL module so they can grow apart."""

from django.urls import include, path

app_name = "intake"
urlpatterns = [
    path("", include("lantern.intake.urls_public")),
    path("", include("lantern.intake.urls_triage")),
    path("", include("lantern.intake.urls_bulk")),
]
