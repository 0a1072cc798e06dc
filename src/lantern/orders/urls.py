from django.urls import path

from lantern.orders import views

app_name = "orders"
urlpatterns = [path("<uuid:pk>/", views.order_detail, name="detail")]
