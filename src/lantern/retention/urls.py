from django.urls import path

from lantern.retention import views

app_name = "retention"
urlpatterns = [path("", views.queue, name="queue")]
