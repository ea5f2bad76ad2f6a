from django.urls import path

from spro.www.orientations import views

app_name = "orientations"

urlpatterns = [
    path("", views.received, name="received"),
    path("envoyees/", views.sent, name="sent"),
    path("nouvelle/", views.new, name="new"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:name>/", views.transition, name="transition"),
    path("demandes-de-contact/", views.contact_requests, name="contact_requests"),
    path("demandes-de-contact/<int:pk>/", views.contact_request, name="contact_request"),
    path(
        "demandes-de-contact/<int:pk>/<slug:name>/",
        views.contact_request_transition,
        name="contact_request_transition",
    ),
]
