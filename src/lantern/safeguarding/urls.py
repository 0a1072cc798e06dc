from django.urls import path

from lantern.safeguarding import views

app_name = "safeguarding"
urlpatterns = [
    path("", views.tasks, name="tasks"),
]
