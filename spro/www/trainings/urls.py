from django.urls import path

from spro.www.trainings import views

app_name = "formations"

urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("nouvelle/", views.create, name="create"),
    path("mes-formations/", views.mine, name="mine"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/inscription/", views.register, name="register"),
    path("<int:pk>/participants/", views.attendance, name="attendance"),
    path("<int:pk>/annuler/", views.cancel, name="cancel"),
    path("inscriptions/<int:pk>/annuler/", views.cancel_registration, name="cancel_registration"),
    path("inscriptions/<int:pk>/attestation.pdf", views.attestation, name="attestation"),
    path("structures/<int:pk>/", views.structure, name="structure"),
]
