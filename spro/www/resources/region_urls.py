from django.urls import path

from spro.www.resources import views

app_name = "region_ressources"

urlpatterns = [
    path("", views.region_index, name="index"),
    path("<int:pk>/moderer/", views.moderate, name="moderate"),
]
