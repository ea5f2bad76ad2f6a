from django.urls import path

from spro.www.professionals import views

app_name = "region_professionnels"

urlpatterns = [
    path("", views.region_referents, name="referents"),
]
