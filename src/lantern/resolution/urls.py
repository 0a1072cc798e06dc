from django.urls import path

from lantern.resolution import views

app_name = "resolution"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("clusters/<uuid:pk>/", views.cluster_detail, name="cluster"),
    path("proposals/", views.proposals, name="proposals"),
]
