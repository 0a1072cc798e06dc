from django.urls import path

from lantern.intake import views_partner, views_public

urlpatterns = [
    path("report/", views_public.report_public, name="report_public"),
    path("report/safety/", views_public.report_safety, name="report_safety"),
    path("report/thanks/", views_public.report_receipt, name="report_receipt"),
    path("partner/", views_partner.portal, name="partner_portal"),
    path("partner/submissions/<uuid:pk>/", views_partner.submission_detail, name="partner_submission"),
    path("partner/alerts/", views_partner.alerts, name="partner_alerts"),
    path("partner/alerts.csv", views_partner.alerts_csv, name="partner_alerts_csv"),
    path("partner/safety/new/", views_partner.safety_new, name="partner_safety_new"),
]
