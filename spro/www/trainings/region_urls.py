from django.urls import path

from spro.www.trainings import views

app_name = "region_formations"

urlpatterns = [
    path("", views.region_index, name="index"),
]
