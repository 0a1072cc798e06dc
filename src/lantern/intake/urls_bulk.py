from django.urls import path

from lantern.intake import views_bulk

urlpatterns = [
    path("imports/", views_bulk.imports_list, name="imports"),
    path("imports/new/", views_bulk.import_new, name="import_new"),
    path("imports/map/", views_bulk.import_map, name="import_map"),
    path("imports/<uuid:pk>/", views_bulk.import_detail, name="import_detail"),
    path("imports/<uuid:pk>/quarantine.csv", views_bulk.import_quarantine_csv, name="import_quarantine"),
]
