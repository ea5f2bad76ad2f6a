from django.urls import path

from spro.www.news import views

app_name = "actualites"

urlpatterns = [
    path("", views.index, name="index"),
    path("nouvelle/", views.create, name="create"),
    path("lettre/", views.digest, name="digest"),
    path("pieces/<int:pk>/", views.attachment, name="attachment"),
]
