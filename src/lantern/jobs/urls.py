from django.urls import path

from lantern.jobs import views

app_name = "jobs"

urlpatterns = [
    path("", views.job_list, name="list"),
    path("new/<slug:kind>/", views.job_new, name="new"),
    path("<uuid:pk>/", views.job_detail, name="detail"),
    path("<uuid:pk>/cancel/", views.job_cancel_view, name="cancel"),
    path("<uuid:pk>/resume/", views.job_resume_view, name="resume"),
    path("<uuid:pk>/download/", views.job_download, name="download"),
]
