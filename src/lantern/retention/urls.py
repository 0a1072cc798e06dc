from django.urls import path

from lantern.retention import views

app_name = "retention"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("reviews/<uuid:pk>/", views.review, name="review"),
    path("disposals/", views.disposals, name="disposals"),
]
