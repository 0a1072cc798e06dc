from django.urls import path

from lantern.risk import views

app_name = "risk"
urlpatterns = [
    path("priorities/", views.priorities, name="priorities"),
    path("premises/", views.premises, name="premises"),
    path("hotspots/", views.hotspots, name="hotspots"),
]
