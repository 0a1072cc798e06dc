"""The analysts' triage queue and the officer and analyst intelligence log."""

from django.urls import path

from lantern.intake import views_log, views_triage

urlpatterns: list = [
    path("triage/", views_triage.triage_queue, name="triage_queue"),
    path("triage/export.csv", views_triage.triage_export, name="triage_export"),
    path("triage/<uuid:pk>/", views_triage.triage_detail, name="triage_detail"),
    path("log/new/", views_log.log_new, name="log_new"),
    path("log/entities/", views_log.log_entities, name="log_entities"),
]
