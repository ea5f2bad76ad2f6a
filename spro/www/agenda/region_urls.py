from django.urls import path

from spro.www.agenda import region

app_name = "agenda_region"

urlpatterns = [
    path("", region.moderation, name="moderation"),
    path("<int:pk>/moderer/", region.moderate, name="moderate"),
]
