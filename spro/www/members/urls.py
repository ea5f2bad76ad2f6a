from django.urls import path

from spro.www.members import views

app_name = "membres"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("liste/", views.member_list, name="list"),
    path("chartes/", views.charters, name="charters"),
    path("bilans/", views.reports, name="reports"),
]
