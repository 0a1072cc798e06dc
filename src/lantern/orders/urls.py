from django.urls import path

from lantern.orders import views, views_live

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("<uuid:pk>/", views.order_detail, name="detail"),
    path("<uuid:pk>/vary/", views.order_vary_view, name="vary"),
    path("<uuid:pk>/discharge/", views.order_discharge_view, name="discharge"),
    path("<uuid:pk>/documents/new/", views.document_new, name="document_new"),
    path("documents/<uuid:pk>/", views.document_download, name="document"),
    path("alerts/", views.alert_queue, name="alerts"),
    path("alerts.csv", views.alert_queue_csv, name="alerts_csv"),
    path("alerts/live/", views_live.live_queue, name="alerts_live"),
    path("alerts/live/changes/", views_live.live_queue_changes, name="alerts_live_changes"),
    path("alerts/<uuid:pk>/", views.alert_detail, name="alert"),
    path("alerts/<uuid:pk>/pack/", views.alert_pack, name="alert_pack"),
    path("alerts/<uuid:pk>/evidence.csv", views.alert_evidence_csv, name="alert_evidence_csv"),
    path("screening/", views.screening_runs, name="screening"),
]
