from django.urls import path

from spro.www.resources import views

app_name = "ressources_pro"

urlpatterns = [
    path("", views.pro_index, name="index"),
    path("nouvelle/", views.create, name="create"),
    path("<int:pk>/retirer/", views.withdraw, name="withdraw"),
]
