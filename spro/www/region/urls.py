from django.urls import path

from spro.www.region import views

app_name = "region"

urlpatterns = [
    path("", views.home, name="home"),
    path("reseaux/", views.network_list, name="networks"),
    path("reseaux/nouveau/", views.network_create, name="network_create"),
    path("reseaux/<int:pk>/modifier/", views.network_edit, name="network_edit"),
    path("structures/", views.structure_list, name="structures"),
    path("structures/nouvelle/", views.structure_create, name="structure_create"),
    path("fiches-anciennes/", views.stale_list, name="stale"),
]
