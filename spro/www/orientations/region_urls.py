from django.urls import path

from spro.www.orientations import region_views

app_name = "region_orientations"

urlpatterns = [
    path("", region_views.indicators, name="indicators"),
    path("journal-des-acces/", region_views.audit_log, name="audit_log"),
    path("donnees-personnelles/", region_views.person_requests, name="person_requests"),
]
