from django.urls import path

from lantern.risk import views

app_name = "risk"
urlpatterns = [
    path("priorities/", views.priorities, name="priorities"),
    path("premises/", views.premises, name="premises"),
    path("people/", views.people, name="people"),
    path("hotspots/", views.hotspots, name="hotspots"),
    path("model/", views.model, name="model"),
    path("model/new/", views.model_new, name="model_new"),
    path("subjects/<uuid:pk>/chronology.csv", views.chronology_csv, name="chronology"),
]
