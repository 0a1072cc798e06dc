from django.urls import path

from lantern.resolution import views

app_name = "charts"
urlpatterns = [
    path("", views.chart_page, name="page"),
    path("data.json", views.chart_data, name="data"),
    path("chart.anx", views.chart_export, {"fmt": "anx"}, name="export_anx"),
    path("chart.graphml", views.chart_export, {"fmt": "graphml"}, name="export_graphml"),
    path("chart.csv", views.chart_export, {"fmt": "csv"}, name="export_csv"),
    path("<uuid:pk>/", views.chart_saved, name="saved"),
]
