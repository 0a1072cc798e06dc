from django.urls import path

from lantern.governance import views

app_name = "governance"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path("records/<uuid:pk>/", views.record_history, name="record"),
    path("subject-access/<uuid:pk>/", views.subject_access, name="subject_access"),
    path("restrict/<uuid:pk>/", views.restrict_record, name="restrict"),
]
