"""Safeguarding URLs: tasks at the app's root (the navigation's link), referrals below."""

from django.urls import path

from lantern.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.tasks, name="tasks"),
    path("tasks/new/", views.task_new, name="task_new"),
    path("tasks/<uuid:pk>/", views.task_detail, name="task"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral"),
]
