from django.urls import path

from lantern.intel import views

app_name = "intel"
urlpatterns = [
    path("search/", views.search, name="search"),
    path("people/<uuid:pk>/", views.entity_detail, {"kind": "person"}, name="person"),
    path("vehicles/<uuid:pk>/", views.entity_detail, {"kind": "vehicle"}, name="vehicle"),
    path("phones/<uuid:pk>/", views.entity_detail, {"kind": "phone"}, name="phone"),
    path("identities/<uuid:pk>/", views.entity_detail, {"kind": "identity"}, name="identity"),
    path("locations/<uuid:pk>/", views.entity_detail, {"kind": "location"}, name="location"),
    path("events/<uuid:pk>/", views.event_detail, name="event"),
]
