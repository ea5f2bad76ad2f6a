from django.urls import path

from spro.www.agenda import views

app_name = "agenda"

urlpatterns = [
    path("", views.index, name="index"),
    path("flux.ics", views.feed, name="feed"),
    path("structures/<int:pk>/flux.ics", views.structure_feed, name="structure_feed"),
    path("professionnels/<str:token>/flux.ics", views.pro_feed, name="pro_feed"),
    path("<int:pk>/", views.event_detail, name="event"),
    path("<int:pk>/evenement.ics", views.event_ics, name="event_ics"),
    path("<int:pk>/inscription-enregistree/", views.registered, name="registered"),
]
