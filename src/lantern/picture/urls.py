from django.urls import path

from lantern.picture import views

app_name = "picture"
urlpatterns = [
    path("map/", views.area_map, name="map"),
    path("areas/", views.areas, name="areas"),
    path("areas/new/", views.area_new, name="area_new"),
]
