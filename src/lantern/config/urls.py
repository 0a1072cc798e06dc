from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from lantern.governance import account_views
from lantern.intake.api import api

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/two-factor/", account_views.second_factor, name="two_factor"),
    path("accounts/security/", account_views.account_security, name="account_security"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("orders/feeds/", include("lantern.orders.live.urls")),
    path("orders/", include("lantern.orders.urls")),
    path("resolution/", include("lantern.resolution.urls")),
    path("charts/", include("lantern.resolution.chart_urls")),
    path("risk/", include("lantern.risk.urls")),
    path("audit/", include("lantern.governance.urls")),
    path("retention/", include("lantern.retention.urls")),
    path("safeguarding/", include("lantern.safeguarding.urls")),
    path("context/", include("lantern.context.urls")),
    path("picture/", include("lantern.picture.urls")),
    path("profiles/", include("lantern.profiles.urls")),
    path("jobs/", include("lantern.jobs.urls")),
    path("", include("lantern.intake.urls")),
    path("", include("lantern.intel.urls")),
    path("", include("lantern.web.urls")),
]
