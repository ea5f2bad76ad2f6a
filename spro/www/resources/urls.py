from django.urls import path

from spro.www.resources import views

app_name = "ressources"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/fichier/", views.download, name="download"),
]
