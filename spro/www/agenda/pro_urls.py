from django.urls import path

from spro.www.agenda import pro

app_name = "agenda_pro"

urlpatterns = [
    path("", pro.index, name="index"),
    path("calendrier/", pro.calendar, name="calendar"),
    path("calendrier/abonnement/", pro.feed_token, name="feed_token"),
    path("structures/<int:pk>/nouveau/", pro.create, name="create"),
    path("<int:pk>/modifier/", pro.edit, name="edit"),
    path("<int:pk>/annuler/", pro.cancel, name="cancel"),
    path("<int:pk>/inscrits/", pro.attendees, name="attendees"),
]
