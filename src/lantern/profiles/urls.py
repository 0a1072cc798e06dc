from django.urls import path

from lantern.profiles import views, views_subject

app_name = "profiles"
urlpatterns = [
    path("", views.problems, name="problems"),
    path("<uuid:pk>/", views.problem, name="problem"),
    path("<uuid:pk>/pdf", views.problem_pdf, name="problem_pdf"),
    path("<uuid:pk>/html", views.problem_html, name="problem_html"),
    path("subjects/<uuid:pk>/", views_subject.subject_page, name="subject"),
    path("subjects/<uuid:pk>/pdf", views_subject.subject_pdf, name="subject_pdf"),
]
