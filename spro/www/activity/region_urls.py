from django.urls import path

from spro.www.activity import views

app_name = "region_activite"

urlpatterns = [
    path("", views.region_indicators, name="indicators"),
]
